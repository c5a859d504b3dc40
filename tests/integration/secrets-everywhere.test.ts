// Every command and path, run with known fake secrets in every place a secret can come from
// (environment, stdin, saved profile, a server's answer): no stdout or stderr ever contains one, the saved
// secret sits in a 0600 file in a 0700 directory, and no request carries it in its URL or headers. The last part runs
// for every connector (tests/kits): its good runs, its saved profile, and a server echoing what it was sent.
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, configFiles, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, faults, startFaultServer } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import { type Handler, type TestServer, sendJson } from '../helpers/https-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { echoes, fragments } from '../helpers/secret-echoes.js';
import { KIT_SECRETS, kits, registry } from '../kits/index.js';
import { kitArgs, runKit } from '../kits/kit.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
/** Every secret variable set, for every run: a command must not echo what it does not use either. */
const ALL_SECRET_ENV = {
  PINGONE_CLIENT_SECRET: FAKE.clientSecret,
  INVENIAS_API_KEY: FAKE.inveniasApiKey,
  INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret,
  INVENIAS_PASSWORD: FAKE.inveniasPassword,
  PINGONE_ENVIRONMENT_ID: FAKE.environmentId,
};

let pingone: PingOneServer;
let echo: TestServer;
let hang: TestServer;
/** The time limit of the run against `hang` runs out as soon as that server holds its request. */
const hangDeadlines = new Deadlines();
let redirect: TestServer;
let untrusted: TestServer;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  // Echoes the whole request body (secret included, form-encoded) back in its error text.
  echo = await startFaultServer((request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'invalid_request', error_description: `you sent ${request.body} / ${new URLSearchParams(request.body).get('client_secret')}` }));
  });
  hang = await startFaultServer(faults.hang(() => hangDeadlines.expire()));
  redirect = await startFaultServer(faults.redirect(`https://127.0.0.1:1/?secret=${encodeURIComponent(FAKE.clientSecret)}`));
  untrusted = await startFaultServer(faults.token(), 'untrusted');
});

afterAll(async () => {
  for (const server of [pingone, echo, hang, redirect, untrusted]) {
    for (const request of server.requests) expectNoSecrets(`${request.url} ${JSON.stringify(request.headers)}`, SECRETS);
    await server.close();
  }
});

interface Run {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  stdin?: string;
  code: number;
  deadlines?: Deadlines;
}

const verifyArgs = (authDomain: () => string, ...extra: string[]) => () => ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', authDomain(), ...extra];
const pingoneHost = () => pingone.hostPort;

