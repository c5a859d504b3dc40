// Invenias as its documentation describes it (docs/partners.md): a token is not the end (one cheap API call
// follows, and a user who is not licensed, enabled or a System Administrator is refused there); the rate limit is
// a fixed 5-minute window with X-Request-Quota-Remaining and no Retry-After; a 503 carries the maintenance notice.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { MAINTENANCE } from '../helpers/invenias-faults.js';
import { seedProfiles } from '../helpers/profiles.js';

const USERNAME = 'cyclr.integration';
const UNLICENSED = 'former.admin';
const APP = 'existing-app-0001';
const SECRETS = [...ALL_FAKE_SECRETS, `${FAKE.inveniasClientSecret}-existing`];

let server: InveniasServer;
let otherTenant: InveniasServer;

function app() {
  return existingApp(APP, `${FAKE.inveniasClientSecret}-existing`, '2099-06-30T00:00:00Z');
}

beforeAll(async () => {
  const users = [
    { username: USERNAME, password: FAKE.inveniasPassword },
    // docs/partners.md I-API-401-UNLICENSED: gets a token, but its API calls are refused.
    { username: UNLICENSED, password: FAKE.inveniasPassword, unlicensed: true },
  ];
  server = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users, apps: [app()] });
  otherTenant = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users, apps: [app()] });
});

afterAll(async () => {
  await server.close();
  await otherTenant.close();
});

function verify(username = USERNAME) {
  return runCli(['invenias', '--verify', '--json', '--subdomain', 'acme', '--base-url', server.origin, '--client-id', APP, '--username', username], {
    env: { INVENIAS_CLIENT_SECRET: `${FAKE.inveniasClientSecret}-existing`, INVENIAS_PASSWORD: FAKE.inveniasPassword },
  });
}

function counts() {
  return { tokens: server.tokenRequests().length, calls: server.countriesRequests().length };
}

