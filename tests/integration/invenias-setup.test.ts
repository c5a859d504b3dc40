// `connector-setup invenias` without a terminal (scripts, CI) against an HTTPS stand-in of the documented
// Invenias endpoints, whose token endpoint is a real OAuth 2.0 password-grant server.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';

const EXPIRED_KEY = 'FAKE-invenias-expired-key-0007';
const NOT_ADMIN_KEY = 'FAKE-invenias-not-admin-key-0008';
const SECRETS = [...ALL_FAKE_SECRETS, EXPIRED_KEY, NOT_ADMIN_KEY];
const USERNAME = 'cyclr.integration';

let server: InveniasServer;

beforeAll(async () => {
  server = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    notAdminKeys: [NOT_ADMIN_KEY],
    users: [
      { username: USERNAME, password: FAKE.inveniasPassword },
      { username: 'sso.person', password: FAKE.inveniasPassword, sso: true },
    ],
  });
});

afterAll(() => server.close());

interface Run {
  args?: string[];
  env?: Record<string, string | undefined>;
  configDir?: string;
  stdin?: string;
}

/** A scripted setup: everything from flags and the environment, the stand-in as the origin. */
function setup({ args = [], env = {}, configDir, stdin }: Run = {}) {
  return runCli(['invenias', '--json', '--subdomain', 'acme', '--base-url', server.origin, ...args], {
    env: {
      INVENIAS_API_KEY: FAKE.inveniasApiKey,
      INVENIAS_USERNAME: USERNAME,
      INVENIAS_PASSWORD: FAKE.inveniasPassword,
      CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
      ...env,
    },
    ...(configDir ? { configDir } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
  });
}

function readProfiles(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8'));
}

function readSecrets(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8'));
}

function counts() {
  return { creates: server.createRequests().length, renews: server.renewRequests().length, tokens: server.tokenRequests().length, apps: server.apps.size };
}

describe('invenias: creating the application', () => {
  test('creates it with the documented request, keeps the one-time secret, verifies it, saves the profile', async () => {
    const configDir = tempConfigDir();
    const before = counts();
    const result = await setup({ configDir, args: ['--api-key-stdin'], env: { INVENIAS_API_KEY: undefined }, stdin: `${FAKE.inveniasApiKey}\n` });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: true, connector: 'invenias', profile: 'default', error: null });
    // Create, token, and the API call made with the token.
    expect(document.checks.map((check: { ok: boolean }) => check.ok)).toEqual([true, true, true]);

    const create = server.createRequests().slice(before.creates);
    expect(create).toHaveLength(1);
    expect(create[0]?.headers.authorization).toBe(`Bearer ${FAKE.inveniasApiKey}`);
    expect(create[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(create[0]?.body ?? '')).toEqual({
      Expiration: 'FiveYears',
      Name: 'Integration',
      ReplyUrl: 'https://acme.cyclr.com/connector/callback',
      FlowType: 'ResourceOwner',
    });
    const app = [...server.apps.values()].find((candidate) => candidate.clientId === document.values.clientId);
    expect(app).toBeDefined();

    const token = server.tokenRequests().slice(before.tokens);
    expect(token).toHaveLength(1);
    expect(Object.fromEntries(token[0] ?? [])).toEqual({
      grant_type: 'password',
      username: USERNAME,
      password: FAKE.inveniasPassword,
      client_id: app?.clientId,
      client_secret: app?.clientSecret,
      scope: 'openid profile api email',
      subdomain: 'acme',
    });

    expect(document.values).toEqual({
      subdomain: 'acme',
      clientId: app?.clientId,
      username: USERNAME,
      baseUrl: server.origin,
      serviceDomain: 'acme.cyclr.com',
      appName: 'Integration',
      expiration: 'FiveYears',
    });
    const profile = readProfiles(configDir).profiles.invenias.default;
    expect(profile.values).toEqual(document.values);
    expect(profile.expiresOn).toBe(app?.expiresOn);
    expect(profile.lastVerified).toEqual(expect.any(String));
    const secrets = readSecrets(configDir).secrets.invenias.default;
    expect(secrets).toEqual({ clientSecret: app?.clientSecret, password: FAKE.inveniasPassword });
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a keychain that is not there: the fallback warned on stderr is in the --json warnings too', async () => {
    // runCli gives the run no session bus, so the keychain the default store tries is unavailable.
    const result = await setup({ env: { CONNECTOR_SETUP_SECRET_STORE: undefined } });
    expect(result.code).toBe(0);
    const warned = /! (OS keychain unavailable[^\n]*)/.exec(result.stderr)?.[1];
    expect(warned).toBeDefined();
    const document = JSON.parse(result.stdout) as { warnings: string[] };
    expect(document.warnings.map((warning) => warning.replace(/\s+/g, ' '))).toContain(warned);
  });

  test('prints the five Cyclr values, masked, where they go, and when the application expires', async () => {
    const result = await runCli(['invenias', '--subdomain', 'acme.invenias.com', '--base-url', server.origin, '--username', USERNAME], {
      env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Enter these in Cyclr Console > Connectors > Connector Library > Invenias > Setup:');
    expect(result.stderr).toMatch(/Client ID\s+[0-9a-f-]{36}/);
    expect(result.stderr).toMatch(/Client Secret\s+\*\*\*\*\S{4} {2}\(connector-setup profiles show invenias default --show-secrets reveals it\)/);
    expect(result.stderr).toMatch(new RegExp(`Username\\s+${USERNAME.replace('.', '\\.')}`));
    expect(result.stderr).toMatch(/Password\s+\(set\) {2}\(connector-setup profiles show invenias default --show-secrets reveals it\)/);
    expect(result.stderr).not.toContain(FAKE.inveniasPassword.slice(-4));
    expect(result.stderr).toMatch(/Subdomain\s+acme\n/);
    expect(result.stderr).toMatch(/The application expires on \d{4}-\d\d-\d\d\.\n/);
    expect(result.stderr).toContain('Invenias shows the secret only once');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('--show-secrets reveals the Client Secret and Password in the Cyclr values only', async () => {
    const result = await runCli(['invenias', '--subdomain', 'acme', '--base-url', server.origin, '--username', USERNAME, '--show-secrets'], {
      env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`Client Secret\\s+${FAKE.inveniasClientSecret}`));
    expect(result.stderr).toMatch(new RegExp(`Password\\s+${FAKE.inveniasPassword}`));
    expectNoSecrets(result.stdout + result.stderr, [FAKE.inveniasApiKey]);
  });

  test('an expired API Key (401): exit 1 api_key_rejected, nothing created, nothing saved, no token request', async () => {
    const configDir = tempConfigDir();
    const before = counts();
    const result = await setup({ configDir, env: { INVENIAS_API_KEY: EXPIRED_KEY } });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('api_key_rejected');
    expect(error.message).toContain('nothing was created');
    expect(error.hint).toContain('3 minutes');
    expect(counts()).toEqual({ ...before, creates: before.creates + 1 });
    expect(() => readProfiles(configDir)).toThrow();
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('an account outside the System Administrator group (403): not_system_admin', async () => {
    const result = await setup({ env: { INVENIAS_API_KEY: NOT_ADMIN_KEY } });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('not_system_admin');
    expect(error.hint).toContain('System Administrator permission group');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test("a request Invenias refuses (400): validation_failed with Invenias' own messages", async () => {
    const before = counts();
    // docs/partners.md I-CREATE-400 (shape assumed): no limit is documented, so the refusal is scripted rather than invented.
    server.script({ status: 400, body: { Message: 'The request is invalid.', ModelState: { 'request.Name': ['The Name is not valid.'] } } });
    const result = await setup({ args: ['--app-name', 'A name far longer than the fifty characters anyone would type'] });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('request.Name: The Name is not valid.');
    expect(counts().apps).toBe(before.apps);
  });

  test('a long Name is accepted: the stand-in, like the documentation, sets no length limit', async () => {
    const before = counts();
    const name = 'An integration named at some length, '.repeat(2).trim();
    const result = await setup({ args: ['--app-name', name] });
    expect(result.code).toBe(0);
    expect(counts().apps).toBe(before.apps + 1);
    expect([...server.apps.values()].some((app) => app.name === name)).toBe(true);
  });

  test('429 then success: waits as Retry-After says and creates exactly one application', async () => {
    const before = counts();
    server.script({ status: 429, body: { Message: 'Too many requests' }, headers: { 'retry-after': '1' } });
    const result = await setup();
    expect(result.code).toBe(0);
    expect(counts().creates).toBe(before.creates + 2);
    expect(counts().apps).toBe(before.apps + 1);
  });

  test('a 5xx is never retried: exit 3 saying the application may exist and how to go on; nothing saved', async () => {
    const configDir = tempConfigDir();
    const before = counts();
    server.script({ status: 503, body: { Message: 'Service unavailable' } });
    const result = await setup({ configDir });
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('server_error');
    expect(error.message).toContain('may have been created');
    expect(error.hint).toContain('Run again to create another');
    expect(counts()).toEqual({ ...before, creates: before.creates + 1 });
    expect(() => readProfiles(configDir)).toThrow();
  });

  test('a connection lost after the request was sent is never retried: exit 3 with the same advice', async () => {
    const before = counts();
    server.script('drop');
    const result = await setup();
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('unreachable');
    expect(error.hint).toContain('Run again to create another');
    expect(counts().creates).toBe(before.creates + 1);
    expect(counts().tokens).toBe(before.tokens);
  });
});

describe('invenias: the one-time secret and reruns', () => {
  test('an answer without a readable secret: exit 3 bad_response, saying the application may exist and how to go on', async () => {
    server.script({ status: 201, body: { Message: 'Created' } });
    const result = await setup();
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('bad_response');
    expect(error.hint).toContain('Run again to create another');
  });

  test('with --no-save the new secret is still kept (it is the only copy), with a warning', async () => {
    const configDir = tempConfigDir();
    const result = await setup({ configDir, args: ['--no-save'] });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.warnings).toContainEqual(expect.stringContaining('despite --no-save'));
    const app = server.apps.get(document.values.clientId);
    expect(readSecrets(configDir).secrets.invenias.default).toEqual({ clientSecret: app?.clientSecret });
  });

  test('the secret survives a failed verification, and the rerun reuses the application instead of creating another', async () => {
    const configDir = tempConfigDir();
    const before = counts();
    const failed = await setup({ configDir, env: { INVENIAS_PASSWORD: FAKE.wrongSecret } });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).error.code).toBe('invalid_grant');
    expect(counts().apps).toBe(before.apps + 1);
    const saved = readProfiles(configDir).profiles.invenias.default;
    const app = server.apps.get(saved.values.clientId);
    expect(app).toBeDefined();
    expect(readSecrets(configDir).secrets.invenias.default).toEqual({ clientSecret: app?.clientSecret });
    expect(saved.expiresOn).toBe(app?.expiresOn);
    expect(saved.lastVerified).toBeNull();
    expectNoSecrets(failed.stdout + failed.stderr, SECRETS);

    const rerun = await setup({ configDir });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout).values.clientId).toBe(app?.clientId);
    expect(counts().creates).toBe(before.creates + 1);
    expect(counts().apps).toBe(before.apps + 1);
    expect(readSecrets(configDir).secrets.invenias.default).toEqual({ clientSecret: app?.clientSecret, password: FAKE.inveniasPassword });
  });

  test("a profile's application is not reused for another subdomain: exit 2, nothing sent", async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const before = server.requests.length;
    const result = await setup({ configDir, args: ['--subdomain', 'other'] });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('location_mismatch');
    expect(error.message).toContain(`--subdomain other with --base-url ${server.origin} is not where the saved profile "default"`);
    expect(error.message).toContain('(Subdomain acme, Base URL');
    expect(error.hint).toContain('--profile NAME');
    expect(server.requests.length).toBe(before);
  });

  test('--new-app creates a second application only when asked', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const first = readProfiles(configDir).profiles.invenias.default.values.clientId;
    const before = counts();
    const result = await setup({ configDir, args: ['--new-app', '--app-name', 'Second'] });
    expect(result.code).toBe(0);
    const second = readProfiles(configDir).profiles.invenias.default.values.clientId;
    expect(second).not.toBe(first);
    expect(counts().creates).toBe(before.creates + 1);
    expect(readProfiles(configDir).profiles.invenias.default.values.appName).toBe('Second');
  });

  test('--renew without a terminal and without --yes: exit 2, the current secret would stop at once, nothing sent', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const before = counts();
    const result = await setup({ configDir, args: ['--renew', '--expiration', 'OneYear'] });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.message).toContain('Invenias keeps no previous secret: the current Client Secret stops working at once');
    expect(error.hint).toContain('--yes');
    expect(server.renewRequests()).toHaveLength(before.renews);
  });

  test('--renew: renews with the API Key, stores the new secret at once, then verifies with it', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const clientId = readProfiles(configDir).profiles.invenias.default.values.clientId as string;
    const oldSecret = readSecrets(configDir).secrets.invenias.default.clientSecret;
    const before = counts();
    const result = await setup({ configDir, args: ['--renew', '--yes', '--expiration', 'OneYear'] });
    expect(result.code).toBe(0);
    const renew = server.renewRequests().slice(before.renews);
    expect(renew).toHaveLength(1);
    expect(renew[0]?.url).toBe(`/api/v1/thirdpartyapplications/${clientId}/renew?expiration=OneYear`);
    expect(renew[0]?.headers.authorization).toBe(`Bearer ${FAKE.inveniasApiKey}`);
    const app = server.apps.get(clientId);
    const newSecret = readSecrets(configDir).secrets.invenias.default.clientSecret;
    expect(newSecret).toBe(app?.clientSecret);
    expect(newSecret).not.toBe(oldSecret);
    expect(readProfiles(configDir).profiles.invenias.default.expiresOn).toBe(app?.expiresOn);
    expect(server.tokenRequests().slice(before.tokens).map((form) => form.get('client_secret'))).toEqual([newSecret]);
    expect(counts().creates).toBe(before.creates);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('an application given by Client ID and Client Secret needs no API Key and creates nothing', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const clientId = readProfiles(configDir).profiles.invenias.default.values.clientId as string;
    const clientSecret = readSecrets(configDir).secrets.invenias.default.clientSecret as string;
    const before = counts();
    const result = await setup({
      args: ['--client-id', clientId, '--client-secret-stdin'],
      env: { INVENIAS_API_KEY: undefined, CYCLR_SERVICE_DOMAIN: undefined },
      stdin: `${clientSecret}\n`,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values).toEqual({ subdomain: 'acme', clientId, username: USERNAME, baseUrl: server.origin });
    expect(counts().creates).toBe(before.creates);
  });
});