const runs: Run[] = [
  { name: '--version', args: () => ['--version'], code: 0 },
  { name: '--help', args: () => ['--help'], code: 0 },
  { name: 'pingone --help', args: () => ['pingone', '--help'], code: 0 },
  { name: 'connectors', args: () => ['connectors'], code: 0 },
  { name: 'connectors --json', args: () => ['connectors', '--json'], code: 0 },
  { name: 'an unknown command', args: () => ['nosuch'], code: 2 },
  { name: 'verify, secret from the environment', args: verifyArgs(pingoneHost), code: 0 },
  { name: 'verify --json, secret from the environment', args: verifyArgs(pingoneHost, '--json'), code: 0 },
  { name: 'verify --show-secrets (verify never shows them)', args: verifyArgs(pingoneHost, '--show-secrets'), code: 0 },
  { name: 'verify, secret from stdin', args: verifyArgs(pingoneHost, '--client-secret-stdin'), env: { PINGONE_CLIENT_SECRET: '' }, stdin: `${FAKE.clientSecret}\n`, code: 0 },
  { name: 'verify, a wrong secret', args: verifyArgs(pingoneHost), env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret }, code: 1 },
  { name: 'verify --json, a wrong secret', args: verifyArgs(pingoneHost, '--json'), env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret }, code: 1 },
  { name: 'verify, a server echoing the secret', args: verifyArgs(() => echo.hostPort), code: 1 },
  { name: 'verify --json, a server echoing the secret', args: verifyArgs(() => echo.hostPort, '--json'), code: 1 },
  { name: 'verify, a timeout', args: verifyArgs(() => hang.hostPort, '--timeout', '1'), code: 3, deadlines: hangDeadlines },
  { name: 'verify, a redirect carrying the secret in its Location', args: verifyArgs(() => redirect.hostPort), code: 3 },
  { name: 'verify, an untrusted certificate', args: verifyArgs(() => untrusted.hostPort), code: 3 },
  { name: 'verify, DNS failure, with debug output on', args: verifyArgs(() => 'nowhere.invalid'), env: { CONNECTOR_SETUP_DEBUG: '1' }, code: 3 },
  { name: 'verify, a missing value', args: () => ['pingone', '--verify', '--client-id', FAKE.clientId], code: 2 },
  { name: 'verify, an invalid value', args: verifyArgs(() => 'bad/host'), code: 2 },
  { name: 'verify, a secret with a space (refused without echoing it)', args: verifyArgs(pingoneHost), env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret} x` }, code: 2 },
  { name: 'verify, two --*-stdin... and a secret given as a flag', args: () => ['pingone', '--verify', `--client-secret=${FAKE.clientSecret}`], code: 2 },
  { name: 'verify, an unknown profile', args: verifyArgs(pingoneHost, '--profile', 'nosuch'), code: 2 },
];

function check(result: CliResult, expected: number): void {
  expect(result.signal).toBeNull();
  expect(result.code).toBe(expected);
  expectNoSecrets(result.stdout + result.stderr, SECRETS);
  expectNoStackTrace(result.stderr);
}

describe('no secret in any output', () => {
  test.each(runs)('$name', async (run) => {
    const result = await runCli(run.args(), { env: { ...ALL_SECRET_ENV, ...run.env }, deadlines: run.deadlines, ...(run.stdin !== undefined ? { stdin: run.stdin } : {}) });
    check(result, run.code);
  });

  test('setup saves, then runs that read the saved secret: still nothing in any output', async () => {
    const configDir = tempConfigDir();
    const flags = ['--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort];
    check(await runCli(['pingone', '--no-input', ...flags], { env: ALL_SECRET_ENV, configDir }), 0);
    check(await runCli(['pingone', '--no-input', '--json', ...flags], { env: ALL_SECRET_ENV, configDir }), 0);
    // The secret now comes from the profile only.
    const fromProfile = { PINGONE_ENVIRONMENT_ID: FAKE.environmentId };
    check(await runCli(['pingone', '--verify', '--profile', 'default'], { env: fromProfile, configDir }), 0);
    check(await runCli(['pingone', '--verify', '--json'], { env: fromProfile, configDir }), 0);
    check(await runCli(['pingone', '--no-input'], { env: fromProfile, configDir }), 0);
    check(await runCli(['pingone', '--no-input', '--json', '--show-secrets'], { env: fromProfile, configDir }), 0);
    // Another Auth Domain: the saved profile's secret is not sent there at all.
    const echoed = echo.requests.length;
    check(await runCli(['pingone', '--verify', '--auth-domain', echo.hostPort], { env: fromProfile, configDir }), 2);
    expect(echo.requests.length).toBe(echoed);

    // Where it was saved: only secrets.json holds it, owner-only.
    const profiles = readFileSync(path.join(configDir, 'profiles.json'), 'utf8');
    expectNoSecrets(profiles, SECRETS);
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).toContain(FAKE.clientSecret);
    if (process.platform !== 'win32') {
      expect(statSync(path.join(configDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(configDir, 'profiles.json')).mode & 0o077).toBe(0);
      expect(statSync(configDir).mode & 0o777).toBe(0o700);
    }
  });

  test('the one place a secret is shown: setup with --show-secrets, in the Cyclr values on stderr', async () => {
    const result = await runCli(['pingone', '--no-input', '--no-save', '--show-secrets', '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort], {
      env: ALL_SECRET_ENV,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((line) => line.includes(FAKE.clientSecret))).toEqual([expect.stringMatching(/^\s+Client Secret\s+FAKE-pingone-secret/)]);
  });
});

/**
 * None of the forms a server echoes a secret in (whole encodings, and cuts of 8 and 12): these fake secrets hold
 * plain words (`FAKE-invenias-…`), so any 8 characters of one would also match the connector's own name.
 */
function expectNoEchoes(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    for (const [name, form] of Object.entries({ ...echoes(secret), ...fragments(secret) })) {
      if (form.length >= 8 && text.includes(form)) throw new Error(`${where} holds ${secret} as ${name}:\n${text}`);
    }
  }
}

/** Every file a run wrote in its config directory but the secret store, with its text. */
function filesBesideTheStore(configDir: string): Array<[string, string]> {
  return Object.entries(configFiles(configDir)).filter(([name]) => name !== 'secrets.json');
}

/** Echoes every secret it was sent (in its body, or as HTTP Basic), in every encoding and cut, in its error answer. */
function echoing(status: 400 | 500, heard: Set<string>): Handler {
  return (request, response) => {
    const authorization = request.headers.authorization;
    const basic = typeof authorization === 'string' ? /^Basic (.+)$/.exec(authorization)?.[1] : undefined;
    const sent = `${request.body} ${decodeURIComponent(request.body)} ${basic ? Buffer.from(basic, 'base64').toString('utf8') : ''}`;
    const secrets = SECRETS_OF_KITS.filter((secret) => sent.includes(secret));
    secrets.forEach((secret) => heard.add(secret));
    const said = secrets.map((secret) => [...Object.values(echoes(secret)), ...Object.values(fragments(secret))].join(' ')).join(' ');
    if (status === 500) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`you sent ${said}`);
    } else {
      sendJson(response, 400, { error: 'invalid_request', error_description: `you sent ${said}` });
    }
  };
}

const SECRETS_OF_KITS = [...KIT_SECRETS, ...ALL_FAKE_SECRETS];

describe.each(kits)('$connector.name: no secret in any output', (kit) => {
  let standIn: TestServer;
  beforeAll(async () => {
    standIn = await kit.start();
  });
  afterAll(async () => {
    for (const request of standIn.requests) expectNoSecrets(request.url, SECRETS_OF_KITS);
    await standIn.close();
  });

  test('--verify with good values from flags and the environment, as text and as --json (with --show-secrets too)', async () => {
    for (const extra of [[], ['--json'], ['--show-secrets']]) {
      const { args, env } = kitArgs(kit, standIn, 'verify', { extra }, false);
      const result = await runCli(args, { env: { ...ALL_SECRET_ENV, ...env }, registry });
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      expectNoSecrets(result.stdout + result.stderr, SECRETS_OF_KITS);
      expectNoStackTrace(result.stderr);
    }
  });

  test('a setup saves; the runs that read the saved secret show none of it; only secrets.json (0600) holds it', async () => {
    const configDir = tempConfigDir();
    const setup = await runKit(kit, standIn, { mode: 'setup' }, { configDir });
    expect(setup.code).toBe(0);
    expectNoSecrets(setup.stdout + setup.stderr, SECRETS_OF_KITS);
    const fromProfile = { CONNECTOR_SETUP_SECRET_STORE: 'file' };
    const name = kit.connector.name;
    for (const args of [
      [name, '--verify'],
      [name, '--verify', '--json'],
      [name, '--no-input', '--json', '--show-secrets'],
      ['verify', '--all', '--json'],
      ['profiles', 'list'],
      ['profiles', 'list', '--json'],
      ['profiles', 'show', name],
      ['profiles', 'show', name, 'default', '--json'],
    ]) {
      const result = await runCli(args, { env: fromProfile, configDir, registry });
      expect(result.signal).toBeNull();
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 0]);
      expectNoSecrets(result.stdout + result.stderr, SECRETS_OF_KITS);
      expectNoStackTrace(result.stderr);
    }
    for (const [file, text] of filesBesideTheStore(configDir)) expectNoEchoes(text, SECRETS_OF_KITS, file);
    const store = readFileSync(path.join(configDir, 'secrets.json'), 'utf8');
    expect(SECRETS_OF_KITS.some((secret) => store.includes(secret))).toBe(true);
    if (process.platform !== 'win32') expect(statSync(path.join(configDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  test.each([400, 500] as const)('a server answering %s with every secret it was sent, in every encoding and cut: none of it in the output or a file', async (status) => {
    const heard = new Set<string>();
    const echo = await startFaultServer(echoing(status, heard));
    try {
      const configDir = tempConfigDir();
      for (const json of [true, false]) {
        const result = await runKit(kit, echo, { mode: 'verify' }, { json, configDir });
        expect(result.signal).toBeNull();
        expect([1, 3]).toContain(result.code);
        expectNoStackTrace(result.stderr);
        expectNoEchoes(result.stdout, [...heard], 'stdout');
        expectNoEchoes(result.stderr, [...heard], 'stderr');
        for (const [file, text] of filesBesideTheStore(configDir)) expectNoEchoes(text, [...heard], file);
      }
      // The echo reached the tool: what it was sent held a secret.
      expect(heard.size).toBeGreaterThan(0);
    } finally {
      await echo.close();
    }
  });
});
