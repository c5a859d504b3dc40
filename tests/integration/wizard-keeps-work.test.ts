// The wizard keeps the user's work and its hints can be followed as written: driven in-process with
// scripted answers against the HTTPS stand-ins, so each case runs in milliseconds.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { choose, runInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/cli.js';

const NOT_ADMIN_KEY = 'FAKE-invenias-not-admin-key-0008';
const EXPIRED_KEY = 'FAKE-invenias-expired-key-0009';
const USERNAME = 'cyclr.integration';
const EXISTING_APP = 'existing-app-0001';
const SECRETS = [FAKE.inveniasApiKey, FAKE.inveniasPassword, FAKE.inveniasClientSecret, NOT_ADMIN_KEY, EXPIRED_KEY];

let invenias: InveniasServer;
let pingone: PingOneServer;

beforeAll(async () => {
  invenias = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    notAdminKeys: [NOT_ADMIN_KEY],
    users: [{ username: USERNAME, password: FAKE.inveniasPassword }],
    apps: [
      existingApp(EXISTING_APP, FAKE.inveniasClientSecret),
    ],
  });
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(async () => {
  await invenias.close();
  await pingone.close();
});

const env = (configDir: string) => ({ CONNECTOR_SETUP_CONFIG_DIR: configDir, BROWSER: 'none' });

/** The create questions up to the API Key, answered with the defaults and a service domain. */
const CREATE = ['acme', 'create', 'Integration', 'FiveYears', 'acme.cyclr.com'];

describe('Invenias: the wizard keeps what was typed', () => {
  test('a 403 (not a System Administrator) asks for another API Key; Name, Expiration and Service Domain are kept', async () => {
    const configDir = tempConfigDir();
    const result = await runInProcess(['invenias', '--base-url', invenias.origin], {
      env: env(configDir),
      answers: [...CREATE, NOT_ADMIN_KEY, true, FAKE.inveniasApiKey, USERNAME, FAKE.inveniasPassword, 'done'],
    });
    expect(result.code).toBe(0);
    expect(result.asked).toEqual([
      'Subdomain (company, company.invenias.com or your portal URL)',
      'Application',
      'Application Name',
      'Expiration',
      'Cyclr Service Domain',
      'API Key',
      'Create this application?',
      'A fresh API Key',
      'Username',
      'Password',
      'Take the values to Cyclr',
    ]);
    expect(result.stderr).toContain('Sign in to the Swagger page as a user in the System Administrator permission group, then paste that API Key below.');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('an expired API Key: the fix is the next question, not "run again"', async () => {
    const result = await runInProcess(['invenias', '--base-url', invenias.origin], {
      env: env(tempConfigDir()),
      answers: [...CREATE, EXPIRED_KEY, true, FAKE.inveniasApiKey, USERNAME, FAKE.inveniasPassword, 'done'],
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('paste the new key below');
    expect(result.stderr).not.toContain('run again straight away');
  });

  test('--new-app names the application it replaces and says it stays in Invenias', async () => {
    const configDir = tempConfigDir();
    const first = await runInProcess(['invenias', '--base-url', invenias.origin, '--profile', 'acme', '--client-id', EXISTING_APP, '--username', USERNAME], {
      env: { ...env(configDir), INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword },
      answers: ['acme', choose('Done')],
    });
    expect(first.code).toBe(0);
    const second = await runInProcess(['invenias', '--new-app', '--profile', 'acme', '--no-input', '--json'], {
      env: { ...env(configDir), INVENIAS_API_KEY: FAKE.inveniasApiKey, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', INVENIAS_PASSWORD: FAKE.inveniasPassword },
    });
    expect(second.code).toBe(0);
    const { warnings } = JSON.parse(second.stdout) as { warnings: string[] };
    expect(warnings).toContainEqual(expect.stringContaining(`instead of ${EXISTING_APP}. ${EXISTING_APP} stays in Invenias`));
  });

  test('a different subdomain over a saved profile offers a new application instead of ending the run', async () => {
    const configDir = tempConfigDir();
    const first = await runInProcess(['invenias', '--base-url', invenias.origin, '--client-id', EXISTING_APP, '--username', USERNAME], {
      env: { ...env(configDir), INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword },
      answers: ['acme', choose('Done')],
    });
    expect(first.code).toBe(0);
    const second = await runInProcess(['invenias', '--base-url', invenias.origin], {
      env: env(configDir),
      answers: ['other', choose('Quit')],
    });
    expect(second.asked).toEqual(['Subdomain (company, company.invenias.com or your portal URL)', 'Where should the application for other go?']);
    expect(second.stderr).toContain(`Profile "default" holds application ${EXISTING_APP} of subdomain acme, not other.`);
    expect(second.code).toBe(2);
  });

  test('a refused Client Secret: the hint renews this application into this profile, complete', async () => {
    const result = await runInProcess(['invenias', '--no-input', '--no-save', '--base-url', invenias.origin, '--subdomain', 'acme', '--profile', 'preset', '--client-id', EXISTING_APP, '--username', USERNAME, '--json'], {
      env: { ...env(tempConfigDir()), INVENIAS_CLIENT_SECRET: 'FAKE-wrong-invenias-secret-0010', INVENIAS_PASSWORD: FAKE.inveniasPassword },
    });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; hint: string } };
    expect(error.code).toBe('invalid_client');
    expect(error.hint).toContain(`connector-setup invenias --renew --profile preset --client-id ${EXISTING_APP}`);
    expect(error.hint).toContain('connector-setup invenias --new-app --profile preset');
    expect(error.hint).not.toMatch(/in Swagger/);
  });
});

describe('PingOne: hints in the wizard name the wizard\'s own choices', () => {
  test('an environment that is not at this domain: the hint says how to paste the AUTHORIZATION URL here', async () => {
    const result = await runInProcess(['pingone', '--no-save', '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort, '--environment-id', FAKE.otherEnvironmentId], {
      env: { ...env(tempConfigDir()), PINGONE_CLIENT_SECRET: FAKE.clientSecret },
      answers: [choose('Quit')],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"Paste the AUTHORIZATION URL"');
    expect(result.stderr).not.toContain('--authorization-url');
  });
});
