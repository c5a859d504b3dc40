// Where each value comes from: flags and --*-stdin, then the environment, then the saved profile.
import { describe, expect, test } from '@jest/globals';
import { CliError } from '../../src/core/errors.js';
import { missingInputs, resolveValues, stdinField } from '../../src/core/run/resolve.js';
import { pingoneFields } from '../../src/connectors/pingone/fields.js';
import { FAKE } from '../helpers/fixtures.js';

const flagClientId = '22222222-2222-4222-8222-222222222222';
const envClientId = '33333333-3333-4333-8333-333333333333';
const savedClientId = '44444444-4444-4444-8444-444444444444';

const saved = {
  values: { clientId: savedClientId, authDomain: 'auth.pingone.com', environmentId: FAKE.environmentId },
  secrets: { clientSecret: 'FAKE-saved-secret-0009' },
};

function thrown(work: () => unknown): CliError {
  try {
    work();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('resolveValues', () => {
  test('a flag beats the environment, which beats the saved profile', () => {
    const resolved = resolveValues({
      // The four values a verify uses (the others are --create's and --rotate's).
      fields: pingoneFields.slice(0, 4),
      options: { clientId: flagClientId },
      env: { PINGONE_CLIENT_ID: envClientId, PINGONE_AUTH_DOMAIN: 'AUTH.pingone.com' },
      saved,
    });
    expect(resolved.values).toEqual({
      clientId: flagClientId,
      clientSecret: 'FAKE-saved-secret-0009',
      authDomain: 'auth.pingone.com',
      environmentId: FAKE.environmentId,
    });
    expect(resolved.sources).toEqual({ clientId: 'flag', clientSecret: 'profile', authDomain: 'env', environmentId: 'profile' });
  });

  test("an Auth Domain other than the saved one is never completed with the profile's Environment ID or secret", () => {
    const error = thrown(() =>
      resolveValues({ fields: pingoneFields.slice(0, 4), options: { authDomain: 'auth.pingone.eu' }, env: {}, saved, savedFrom: 'the saved profile "default"' }),
    );
    expect(error.code).toBe('location_mismatch');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--auth-domain auth.pingone.eu is not where the saved profile "default" points (Auth Domain auth.pingone.com, Environment ID ' +
        `${FAKE.environmentId}); its Client ID and Client Secret belong there and are not sent elsewhere.`,
    );
  });

  test('a new location with every credential given for it: the saved location is not used at all', () => {
    const resolved = resolveValues({
      fields: pingoneFields.slice(0, 4),
      options: { clientId: flagClientId, authDomain: 'auth.pingone.eu' },
      env: { PINGONE_CLIENT_SECRET: 'FAKE-env-secret-0011' },
      saved,
    });
    expect(resolved.values).toEqual({ clientId: flagClientId, clientSecret: 'FAKE-env-secret-0011', authDomain: 'auth.pingone.eu' });
  });

  test('the secret from --client-secret-stdin beats the environment', () => {
    const resolved = resolveValues({
      fields: pingoneFields,
      options: { clientSecretStdin: true },
      stdinLine: FAKE.clientSecret,
      env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret },
      saved,
    });
    expect(resolved.values.clientSecret).toBe(FAKE.clientSecret);
    expect(resolved.sources.clientSecret).toBe('stdin');
  });

  test('an empty environment variable counts as unset', () => {
    const resolved = resolveValues({ fields: pingoneFields, options: {}, env: { PINGONE_CLIENT_ID: '' }, saved });
    expect(resolved.sources.clientId).toBe('profile');
  });

  test('values are normalised on the way in, with a notice when a secret was trimmed', () => {
    const resolved = resolveValues({
      fields: pingoneFields,
      options: { authDomain: ' https://auth.pingone.EU/ ', environmentId: FAKE.environmentId.toUpperCase() },
      env: { PINGONE_CLIENT_SECRET: ` ${FAKE.clientSecret}\t` },
    });
    expect(resolved.values.authDomain).toBe('auth.pingone.eu');
    expect(resolved.values.environmentId).toBe(FAKE.environmentId);
    expect(resolved.values.clientSecret).toBe(FAKE.clientSecret);
    expect(resolved.notices).toEqual(['Removed whitespace around the Client Secret (PINGONE_CLIENT_SECRET).']);
  });

  test('a bad value is refused naming where it came from, never echoing a secret', () => {
    const fromFlag = thrown(() => resolveValues({ fields: pingoneFields, options: { clientId: 'not-a-uuid' }, env: {} }));
    expect(fromFlag.exitCode).toBe(2);
    expect(fromFlag.code).toBe('invalid_input');
    expect(fromFlag.message).toContain('(from --client-id)');
    const secret = `${FAKE.clientSecret}\u0000tail`;
    const fromEnv = thrown(() => resolveValues({ fields: pingoneFields, options: {}, env: { PINGONE_CLIENT_SECRET: secret } }));
    expect(fromEnv.message).toContain('(from PINGONE_CLIENT_SECRET)');
    expect(fromEnv.message).not.toContain(FAKE.clientSecret);
  });

  test('nothing known leaves the value unresolved', () => {
    const resolved = resolveValues({ fields: pingoneFields, options: {}, env: {} });
    // Only what has a default: the name and roles --create would use.
    expect(resolved.values).toEqual({ appName: 'Cyclr', roles: 'Identity Data Admin' });
    expect(resolved.sources).toEqual({ appName: 'default', roles: 'default' });
  });
});

describe('stdinField', () => {
  test('names the field whose --*-stdin flag was given', () => {
    expect(stdinField(pingoneFields, { clientSecretStdin: true })?.key).toBe('clientSecret');
    expect(stdinField(pingoneFields, {})).toBeUndefined();
  });

  test('refuses two --*-stdin flags at once: stdin holds one line', () => {
    const fields = [...pingoneFields, { ...pingoneFields[1]!, key: 'other', stdinFlag: '--other-stdin' }];
    expect(thrown(() => stdinField(fields, { clientSecretStdin: true, otherStdin: true })).exitCode).toBe(2);
  });
});

describe('missingInputs', () => {
  test('one missing value: names it, its flag and its variable (exit 2)', () => {
    const error = missingInputs([pingoneFields[1]!], '', 'no-terminal');
    expect(error.code).toBe('missing_input');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('Missing Client Secret.');
    expect(error.hint).toContain('--client-secret-stdin');
    expect(error.hint).toContain('PINGONE_CLIENT_SECRET');
  });

  test('several missing values are named at once, each with its flag and variable', () => {
    const error = missingInputs(pingoneFields.slice(1, 4), '', 'no-terminal');
    expect(error.message).toBe('Missing Client Secret, Auth Domain, Environment ID.');
    for (const where of ['--client-secret-stdin', 'PINGONE_CLIENT_SECRET', '--auth-domain', 'PINGONE_AUTH_DOMAIN', '--environment-id', 'PINGONE_ENVIRONMENT_ID']) {
      expect(error.hint).toContain(where);
    }
  });

  test('a missing value names its flag and variable, and the way to be asked that works for this run', () => {
    const authDomain = [pingoneFields[2]!];
    expect(missingInputs(authDomain, '', 'no-terminal').hint).toBe('Pass --auth-domain or set PINGONE_AUTH_DOMAIN, or run it in a terminal to be asked.');
    expect(missingInputs(authDomain, '', 'no-input').hint).toBe('Pass --auth-domain or set PINGONE_AUTH_DOMAIN, or drop --no-input to be asked.');
    expect(missingInputs(authDomain, '', 'verify').hint).toBe('Pass --auth-domain or set PINGONE_AUTH_DOMAIN (--verify never asks; drop --verify to be asked).');
    expect(missingInputs(authDomain, '', 'never').hint).toBe('Pass --auth-domain or set PINGONE_AUTH_DOMAIN.');
    expect(missingInputs(pingoneFields.slice(2, 4), '', 'no-input').hint).toBe(
      'Pass Auth Domain: --auth-domain or set PINGONE_AUTH_DOMAIN; Environment ID: --environment-id or set PINGONE_ENVIRONMENT_ID; or drop --no-input to be asked.',
    );
  });
});
