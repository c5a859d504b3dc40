// Pasted PingOne values: normalised when the intent is clear, refused with a message saying why otherwise.
import { describe, expect, test } from '@jest/globals';
import { CliError } from '../../src/core/errors.js';
import { parseAuthorizationUrl } from '../../src/connectors/pingone/fields.js';
import { pingoneDefinition } from '../../src/connectors/pingone/definition.js';
import { parseHostPort, parseSecret, parseUuid } from '../../src/core/run/validate.js';
import { FAKE } from '../helpers/fixtures.js';

function refusal(work: () => unknown): CliError {
  try {
    work();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Auth Domain', () => {
  test.each([
    ['auth.pingone.eu', 'auth.pingone.eu'],
    ['https://auth.pingone.eu', 'auth.pingone.eu'],
    ['https://auth.pingone.eu/', 'auth.pingone.eu'],
    ['  AUTH.PingOne.EU  ', 'auth.pingone.eu'],
    ['auth.pingone.eu:443', 'auth.pingone.eu'],
    ['sso.example.com:8443', 'sso.example.com:8443'],
    ['127.0.0.1:9443', '127.0.0.1:9443'],
  ])('%j becomes %j', (raw, expected) => {
    expect(parseHostPort(raw, 'Auth Domain')).toBe(expected);
  });

  test.each([
    ['https://auth.pingone.eu/cd91070f/as', /without a path or query/],
    ['auth.pingone.eu?x=1', /without a path or query/],
    ['https://user:pw@auth.pingone.eu', /credentials/],
    ['http://auth.pingone.eu', /https:\/\//],
    ['auth.pingone\u0000.eu', /control character/],
    ['auth.ping one.eu', /spaces/],
    [`${'a'.repeat(3000)}.eu`, /at most 2048/],
    ['auth.pingone.eu:99999', /port/],
    ['', /empty/],
  ])('%j is refused', (raw, message) => {
    const error = refusal(() => parseHostPort(raw, 'Auth Domain'));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^Auth Domain /);
    expect(error.message).toMatch(message);
  });
});

describe('AUTHORIZATION URL', () => {
  test('gives the Auth Domain and the Environment ID', () => {
    expect(parseAuthorizationUrl(` https://auth.pingone.eu/${FAKE.environmentId.toUpperCase()}/as/authorize/ `)).toEqual({
      authDomain: 'auth.pingone.eu',
      environmentId: FAKE.environmentId,
    });
  });

  test.each([
    `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize?client_id=x`,
    `http://auth.pingone.eu/${FAKE.environmentId}/as/authorize`,
    `https://auth.pingone.eu/not-a-uuid/as/authorize`,
    `https://auth.pingone.eu/${FAKE.environmentId}`,
    `https://user:pw@auth.pingone.eu/${FAKE.environmentId}/as/authorize`,
  ])('%j is refused', (raw) => {
    expect(refusal(() => parseAuthorizationUrl(raw)).exitCode).toBe(2);
  });

  test('--authorization-url gives the Auth Domain and Environment ID; a conflicting --auth-domain or --environment-id is refused', () => {
    const url = `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`;
    expect(pingoneDefinition.prepareOptions?.({ authorizationUrl: url })).toEqual({ authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId });
    const agreeing = { authorizationUrl: url, authDomain: 'auth.pingone.eu' };
    expect(() => pingoneDefinition.prepareOptions?.(agreeing)).not.toThrow();
    expect(refusal(() => pingoneDefinition.prepareOptions?.({ authorizationUrl: url, authDomain: 'auth.pingone.com' })).message).toContain(
      '--authorization-url gives Auth Domain auth.pingone.eu',
    );
    expect(refusal(() => pingoneDefinition.prepareOptions?.({ authorizationUrl: url, environmentId: FAKE.otherEnvironmentId })).message).toContain(
      'Environment ID',
    );
  });
});

describe('Client ID, Environment ID, Client Secret', () => {
  test('UUIDs are trimmed and lower-cased; anything else is refused', () => {
    expect(parseUuid(` ${FAKE.clientId.toUpperCase()} `, 'Client ID')).toBe(FAKE.clientId);
    expect(refusal(() => parseUuid('1234', 'Client ID')).message).toContain('Client ID must be a UUID');
  });

  test('a secret keeps its inner characters; surrounding whitespace is removed and reported', () => {
    expect(parseSecret(`  ${FAKE.clientSecret}\n`, 'Client Secret')).toEqual({ value: FAKE.clientSecret, trimmed: true });
    expect(parseSecret(FAKE.clientSecret, 'Client Secret')).toEqual({ value: FAKE.clientSecret, trimmed: false });
  });

  test('a refused secret is described, never echoed', () => {
    for (const raw of [`${FAKE.clientSecret} ${FAKE.clientSecret}`, `${FAKE.clientSecret}\u0007`, FAKE.clientSecret.repeat(100)]) {
      const error = refusal(() => parseSecret(raw, 'Client Secret'));
      expect(error.exitCode).toBe(2);
      expect(`${error.message} ${error.hint}`).not.toContain(FAKE.clientSecret);
    }
  });
});