describe('invenias --verify', () => {
  test('checks the saved profile with no prompts, at the saved base URL; writes only the last-verified time', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const profilesBefore = readProfiles(configDir);
    const secretsBefore = readFileSync(path.join(configDir, 'secrets.json'), 'utf8');
    const before = counts();
    const result = await runCli(['invenias', '--verify', '--json'], { configDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, values: { subdomain: 'acme', baseUrl: server.origin } });
    expect(counts()).toEqual({ ...before, tokens: before.tokens + 1 });
    const profilesAfter = readProfiles(configDir);
    const { lastVerified: lastBefore, ...restBefore } = profilesBefore.profiles.invenias.default;
    const { lastVerified: lastAfter, ...restAfter } = profilesAfter.profiles.invenias.default;
    expect(restAfter).toEqual(restBefore);
    expect(lastAfter > lastBefore).toBe(true);
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).toBe(secretsBefore);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('token errors are diagnosed: invalid_grant (and SSO), invalid_client, app_expired, unauthorized_client', async () => {
    const configDir = tempConfigDir();
    expect((await setup({ configDir })).code).toBe(0);
    const clientId = readProfiles(configDir).profiles.invenias.default.values.clientId as string;
    const verify = (env: Record<string, string>, args: string[] = []) => runCli(['invenias', '--verify', '--json', ...args], { configDir, env });

    const wrongPassword = JSON.parse((await verify({ INVENIAS_PASSWORD: FAKE.wrongSecret })).stdout).error;
    expect(wrongPassword.code).toBe('invalid_grant');
    expect(wrongPassword.hint).toContain('not single sign-on');

    const sso = JSON.parse((await verify({}, ['--username', 'sso.person'])).stdout).error;
    expect(sso.code).toBe('invalid_grant');

    const wrongSecret = await verify({ INVENIAS_CLIENT_SECRET: FAKE.wrongSecret });
    expect(wrongSecret.code).toBe(1);
    const invalidClient = JSON.parse(wrongSecret.stdout).error;
    expect(invalidClient.code).toBe('invalid_client');
    expect(invalidClient.hint).toContain('connector-setup invenias --renew');

    server.apps.set('code-flow-app', {
      clientId: 'code-flow-app',
      clientSecret: FAKE.inveniasClientSecret,
      name: 'Web',
      replyUrl: 'https://acme.cyclr.com/connector/callback',
      // docs/partners.md I-FLOWTYPE: the documented name of the authorization-code flow.
      flowType: 'Code',
      expiresOn: '2099-01-01T00:00:00Z',
      enabled: true,
    });
    const codeFlow = JSON.parse((await verify({ INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret }, ['--client-id', 'code-flow-app'])).stdout).error;
    expect(codeFlow.code).toBe('unauthorized_client');
    expect(codeFlow.hint).toContain('ResourceOwner');

    // The application's time runs out, at Invenias and in the saved profile.
    const app = server.apps.get(clientId);
    if (app) app.expiresOn = '2020-01-01T00:00:00Z';
    const profiles = readProfiles(configDir);
    profiles.profiles.invenias.default.expiresOn = '2020-01-01T00:00:00Z';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(configDir, 'profiles.json'), JSON.stringify(profiles));
    const expired = await verify({});
    expect(expired.code).toBe(1);
    const appExpired = JSON.parse(expired.stdout).error;
    expect(appExpired.code).toBe('app_expired');
    expect(appExpired.hint).toContain('--renew');
  });
});

