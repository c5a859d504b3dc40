// Invenias profiles made by the real `connector-setup invenias` against the HTTPS stand-in, then used by the
// commands of the profiles work: `verify` (beside PingOne profiles), `profiles list/show/export`, and the OS
// keychain on a real Secret Service.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, type StandInUser, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { openStore } from '../helpers/profiles.js';
import { type SecretService, startSecretService } from '../helpers/secret-service.js';

const USERNAME = 'cyclr.integration';
const DAY_MS = 24 * 60 * 60 * 1000;
const RENEW_HINT = 'connector-setup invenias --renew';
const inDays = (days: number): string => new Date(Date.now() + days * DAY_MS).toISOString();

let invenias: InveniasServer;
let pingone: PingOneServer;
let keyring: SecretService;
const user: StandInUser = { username: USERNAME, password: FAKE.inveniasPassword };

beforeAll(async () => {
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [user] });
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  keyring = await startSecretService();
});

afterAll(async () => {
  await invenias?.close();
  await pingone?.close();
  await keyring?.stop();
});

interface SetupRun {
  env?: Record<string, string | undefined>;
  args?: string[];
}

/** The real scripted Invenias setup: creates an application at the stand-in, verifies it, saves the profile. */
function inveniasSetup(configDir: string, profile: string, { env = {}, args = [] }: SetupRun = {}): Promise<CliResult> {
  return runCli(['invenias', '--json', '--profile', profile, '--subdomain', 'acme', '--base-url', invenias.origin, '--username', USERNAME, ...args], {
    configDir,
    // The file store, as a CI machine without a keychain is told to use: no fallback warning among the ones read here.
    env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', CONNECTOR_SETUP_SECRET_STORE: 'file', ...env },
  });
}

/** The setup, with the stand-in handing out this ExpiresOn for the application it creates. */
async function inveniasSetupExpiringOn(configDir: string, profile: string, expiresOn: string): Promise<CliResult> {
  invenias.issueExpiresOn(expiresOn);
  try {
    return await inveniasSetup(configDir, profile);
  } finally {
    invenias.issueExpiresOn(undefined);
  }
}

/** Runs `work` with `hook` called at each token request the stand-in receives. */
async function atTokenRequests<T>(hook: (form: URLSearchParams) => void | Promise<void>, work: () => Promise<T>): Promise<T> {
  invenias.onTokenRequest(hook);
  try {
    return await work();
  } finally {
    invenias.onTokenRequest(undefined);
  }
}

function pingoneSetup(configDir: string, profile: string): Promise<CliResult> {
  return runCli(
    ['pingone', '--json', '--profile', profile, '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'],
    { configDir, stdin: `${FAKE.clientSecret}\n` },
  );
}

/** A result with its timings zeroed, to compare two runs. */
function timeless(result: { checks: { ms: number }[] }): unknown {
  return { ...result, checks: result.checks.map((check) => ({ ...check, ms: 0 })) };
}

function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function expectClean(...runs: CliResult[]): void {
  for (const run of runs) expectNoSecrets(run.stdout + run.stderr, ALL_FAKE_SECRETS);
}

