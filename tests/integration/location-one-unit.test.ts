// Where credentials go is one unit: a subdomain, base URL, Auth Domain or Environment ID given for a run is never
// completed with another from a saved profile, and a saved profile's credentials are never sent anywhere but where
// the profile points (exit 2, nothing sent). A profile read from disk is used only when its connector is known, its
// name valid and its hosts valid by the input rules; otherwise it is config_damaged, named. Against recording
// HTTPS stand-ins for two tenants, two PingOne domains.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';

const USERNAME = 'cyclr.integration';
const APP = 'existing-app-0002';

let tenantA: InveniasServer;
let tenantB: InveniasServer;
let pingone: PingOneServer;
let otherPingOne: PingOneServer;

beforeAll(async () => {
  const tenant = (subdomain: string) =>
    startInvenias({
      subdomain,
      adminKeys: [FAKE.inveniasApiKey],
      users: [{ username: USERNAME, password: FAKE.inveniasPassword }],
      apps: [existingApp(APP, FAKE.inveniasClientSecret)],
    });
  [tenantA, tenantB] = await Promise.all([tenant('acme'), tenant('othertenant')]);
  const apps = [{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }];
  [pingone, otherPingOne] = await Promise.all([startPingOne(apps), startPingOne(apps)]);
});

afterAll(() => Promise.all([tenantA.close(), tenantB.close(), pingone.close(), otherPingOne.close()]));

function errorOf(result: CliResult): { code: string; message: string; hint: string } {
  return JSON.parse(result.stdout).error;
}

/** A config directory whose `default` Invenias profile is tenant A's, as a setup there leaves it. */
async function tenantAProfile(): Promise<string> {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [
    {
      connector: 'invenias',
      name: 'default',
      values: { subdomain: 'acme', baseUrl: tenantA.origin, clientId: APP, username: USERNAME },
      secrets: { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword },
    },
  ]);
  return configDir;
}

async function pingoneProfile(values: Record<string, string> = {}): Promise<string> {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [
    {
      connector: 'pingone',
      name: 'default',
      values: { clientId: FAKE.clientId, authDomain: pingone.hostPort, environmentId: FAKE.environmentId, ...values },
      secrets: { clientSecret: FAKE.clientSecret },
    },
  ]);
  return configDir;
}

const sent = () => tenantA.requests.length + tenantB.requests.length + pingone.requests.length + otherPingOne.requests.length;