describe('invenias: input checked before anything is sent', () => {
  test.each([
    ['no API Key and no application', { INVENIAS_API_KEY: undefined }, [], 'Missing API Key', 'INVENIAS_API_KEY'],
    ['no password', { INVENIAS_PASSWORD: undefined }, [], 'Missing Password', 'INVENIAS_PASSWORD'],
    ['no service domain when creating', { CYCLR_SERVICE_DOMAIN: undefined }, [], 'Missing Service Domain', 'CYCLR_SERVICE_DOMAIN'],
    ['no username', { INVENIAS_USERNAME: undefined }, [], 'Missing Username', '--username'],
    ['a subdomain that is not a DNS label', {}, ['--subdomain', 'ac_me'], 'single DNS label', ''],
    ['an unknown expiration', {}, ['--expiration', 'TenYears'], 'OneYear, TwoYears, FiveYears', ''],
    ['two --*-stdin flags', {}, ['--api-key-stdin', '--password-stdin'], 'Only one --*-stdin flag', ''],
  ])('%s: exit 2, nothing sent', async (_name, env, args, message, where) => {
    const before = server.requests.length;
    const result = await setup({ env, args, stdin: 'x\n' });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout);
    expect(`${error.message} ${error.hint}`).toContain(message);
    expect(`${error.message} ${error.hint}`).toContain(where);
    expect(server.requests.length).toBe(before);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a pasted portal URL gives the subdomain', async () => {
    const before = counts();
    const result = await setup({ args: ['--subdomain', 'https://ACME.invenias.com/home/index'] });
    expect(result.code).toBe(0);
    expect(server.tokenRequests().slice(before.tokens)[0]?.get('subdomain')).toBe('acme');
  });
});