describe('verify over PingOne and Invenias profiles made by the real setups', () => {
  test('all pass: exit 0, one token request per profile, only lastVerified written, at the saved Invenias base URL', async () => {
    const configDir = tempConfigDir();
    for (const name of ['staging', 'production']) {
      expect((await inveniasSetup(configDir, name)).code).toBe(0);
      expect((await pingoneSetup(configDir, name)).code).toBe(0);
    }
    const profilesBefore = readJson(path.join(configDir, 'profiles.json'));
    const secretsBefore = readFileSync(path.join(configDir, 'secrets.json'), 'utf8');
    for (const name of ['staging', 'production']) expect(profilesBefore.profiles.invenias[name].values.baseUrl).toBe(invenias.origin);
    const inveniasTokens = invenias.tokenRequests().length;
    const pingoneTokens = pingone.tokenRequests().length;
    const inveniasOther = invenias.requests.length - inveniasTokens;
    const inveniasCalls = invenias.countriesRequests().length;

    // A batch uses the saved values only: these must not leak into it.
    const result = await runCli(['verify', '--all', '--json'], {
      configDir,
      env: { INVENIAS_BASE_URL: 'https://127.0.0.1:1', INVENIAS_PASSWORD: FAKE.wrongSecret, PINGONE_CLIENT_SECRET: FAKE.wrongSecret },
    });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(true);
    expect(document.results.map((entry: { connector: string; profile: string; ok: boolean; warnings: string[] }) => [entry.connector, entry.profile, entry.ok, entry.warnings])).toEqual([
      ['invenias', 'production', true, []],
      ['invenias', 'staging', true, []],
      ['pingone', 'production', true, []],
      ['pingone', 'staging', true, []],
    ]);
    expect(document.results[0].values).toMatchObject({ subdomain: 'acme', baseUrl: invenias.origin, username: USERNAME });

    const sent = invenias.tokenRequests().slice(inveniasTokens);
    expect(sent).toHaveLength(2);
    expect(sent.map((form) => form.get('client_id')).sort()).toEqual(
      ['staging', 'production'].map((name) => profilesBefore.profiles.invenias[name].values.clientId).sort(),
    );
    expect(sent.every((form) => form.get('password') === FAKE.inveniasPassword)).toBe(true);
    // Besides the token requests, one API call per Invenias profile and nothing else.
    expect(invenias.countriesRequests().length - inveniasCalls).toBe(2);
    expect(invenias.requests.length - invenias.tokenRequests().length - invenias.countriesRequests().length).toBe(inveniasOther - inveniasCalls);
    expect(pingone.tokenRequests().length - pingoneTokens).toBe(2);

    const profilesAfter = readJson(path.join(configDir, 'profiles.json'));
    for (const connector of ['invenias', 'pingone']) {
      for (const name of ['staging', 'production']) {
        const { lastVerified: was, ...restBefore } = profilesBefore.profiles[connector][name];
        const { lastVerified: now, ...restAfter } = profilesAfter.profiles[connector][name];
        expect(restAfter).toEqual(restBefore);
        expect(now > was).toBe(true);
      }
    }
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).toBe(secretsBefore);
    expectClean(result);
  });
});