describe('a location given for the run is never combined with a saved profile of another', () => {
  test('invenias --verify --subdomain othertenant over tenant A\'s profile: exit 2, neither tenant receives anything', async () => {
    const configDir = await tenantAProfile();
    const before = sent();
    const result = await runCli(['invenias', '--verify', '--json', '--subdomain', 'othertenant'], { configDir });
    expect(result.code).toBe(2);
    const error = errorOf(result);
    expect(error.code).toBe('location_mismatch');
    expect(error.message).toContain(`--subdomain othertenant is not where the saved profile "default" in ${configDir} points (Subdomain acme, Base URL ${tenantA.origin})`);
    expect(error.message).toContain('its Client ID, Client Secret, Username and Password belong there and are not sent elsewhere');
    expect(error.hint).toContain('--profile NAME');
    expect(sent()).toBe(before);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('INVENIAS_BASE_URL of tenant B over tenant A\'s profile: exit 2, tenant B receives nothing', async () => {
    const configDir = await tenantAProfile();
    const before = sent();
    const result = await runCli(['invenias', '--verify', '--json'], { configDir, env: { INVENIAS_BASE_URL: tenantB.origin } });
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'location_mismatch', message: expect.stringContaining(`INVENIAS_BASE_URL=${tenantB.origin} is not where`) });
    expect(sent()).toBe(before);
  });

  test('the saved location given again is the same place: verified there', async () => {
    const configDir = await tenantAProfile();
    const before = tenantA.tokenRequests().length;
    const result = await runCli(['invenias', '--verify', '--json', '--subdomain', 'acme'], { configDir });
    expect(result.code).toBe(0);
    expect(tenantA.tokenRequests().length).toBe(before + 1);
  });

  test('every credential given for the new tenant: the saved location is not used, and the new tenant is verified', async () => {
    const configDir = await tenantAProfile();
    const before = tenantA.requests.length;
    const result = await runCli(['invenias', '--verify', '--json', '--subdomain', 'othertenant', '--base-url', tenantB.origin, '--client-id', APP, '--username', USERNAME], {
      configDir,
      env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values).toMatchObject({ subdomain: 'othertenant', baseUrl: tenantB.origin });
    expect(tenantA.requests.length).toBe(before);
    expect(tenantB.tokenRequests().at(-1)?.get('subdomain')).toBe('othertenant');
  });

  test('pingone --verify --auth-domain of another domain over a saved profile: exit 2, that domain receives nothing', async () => {
    const configDir = await pingoneProfile();
    const before = sent();
    const result = await runCli(['pingone', '--verify', '--json', '--auth-domain', otherPingOne.hostPort], { configDir });
    expect(result.code).toBe(2);
    const error = errorOf(result);
    expect(error.code).toBe('location_mismatch');
    expect(error.message).toContain(`--auth-domain ${otherPingOne.hostPort} is not where the saved profile "default"`);
    expect(error.message).toContain(`(Auth Domain ${pingone.hostPort}, Environment ID ${FAKE.environmentId})`);
    expect(sent()).toBe(before);
  });

  test('PINGONE_ENVIRONMENT_ID of another environment over a saved profile: exit 2, nothing sent', async () => {
    const configDir = await pingoneProfile();
    const before = sent();
    const result = await runCli(['pingone', '--verify', '--json'], { configDir, env: { PINGONE_ENVIRONMENT_ID: FAKE.otherEnvironmentId } });
    expect(result.code).toBe(2);
    expect(errorOf(result).code).toBe('location_mismatch');
    expect(sent()).toBe(before);
  });
});

describe('a saved profile is checked when read', () => {
  test.each([
    ['an Auth Domain with a path', { authDomain: 'evil.example/collect' }, 'Auth Domain'],
    ['an Auth Domain with credentials in it', { authDomain: 'user@evil.example' }, 'Auth Domain'],
    ['an Environment ID that is not a UUID', { environmentId: '../../admin' }, 'Environment ID'],
  ])('%s: config_damaged naming the profile, exit 2, nothing sent', async (_case, values, label) => {
    const configDir = await pingoneProfile(values);
    const before = sent();
    for (const args of [['pingone', '--verify', '--json'], ['verify', '--all', '--json'], ['profiles', 'list', '--json']]) {
      const result = await runCli(args, { configDir });
      expect(result.code).toBe(2);
      const document = JSON.parse(result.stdout);
      const error = document.error ?? document.results?.[0]?.error;
      expect(error).toMatchObject({ code: 'config_damaged' });
      expect(error.message).toContain(`The profile file ${path.join(configDir, 'profiles.json')} is damaged: profile "default" of "pingone": ${label}`);
    }
    expect(sent()).toBe(before);
  });

  test('a saved Invenias base URL that is not https: config_damaged, nothing sent', async () => {
    const configDir = await tenantAProfile();
    const file = path.join(configDir, 'profiles.json');
    const profiles = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    profiles.profiles.invenias.default.values.baseUrl = 'http://acme.invenias.com';
    writeFileSync(file, JSON.stringify(profiles));
    const before = sent();
    const result = await runCli(['invenias', '--verify', '--json'], { configDir });
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'config_damaged', message: expect.stringContaining('profile "default" of "invenias": Base URL') });
    expect(sent()).toBe(before);
  });

  test('a connector this version does not know, and a name no user could give: config_damaged naming each, never used', async () => {
    for (const [connector, name, problem] of [
      ['salesforce', 'default', '"salesforce" is not a connector this version knows (pingone, invenias)'],
      ['pingone', 'has space', 'profile "has space" of "pingone" has a name that is not valid'],
    ] as const) {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, [{ connector, name, values: { clientId: FAKE.clientId }, secrets: {} }]);
      const result = await runCli(['profiles', 'list', '--json'], { configDir });
      expect(result.code).toBe(2);
      expect(errorOf(result)).toMatchObject({ code: 'config_damaged', message: expect.stringContaining(problem) });
      expect(errorOf(result).hint).toContain('Fix the file by hand or move it aside');
    }
  });
});
