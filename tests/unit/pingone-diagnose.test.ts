// What the wizard says when PingOne refuses the token request: each answer becomes a code and a hint
// naming the console setting that fixes it.
import { describe, expect, test } from '@jest/globals';
import { readDiscovery } from '../../src/connectors/pingone/discovery.js';
import { diagnose, tokenUrl } from '../../src/connectors/pingone/token.js';
import { FAKE } from '../helpers/fixtures.js';

const credentials = { clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId };

function oauthError(error: string, description = '', status = 401) {
  return diagnose({ kind: 'oauth_error', status, error, description, headers: {}, ms: 1 }, credentials);
}

function httpError(status: number) {
  return diagnose({ kind: 'http_error', status, body: undefined, headers: {}, ms: 1 }, credentials);
}

describe('diagnose', () => {
  test('invalid_client about the authentication method: wrong_auth_method, fix is Client Secret Post', () => {
    const error = oauthError('invalid_client', 'Request denied: Unsupported authentication method (Correlation ID: x)');
    expect(error.code).toBe('wrong_auth_method');
    expect(error.exitCode).toBe(1);
    expect(error.hint).toContain('TOKEN ENDPOINT AUTHENTICATION METHOD');
    expect(error.hint).toContain('Client Secret Post');
    expect(error.message).toContain('Unsupported authentication method');
  });

  test('other invalid_client (docs/partners.md P-TOKEN-401-INVALID-CLIENT): the Client ID or Client Secret, or a switched-off app', () => {
    const error = oauthError('invalid_client', 'Request denied: Invalid client credentials (Correlation ID: 0f1e2d3c-0000-4000-8000-00000000abcd)');
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('Client ID or Client Secret');
    expect(error.message).toContain('(Correlation ID: 0f1e2d3c-0000-4000-8000-00000000abcd)');
    expect(error.hint).toContain('Applications > Applications > your Worker app > Configuration');
    expect(error.hint).toContain('check that the application is switched on');
  });


  test('invalid_client about a disabled app: app_disabled, fix is the toggle', () => {
    const error = oauthError('invalid_client', 'Request denied: Application is disabled');
    expect(error.code).toBe('app_disabled');
    expect(error.hint).toContain('toggle');
  });

  test('unauthorized_client (and unsupported_grant_type): Grant Type must be Client Credentials', () => {
    for (const code of ['unauthorized_client', 'unsupported_grant_type']) {
      const error = oauthError(code, 'Request denied: Unsupported grant type for this application', 400);
      expect(error.code).toBe('unauthorized_client');
      expect(error.hint).toContain('Grant Type to Client Credentials');
    }
  });

  test('role assignments named under any error code (P-TOKEN-NO-ROLES, code unconfirmed): no_roles, fix is Grant Roles', () => {
    for (const code of ['access_denied', 'invalid_client', 'unauthorized_client']) {
      const error = oauthError(code, 'Request denied: Application does not have any role assignments (Correlation ID: x)', 400);
      expect(error.code).toBe('no_roles');
      expect(error.hint).toContain('Applications > Applications > your Worker app > Roles: click Grant Roles');
    }
  });

  test('access_denied for another reason keeps its own code', () => {
    expect(oauthError('access_denied', 'Not today', 403).code).toBe('access_denied');
  });

  test('any other OAuth error: the stable code rejected, with PingOne\'s error in the message', () => {
    const error = oauthError('invalid_scope', 'Something', 400);
    expect(error.code).toBe('rejected');
    expect(error.message).toBe('PingOne refused the token request (invalid_scope). PingOne said: "Something"');
    expect(error.exitCode).toBe(1);
  });

  test('404 at the token URL: environment_not_found naming the environment and the domain', () => {
    const error = httpError(404);
    expect(error.code).toBe('environment_not_found');
    expect(error.message).toContain(FAKE.environmentId);
    expect(error.message).toContain('auth.pingone.eu');
    expect(error.hint).toContain('Environment ID and the Auth Domain');
  });

  test('401/403 without an OAuth body: invalid_client', () => {
    expect(httpError(401).code).toBe('invalid_client');
    expect(httpError(403).code).toBe('invalid_client');
  });

  test('no diagnosis ever repeats the secret', () => {
    const answers = [oauthError('invalid_client'), oauthError('access_denied', 'role assignments'), httpError(404), httpError(400)];
    for (const error of answers) expect(`${error.message} ${error.hint}`).not.toContain(FAKE.clientSecret);
  });
});

test('the token URL is https://{authDomain}/{environmentId}/as/token', () => {
  expect(tokenUrl('auth.pingone.eu', FAKE.environmentId)).toBe(`https://auth.pingone.eu/${FAKE.environmentId}/as/token`);
});

describe('readDiscovery (docs/partners.md P-DISC-200, P-DISC-BAD)', () => {
  const issuer = `https://auth.pingone.eu/${FAKE.environmentId}/as`;
  test('a 200 document whose issuer ends in /{envId}/as: here (case does not matter)', () => {
    expect(readDiscovery(200, JSON.stringify({ issuer }), FAKE.environmentId)).toEqual({ kind: 'here' });
    expect(readDiscovery(200, JSON.stringify({ issuer: issuer.toUpperCase() }), FAKE.environmentId)).toEqual({ kind: 'here' });
  });

  test.each([
    [404, JSON.stringify({ code: 'NOT_FOUND' }), 'it answered 404'],
    [400, '', 'it answered 400'],
    [200, '<html>portal</html>', 'its answer is not a discovery document'],
    [200, 'null', 'its answer is not a discovery document'],
    [200, JSON.stringify({ issuer: 42 }), 'its answer is not a discovery document'],
    [200, JSON.stringify({ issuer: `https://auth.pingone.eu/${FAKE.otherEnvironmentId}/as` }), 'its discovery document belongs to another issuer'],
    [200, JSON.stringify({ issuer: `https://auth.pingone.eu/${FAKE.environmentId}/as/extra` }), 'its discovery document belongs to another issuer'],
  ])('%d %s: absent', (status, body, why) => {
    expect(readDiscovery(status, body, FAKE.environmentId)).toEqual({ kind: 'absent', why });
  });
});
