// A setup that fails still names, in its --json document, the non-secret values it had resolved or collected
// (never a secret), so CI can see which application and environment failed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const NO_ROLES_APP = 'cccccccc-0000-4000-8000-000000000003';
const NOT_ADMIN_KEY = 'FAKE-invenias-not-admin-key-0008';
const SECRETS = [...ALL_FAKE_SECRETS, NOT_ADMIN_KEY];
const USERNAME = 'cyclr.integration';

let pingone: PingOneServer;
let invenias: InveniasServer;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: NO_ROLES_APP, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId, roles: [] }]);
  invenias = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    notAdminKeys: [NOT_ADMIN_KEY],
    users: [{ username: USERNAME, password: FAKE.inveniasPassword }],
  });
});

afterAll(async () => {
  await pingone.close();
  await invenias.close();
});

function inveniasSetup(configDir: string, env: Record<string, string>) {
  return runCli(['invenias', '--no-input', '--json', '--subdomain', 'acme', '--base-url', invenias.origin, '--app-name', 'Cyclr CI'], {
    configDir,
    env: {
      INVENIAS_API_KEY: FAKE.inveniasApiKey,
      INVENIAS_USERNAME: USERNAME,
      INVENIAS_PASSWORD: FAKE.inveniasPassword,
      CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
      ...env,
    },
  });
}

describe('a failed setup reports the values it had', () => {
  test('PingOne refuses (no_roles): the Client ID, Auth Domain and Environment ID are in the document, the secret is not', async () => {
    const result = await runCli(['pingone', '--no-input', '--json', '--client-id', NO_ROLES_APP, '--auth-domain', pingone.hostPort], {
      configDir: tempConfigDir(),
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
    });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('no_roles');
    expect(document.values).toEqual({ clientId: NO_ROLES_APP, authDomain: pingone.hostPort, environmentId: FAKE.environmentId });
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('Invenias refuses the API Key (not_system_admin): the subdomain, origin and application details, no key or password', async () => {
    const result = await inveniasSetup(tempConfigDir(), { INVENIAS_API_KEY: NOT_ADMIN_KEY });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.error.code).toBe('not_system_admin');
    // The Expiration was left at its default, so it is not named; the Name was given.
    expect(document.values).toEqual({
      subdomain: 'acme',
      baseUrl: invenias.origin,
      username: USERNAME,
      serviceDomain: 'acme.cyclr.com',
      appName: 'Cyclr CI',
    });
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('Invenias refuses the user after creating the application (invalid_grant): the new Client ID is named', async () => {
    const configDir = tempConfigDir();
    const result = await inveniasSetup(configDir, { INVENIAS_PASSWORD: FAKE.wrongSecret });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.error.code).toBe('invalid_grant');
    expect(invenias.apps.has(document.values.clientId)).toBe(true);
    expect(document.values).toMatchObject({ subdomain: 'acme', username: USERNAME, serviceDomain: 'acme.cyclr.com' });
    for (const key of ['apiKey', 'clientSecret', 'password']) expect(document.values).not.toHaveProperty(key);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('--new-app refused (not_system_admin): the document does not name the application the profile already had', async () => {
    const configDir = tempConfigDir();
    const first = await inveniasSetup(configDir, {});
    expect(first.code).toBe(0);
    const savedClientId = JSON.parse(first.stdout).values.clientId as string;
    const result = await runCli(['invenias', '--no-input', '--json', '--new-app', '--subdomain', 'acme', '--base-url', invenias.origin], {
      configDir,
      env: { INVENIAS_API_KEY: NOT_ADMIN_KEY, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.error.code).toBe('not_system_admin');
    expect(document.values.subdomain).toBe('acme');
    expect(document.values).not.toHaveProperty('clientId');
    expect(result.stdout + result.stderr).not.toContain(savedClientId);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});