describe('a token is not the end', () => {
  test('a licensed System Administrator: the token, then GET /api/v1/countries with it, exit 0', async () => {
    const before = server.requests.length;
    const result = await verify();
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok])).toEqual([
      ['Token request (password grant, as Cyclr sends it)', true],
      ['API call with the token (GET /api/v1/countries, as Cyclr calls the API)', true],
    ]);
    const sent = server.requests.slice(before);
    expect(sent.map((request) => [request.method, request.url])).toEqual([
      ['POST', '/identity/connect/token'],
      ['GET', '/api/v1/countries'],
    ]);
    // The API call carries the token just issued, not a secret of the user's.
    expect(String(sent[1]?.headers.authorization)).toMatch(/^Bearer \S+$/);
    expectNoSecrets(`${String(sent[1]?.headers.authorization)} ${sent[1]?.body ?? ''}`, SECRETS);
    expect(document.warnings).toEqual([]);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a user who gets a token but whose calls are refused: user_not_licensed, exit 1, not "credentials work"', async () => {
    const before = counts();
    const result = await verify(UNLICENSED);
    expect(result.code).toBe(1);
    const { ok, error, checks } = JSON.parse(result.stdout);
    expect(ok).toBe(false);
    expect(error.code).toBe('user_not_licensed');
    expect(error.message).toContain('Invenias issued a token, but refused an API call made with it (GET /api/v1/countries answered 401)');
    expect(error.message).toContain('not licensed, not enabled or not in the System Administrator permission group');
    expect(error.hint).toContain('licensed, enabled and a member of the System Administrator permission group');
    expect(checks.map((check: { ok: boolean }) => check.ok)).toEqual([true, false]);
    expect(counts()).toEqual({ tokens: before.tokens + 1, calls: before.calls + 1 });
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('in human mode the diagnosis reads as one line and a fix', async () => {
    const result = await runCli(['invenias', '--verify', '--subdomain', 'acme', '--base-url', server.origin, '--client-id', APP, '--username', UNLICENSED], {
      env: { INVENIAS_CLIENT_SECRET: `${FAKE.inveniasClientSecret}-existing`, INVENIAS_PASSWORD: FAKE.inveniasPassword },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[user_not_licensed]');
    expect(result.stderr).toContain('Fix: Ask your Invenias administrator');
    expect(result.stderr).not.toMatch(/verified|✔ API call/);
  });
});

describe('the rate limit: 3000 calls in a fixed 5-minute window, no Retry-After', () => {
  test('X-Request-Quota-Remaining running low: a warning, the check still passes', async () => {
    server.setQuota(120);
    const result = await verify();
    server.setQuota(2999);
    expect(result.code).toBe(0);
    const { warnings } = JSON.parse(result.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Invenias API quota is low: 1[12]\d of 3000 calls left in this 5-minute window \(X-Request-Quota-Remaining\)/);
  });

  test('429 without Retry-After: no retry within seconds; exit 3 saying the window ends within 5 minutes', async () => {
    const before = counts();
    server.scriptFor('token', { status: 429, body: { Message: 'Too many requests.' }, headers: { 'x-request-quota-remaining': '0' } });
    const result = await verify();
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/answered 429 Too Many Requests; not retried now\. Its limit counts calls in fixed 5-minute windows, so it resets within 5 minutes, by \d\d:\d\d:\d\d UTC at the latest\.$/);
    expect(error.hint).toMatch(/^Try again after \d\d:\d\d:\d\d UTC\./);
    expect(error.hint).toContain('disabled');
    expect(counts()).toEqual({ tokens: before.tokens + 1, calls: before.calls });
  });

  test('429 with a short Retry-After: honoured, then the check passes', async () => {
    const before = counts();
    server.scriptFor('token', { status: 429, body: { Message: 'Too many requests.' }, headers: { 'retry-after': '1' } });
    const result = await verify();
    expect(result.code).toBe(0);
    expect(counts()).toEqual({ tokens: before.tokens + 2, calls: before.calls + 1 });
  });

  test('429 at the API call: the same stop, after the token', async () => {
    const before = counts();
    server.scriptFor('countries', { status: 429, body: {}, headers: { 'x-request-quota-remaining': '0' } });
    const result = await verify();
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error.code).toBe('rate_limited');
    expect(counts()).toEqual({ tokens: before.tokens + 1, calls: before.calls + 1 });
  });

  test('verify --all holds back every further request to a tenant that answered 429; another tenant is still verified', async () => {
    const configDir = tempConfigDir();
    const profile = (name: string, origin: string) => ({
      connector: 'invenias',
      name,
      values: { subdomain: 'acme', baseUrl: origin, clientId: APP, username: USERNAME },
      secrets: { clientSecret: `${FAKE.inveniasClientSecret}-existing`, password: FAKE.inveniasPassword },
    });
    await seedProfiles(configDir, [
      profile('acme-1', server.origin),
      profile('acme-2', server.origin),
      profile('acme-3', server.origin),
      profile('other', otherTenant.origin),
    ]);
    const before = counts();
    const otherBefore = otherTenant.tokenRequests().length;
    server.scriptFor('token', { status: 429, body: { Message: 'Too many requests.' }, headers: { 'x-request-quota-remaining': '0' } });
    const result = await runCli(['verify', '--all', '--json', '--concurrency', '1'], { configDir });
    expect(result.code).toBe(3);
    const { results } = JSON.parse(result.stdout) as { results: Array<{ profile: string; ok: boolean; error: { code: string; message: string } | null }> };
    const byName = Object.fromEntries(results.map((entry) => [entry.profile, entry]));
    expect(byName.other?.ok).toBe(true);
    for (const name of ['acme-1', 'acme-2', 'acme-3']) expect(byName[name]?.error?.code).toBe('rate_limited');
    // One request reached the tenant; the other two profiles were held back without a request.
    expect(counts()).toEqual({ tokens: before.tokens + 1, calls: before.calls });
    expect(results.filter((entry) => entry.error?.message.startsWith('Not sent:'))).toHaveLength(2);
    expect(otherTenant.tokenRequests().length).toBe(otherBefore + 1);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});

describe('503: the server\'s own words', () => {
  test('the maintenance notice is shown (exit 3, server_error) after bounded retries', async () => {
    const before = counts();
    server.scriptFor('countries', ...Array.from({ length: 3 }, () => ({ status: 503, body: MAINTENANCE })));
    const result = await verify();
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('server_error');
    expect(error.message).toContain(`answered 503 (a server error) 3 time(s). It said: "${MAINTENANCE}"`);
    expect(counts().calls).toBe(before.calls + 3);
  });

  test('words that would mislead a terminal lose their escape sequences and line breaks and are cut short; an HTML page is not repeated', async () => {
    const hostile = `Down\u001b[2J\r\nfor ${'maintenance '.repeat(100)}`;
    server.scriptFor('token', ...Array.from({ length: 3 }, () => ({ status: 503, body: hostile })));
    const first = JSON.parse((await verify()).stdout).error.message as string;
    const said = /It said: "(.*)"$/s.exec(first)?.[1] ?? '';
    expect(said.startsWith('Down for maintenance')).toBe(true);
    expect(said).not.toMatch(/[\u0000-\u001f]/);
    expect(said.length).toBeLessThanOrEqual(201);
    expect(said.endsWith('…')).toBe(true);

    server.scriptFor('token', ...Array.from({ length: 3 }, () => ({ status: 503, body: '<html><body>Service Unavailable</body></html>' })));
    const html = JSON.parse((await verify()).stdout).error.message as string;
    expect(html).not.toContain('It said');
    expect(html).not.toContain('<html>');
  });
});