describe('Invenias application expiry in setup and verify', () => {
  test('expiring within 30 days: exactly one warning everywhere; --expiring-within makes it expiring_soon, exit 1', async () => {
    const configDir = tempConfigDir();
    const setup = await inveniasSetupExpiringOn(configDir, 'soon', inDays(12.5));
    expect(setup.code).toBe(0);
    const setupWarnings: string[] = JSON.parse(setup.stdout).warnings;
    expect(setupWarnings).toHaveLength(1);
    const [warning] = setupWarnings;
    expect(warning).toMatch(/^The application expires on \d{4}-\d\d-\d\d \(in 12 days\)\./);
    expect(warning).toContain(RENEW_HINT);

    const single = await runCli(['invenias', '--verify', '--json', '--profile', 'soon'], { configDir });
    expect(single.code).toBe(0);
    expect(JSON.parse(single.stdout).warnings).toEqual([warning]);

    const batch = await runCli(['verify', '--all', '--json'], { configDir });
    expect(batch.code).toBe(0);
    expect(JSON.parse(batch.stdout).results[0]).toMatchObject({ ok: true, warnings: [warning] });

    const human = await runCli(['verify', '--all'], { configDir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^invenias\/soon\s+ok \(warning\)\s+\d+ ms\s+The application expires on/m);
    expect(human.stdout.split('expires on').length - 1).toBe(1);

    const humanSingle = await runCli(['invenias', '--verify', '--profile', 'soon'], { configDir });
    expect(humanSingle.code).toBe(0);
    expect(humanSingle.stderr.split('expires on').length - 1).toBe(1);

    const lastVerified = (await openStore(configDir).get('invenias', 'soon'))?.lastVerified;
    const tokens = invenias.tokenRequests().length;
    const failed = await runCli(['verify', '--all', '--json', '--expiring-within', '30'], { configDir });
    expect(failed.code).toBe(1);
    const [entry] = JSON.parse(failed.stdout).results;
    expect(entry).toMatchObject({ ok: false, warnings: [], error: { code: 'expiring_soon' } });
    expect(entry.error.message).toMatch(/expires on \d{4}-\d\d-\d\d \(in 12 days\)/);
    expect(entry.error.hint).toContain(RENEW_HINT);
    expect(invenias.tokenRequests().length).toBe(tokens + 1);
    expect((await openStore(configDir).get('invenias', 'soon'))?.lastVerified).toBe(lastVerified);

    const roomy = await runCli(['verify', '--all', '--json', '--expiring-within', '7'], { configDir });
    expect(roomy.code).toBe(0);
    expect(JSON.parse(roomy.stdout).results[0].warnings).toEqual([warning]);
    expectClean(setup, single, batch, human, humanSingle, failed, roomy);
  });

  test('an expired application: app_expired, exit 1, a hint to renew, no token request spent by verify', async () => {
    const configDir = tempConfigDir();
    const setup = await inveniasSetupExpiringOn(configDir, 'old', '2026-01-31T00:00:00Z');
    // Invenias refuses the token of an expired application; the one-time secret is kept all the same.
    expect(setup.code).toBe(1);
    expect(JSON.parse(setup.stdout).error).toMatchObject({ code: 'app_expired', hint: expect.stringContaining(RENEW_HINT) });
    const saved = await openStore(configDir).get('invenias', 'old');
    expect(saved?.secrets.clientSecret).toBe(invenias.apps.get(saved?.values.clientId ?? '')?.clientSecret);
    expect(saved?.expiresOn).toBe('2026-01-31T00:00:00Z');

    const tokens = invenias.tokenRequests().length;
    const batch = await runCli(['verify', '--all', '--json'], { configDir });
    expect(batch.code).toBe(1);
    const [entry] = JSON.parse(batch.stdout).results;
    expect(entry).toMatchObject({ ok: false, checks: [], error: { code: 'app_expired' } });
    expect(entry.error.message).toContain('expired on 2026-01-31');
    expect(entry.error.hint).toContain(RENEW_HINT);

    const single = await runCli(['invenias', '--verify', '--json', '--profile', 'old'], { configDir });
    expect(single.code).toBe(1);
    expect(timeless(JSON.parse(single.stdout))).toEqual(timeless(entry));
    expect(invenias.tokenRequests().length).toBe(tokens);

    const human = await runCli(['verify', '--all'], { configDir });
    expect(human.stdout).toMatch(/^invenias\/old\s+app_expired\s+\d+ ms\s+The application expired on 2026-01-31\..*connector-setup invenias --renew/m);
    expectClean(setup, batch, single, human);
  });
});

describe('an application renewed outside connector-setup', () => {
  test('its new secret, given by hand, replaces the stale expiry date, so verify asks Invenias instead of calling it expired', async () => {
    const configDir = tempConfigDir();
    expect((await inveniasSetupExpiringOn(configDir, 'renewed', '2026-01-31T00:00:00Z')).code).toBe(1);
    const clientId = readJson(path.join(configDir, 'profiles.json')).profiles.invenias.renewed.values.clientId as string;
    // Renewed in Swagger: a new secret and a new date, which connector-setup never saw.
    const app = invenias.apps.get(clientId);
    if (!app) throw new Error('the stand-in lost the application');
    app.clientSecret = `${FAKE.inveniasClientSecret}-renewed-by-hand`;
    app.expiresOn = inDays(365);

    const setup = await inveniasSetup(configDir, 'renewed', { args: ['--client-id', clientId], env: { INVENIAS_CLIENT_SECRET: app.clientSecret } });
    expect(setup.code).toBe(0);
    expect(JSON.parse(setup.stdout).warnings).toEqual([]);
    expect(readJson(path.join(configDir, 'profiles.json')).profiles.invenias.renewed.expiresOn).toBeNull();
    const verified = await runCli(['verify', '--all', '--json'], { configDir });
    expect(verified.code).toBe(0);
    expectClean(setup, verified);
  });
});

describe('invenias --verify and verify --connector invenias --profile X agree', () => {
  test('the same result document and exit code, passing and rejected', async () => {
    const configDir = tempConfigDir();
    expect((await inveniasSetup(configDir, 'twin')).code).toBe(0);
    const compare = async (expectedCode: number) => {
      const single = await runCli(['invenias', '--verify', '--json', '--profile', 'twin'], { configDir });
      const batch = await runCli(['verify', '--connector', 'invenias', '--profile', 'twin', '--json'], { configDir });
      expect(single.code).toBe(expectedCode);
      expect(batch.code).toBe(expectedCode);
      const document = JSON.parse(batch.stdout);
      expect(document.results).toHaveLength(1);
      expect(timeless(JSON.parse(single.stdout))).toEqual(timeless(document.results[0]));
      expectClean(single, batch);
      return document.results[0];
    };
    const passing = await compare(0);
    expect(passing).toMatchObject({ ok: true, connector: 'invenias', profile: 'twin', error: null, warnings: [] });
    expect(passing.checks).toEqual([
      { name: expect.stringContaining('Token request'), ok: true, ms: expect.any(Number) },
      { name: expect.stringContaining('GET /api/v1/countries'), ok: true, ms: expect.any(Number) },
    ]);

    // The user's password was changed in Invenias.
    user.password = FAKE.wrongSecret;
    try {
      const rejected = await compare(1);
      expect(rejected).toMatchObject({ ok: false, error: { code: 'invalid_grant' }, values: { subdomain: 'acme', username: USERNAME, baseUrl: invenias.origin } });
    } finally {
      user.password = FAKE.inveniasPassword;
    }
  });
});

describe('profiles list, show and export for Invenias', () => {
  test('expiry shown, Password and Client Secret masked unless --show-secrets, export round-trips into --verify', async () => {
    const configDir = tempConfigDir();
    expect((await inveniasSetup(configDir, 'default')).code).toBe(0);
    const saved = await openStore(configDir).get('invenias', 'default');
    const clientSecret = saved?.secrets.clientSecret ?? '';
    const expiresOn = saved?.expiresOn ?? '';
    expect(expiresOn).toMatch(/^\d{4}-/);

    const list = await runCli(['profiles', 'list'], { configDir });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^invenias default\\n(  .*\\n)*  Subdomain +acme\\n(  .*\\n)*  Secret stored in +file\\n  Last verified +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\n  Expires on +${expiresOn.slice(0, 10)}\\n`));
    const listJson = JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir })).stdout);
    expect(listJson.profiles[0]).toMatchObject({ connector: 'invenias', profile: 'default', name: 'default', expiresOn, secretStore: 'file' });

    const show = await runCli(['profiles', 'show', 'invenias'], { configDir });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`Client Secret\\s+\\*\\*\\*\\*${clientSecret.slice(-4)}\\n`));
    // A person's password is shown as set, never with its last characters.
    expect(show.stdout).toMatch(/Password\s+\(set\)\n/);
    expect(show.stdout + show.stderr).not.toContain(FAKE.inveniasPassword.slice(-4));
    expect(show.stdout).toMatch(new RegExp(`Expires on\\s+${expiresOn.slice(0, 10)}\\n`));
    const showJson = JSON.parse((await runCli(['profiles', 'show', 'invenias', '--json'], { configDir })).stdout);
    expect(showJson.values).toMatchObject({ clientSecret: `****${clientSecret.slice(-4)}`, password: '(set)', subdomain: 'acme' });
    expect(showJson.expiresOn).toBe(expiresOn);
    const revealed = JSON.parse((await runCli(['profiles', 'show', 'invenias', '--json', '--show-secrets'], { configDir })).stdout);
    expect(revealed.values).toMatchObject({ clientSecret, password: FAKE.inveniasPassword });

    const exported = await runCli(['profiles', 'export', 'invenias', '--format', 'env'], { configDir });
    expect(exported.code).toBe(0);
    // What a verify needs; the values used only to create an application are left out.
    const names = exported.stdout.trim().split('\n').map((line) => /^export ([A-Z_]+)=/.exec(line)?.[1]);
    expect(names).toEqual([
      'INVENIAS_SUBDOMAIN',
      'INVENIAS_CLIENT_ID',
      'INVENIAS_CLIENT_SECRET',
      'INVENIAS_USERNAME',
      'INVENIAS_PASSWORD',
      'INVENIAS_BASE_URL',
    ]);
    // What a CI job does with it: the variables alone, an empty config directory, a verification.
    const variables = JSON.parse(execFileSync('sh', ['-c', `${exported.stdout}\nnode -e 'console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(INVENIAS|CYCLR)_/.test(k)))))'`], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
    expect(variables.INVENIAS_CLIENT_SECRET).toBe(clientSecret);
    const emptyDir = tempConfigDir();
    const tokens = invenias.tokenRequests().length;
    const verified = await runCli(['invenias', '--verify', '--json'], { configDir: emptyDir, env: variables });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, values: { subdomain: 'acme', clientId: saved?.values.clientId, baseUrl: invenias.origin } });
    expect(invenias.tokenRequests().slice(tokens).map((form) => form.get('client_secret'))).toEqual([clientSecret]);
    expect(existsSync(path.join(emptyDir, 'profiles.json'))).toBe(false);
    expectClean(list, show, verified);
  });
});

describe('the one-time Client Secret is stored before anything else can fail', () => {
  test('file store: on disk by the time the token request is sent, and after a failed verification', async () => {
    const configDir = tempConfigDir();
    const seen: (string | undefined)[] = [];
    const file = path.join(configDir, 'secrets.json');
    const result = await atTokenRequests(
      (form) => {
        seen.push(existsSync(file) && readFileSync(file, 'utf8').includes(form.get('client_secret') ?? '-') ? (form.get('client_id') ?? undefined) : undefined);
      },
      () => inveniasSetup(configDir, 'default', { env: { INVENIAS_PASSWORD: FAKE.wrongSecret } }),
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('invalid_grant');
    const saved = await openStore(configDir).get('invenias', 'default');
    expect(seen).toEqual([saved?.values.clientId]);
    expect(saved?.secrets).toEqual({ clientSecret: invenias.apps.get(saved?.values.clientId ?? '')?.clientSecret });

    // The profile holds the application but not yet the user: a batch says how to finish it, and sends nothing.
    const tokens = invenias.tokenRequests().length;
    const batch = await runCli(['verify', '--all', '--json'], { configDir });
    expect(batch.code).toBe(2);
    expect(JSON.parse(batch.stdout).results[0].error).toEqual({
      code: 'missing_input',
      message: 'Missing Username, Password in the saved profile.',
      hint: 'Finish it: connector-setup invenias --profile default.',
    });
    expect(invenias.tokenRequests().length).toBe(tokens);
    expectClean(result, batch);
  });
});

describe('Invenias secrets in the OS keychain (real Secret Service)', () => {
  const item = (profile: string) => ({ service: 'connector-setup', username: `invenias/${profile}` });
  const keychainEnv = (): Record<string, string> => ({ ...keyring.env, CONNECTOR_SETUP_SECRET_STORE: 'keychain' });

  test('create + verify: Client Secret and Password in the keychain only; verify, show and export read them there', async () => {
    const configDir = tempConfigDir();
    const inKeychainAtTokenTime: boolean[] = [];
    const setup = await atTokenRequests(
      async (form) => {
        inKeychainAtTokenTime.push((await keyring.lookup(item('default')))?.includes(form.get('client_secret') ?? '-') ?? false);
      },
      () => inveniasSetup(configDir, 'default', { env: keychainEnv() }),
    );
    expect(setup.code).toBe(0);
    expect(inKeychainAtTokenTime).toEqual([true]);
    const { clientId } = JSON.parse(setup.stdout).values;
    const clientSecret = invenias.apps.get(clientId)?.clientSecret;
    expect(JSON.parse((await keyring.lookup(item('default'))) ?? '{}')).toEqual({ clientSecret, password: FAKE.inveniasPassword });
    const profiles = readFileSync(path.join(configDir, 'profiles.json'), 'utf8');
    expect(JSON.parse(profiles).profiles.invenias.default.secretStore).toBe('keychain');
    expect(existsSync(path.join(configDir, 'secrets.json')) ? readFileSync(path.join(configDir, 'secrets.json'), 'utf8') : '').toBe('');
    expectNoSecrets(profiles, ALL_FAKE_SECRETS);

    const verified = await runCli(['verify', '--all', '--json'], { configDir, env: keychainEnv() });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).results[0]).toMatchObject({ ok: true, connector: 'invenias' });
    const show = await runCli(['profiles', 'show', 'invenias'], { configDir, env: keychainEnv() });
    // A person's password is shown as set, never with its last characters.
    expect(show.stdout).toMatch(/Password\s+\(set\)\n/);
    expect(show.stdout + show.stderr).not.toContain(FAKE.inveniasPassword.slice(-4));
    expect(show.stdout).toMatch(/Secret stored in\s+the OS keychain/);
    const exported = await runCli(['profiles', 'export', 'invenias', '--format', 'env'], { configDir, env: keychainEnv() });
    expect(exported.stdout).toContain(`export INVENIAS_CLIENT_SECRET='${clientSecret}'`);
    expectClean(setup, verified, show);
  });

  test('a failed verification leaves the one-time secret in the keychain', async () => {
    const configDir = tempConfigDir();
    const setup = await inveniasSetup(configDir, 'failing', { env: { ...keychainEnv(), INVENIAS_PASSWORD: FAKE.wrongSecret } });
    expect(setup.code).toBe(1);
    const saved = readJson(path.join(configDir, 'profiles.json')).profiles.invenias.failing;
    expect(saved.secretStore).toBe('keychain');
    expect(JSON.parse((await keyring.lookup(item('failing'))) ?? '{}')).toEqual({ clientSecret: invenias.apps.get(saved.values.clientId)?.clientSecret });
    expectClean(setup);
  });

  test('keychain forced but unavailable, even with --no-save: exit 2 before anything is created', async () => {
    const configDir = tempConfigDir();
    const apps = invenias.apps.size;
    const requests = invenias.requests.length;
    const result = await inveniasSetup(configDir, 'default', {
      env: { CONNECTOR_SETUP_SECRET_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(configDir, 'no-bus')}` },
      args: ['--no-save'],
    });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('keychain_unavailable');
    expect(invenias.apps.size).toBe(apps);
    expect(invenias.requests.length).toBe(requests);
    expectClean(result);
  });
});
