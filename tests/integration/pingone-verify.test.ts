// `connector-setup pingone --verify` against a real OAuth server on 127.0.0.1 that behaves like PingOne.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const basicAppId = 'aaaaaaaa-0000-4000-8000-000000000001';
const codeOnlyAppId = 'aaaaaaaa-0000-4000-8000-000000000002';
const noRolesAppId = 'aaaaaaaa-0000-4000-8000-000000000003';
const disabledAppId = 'aaaaaaaa-0000-4000-8000-000000000004';

let server: PingOneServer;

beforeAll(async () => {
  const common = { clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId };
  server = await startPingOne([
    { ...common, clientId: FAKE.clientId },
    { ...common, clientId: basicAppId, authMethod: 'client_secret_basic' },
    { ...common, clientId: codeOnlyAppId, grantTypes: ['authorization_code'] },
    { ...common, clientId: noRolesAppId, roles: [] },
    { ...common, clientId: disabledAppId, enabled: false },
  ]);
});

afterAll(() => server.close());

function verify(clientId: string, secret: string = FAKE.clientSecret, extra: string[] = []) {
  return runCli(['pingone', '--verify', '--json', '--client-id', clientId, '--auth-domain', server.hostPort, ...extra], {
    env: { PINGONE_CLIENT_SECRET: secret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
  });
}

describe('pingone --verify', () => {
  test('good credentials: exit 0, one JSON document, the token request sent as Cyclr sends it', async () => {
    const before = server.tokenRequests().length;
    const result = await verify(FAKE.clientId);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      ok: true,
      connector: 'pingone',
      profile: 'default',
      values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId },
      error: null,
    });
    expect(document.checks).toHaveLength(1);
    expect(document.checks[0]).toMatchObject({ ok: true });
    expect(typeof document.checks[0].ms).toBe('number');
    const sent = server.tokenRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe(`/${FAKE.environmentId}/as/token`);
    expect(Object.fromEntries(sent[0]?.form ?? [])).toEqual({
      grant_type: 'client_credentials',
      client_id: FAKE.clientId,
      client_secret: FAKE.clientSecret,
    });
    expect(sent[0]?.authorization).toBeUndefined();
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('an app set to Client Secret Basic: wrong_auth_method, exit 1, hint names the console setting', async () => {
    const result = await verify(basicAppId);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('wrong_auth_method');
    expect(error.hint).toContain('TOKEN ENDPOINT AUTHENTICATION METHOD');
    expect(error.hint).toContain('Client Secret Post');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a wrong secret: invalid_client, exit 1', async () => {
    const result = await verify(FAKE.clientId, FAKE.wrongSecret);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('invalid_client');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('an app without the Client Credentials grant: unauthorized_client', async () => {
    const result = await verify(codeOnlyAppId);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('unauthorized_client');
    expect(error.hint).toContain('Grant Type');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a Worker app without roles: no_roles', async () => {
    const result = await verify(noRolesAppId);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('no_roles');
    expect(error.hint).toContain('Grant Roles');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a disabled app: app_disabled', async () => {
    const result = await verify(disabledAppId);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('app_disabled');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('an unknown environment on a custom domain: environment_not_found naming both suspects', async () => {
    const result = await verify(FAKE.clientId, FAKE.clientSecret, ['--environment-id', FAKE.otherEnvironmentId]);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('environment_not_found');
    expect(error.hint).toMatch(/Environment ID and the Auth Domain/);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a missing value without a terminal: exit 2 naming the value, its flag and its variable; nothing sent', async () => {
    const before = server.requests.length;
    const result = await runCli(['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      env: { PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Missing Client Secret');
    expect(result.stderr).toContain('--client-secret-stdin');
    expect(result.stderr).toContain('PINGONE_CLIENT_SECRET');
    expect(server.requests.length).toBe(before);
  });

  test('the secret from stdin, with a trailing newline and spaces, is trimmed with a notice', async () => {
    const result = await runCli(
      ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--client-secret-stdin'],
      { env: { PINGONE_ENVIRONMENT_ID: FAKE.environmentId }, stdin: `  ${FAKE.clientSecret}  \n` },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Removed whitespace around the Client Secret');
    expectNoSecrets(result.stdout + result.stderr);
  });
});
