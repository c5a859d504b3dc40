// What a person reads when something is off (a proxy, a timeout, help, a missing profile, a failing row): words to act on.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { faults, startFaultServer } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { type SeedProfile, seedProfiles } from '../helpers/profiles.js';

let pingone: PingOneServer;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(() => pingone.close());

const verifyArgs = (authDomain: string): string[] => ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', authDomain, '--environment-id', FAKE.environmentId];
const secretEnv = { PINGONE_CLIENT_SECRET: FAKE.clientSecret };

function pingoneProfile(name: string, secret: string): SeedProfile {
  return {
    connector: 'pingone',
    name,
    values: { clientId: FAKE.clientId, authDomain: pingone.hostPort, environmentId: FAKE.environmentId },
    secrets: { clientSecret: secret },
  };
}

describe('network trouble, in words a person can act on', () => {
  test('a proxy that refuses CONNECT is named as the proxy, with its answer, not as an undici code', async () => {
    const proxy = await startConnectProxy();
    try {
      const result = await runCli([...verifyArgs('auth.pingone.eu'), '--json'], { env: { ...secretEnv, HTTPS_PROXY: proxy.url } });
      expect(result.code).toBe(3);
      const { error } = JSON.parse(result.stdout);
      expect(error.code).toBe('unreachable');
      expect(error.message).toBe('The proxy (HTTPS_PROXY) would not open a connection to auth.pingone.eu: it answered 502.');
      expect(error.hint).toContain('NO_PROXY');
      expect(result.stderr).not.toContain('UND_ERR');
      expectNoSecrets(result.stdout + result.stderr);
    } finally {
      await proxy.close();
    }
  });

  test('a proxy with nothing listening is named as the proxy, not as the service it was to reach', async () => {
    // A real port with nothing behind it: opened by this test, then closed.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runCli([...verifyArgs('auth.pingone.eu'), '--json'], { env: { ...secretEnv, HTTPS_PROXY: `http://proxyuser:${FAKE.wrongSecret}@127.0.0.1:${port}` } });
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`The proxy in HTTPS_PROXY (127.0.0.1:${port}) refused the connection: nothing is listening there; nothing was sent to auth.pingone.eu.`);
    expect(error.hint).toBe('Start the proxy, correct HTTPS_PROXY, or unset it if this network needs no proxy.');
    expect(result.stdout + result.stderr).not.toContain('proxyuser');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a proxy host that does not resolve is named as the proxy', async () => {
    const result = await runCli([...verifyArgs('auth.pingone.eu'), '--json'], { env: { ...secretEnv, https_proxy: 'http://proxy.invalid:3128' } });
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.message).toBe('The proxy in https_proxy (proxy.invalid:3128) could not be reached; nothing was sent to auth.pingone.eu.');
  });

  test('a timeout under a second is reported as given, not as "0 s"', async () => {
    const deadlines = new Deadlines();
    const server = await startFaultServer(faults.hang(() => deadlines.expire()));
    try {
      const result = await runCli([...verifyArgs(server.hostPort), '--timeout', '0.5'], { env: secretEnv, deadlines });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`${server.hostPort} did not answer within 0.5 s. [timeout]`);
    } finally {
      await server.close();
    }
  });
});

describe('help', () => {
  test('connectors offers only --json: no options that would do nothing there', async () => {
    const help = await runCli(['connectors', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--json');
    for (const option of ['--profile', '--no-input', '--timeout', '--show-secrets']) expect(help.stdout).not.toContain(option);
    const refused = await runCli(['connectors', '--timeout', '5']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("✖ Unknown option '--timeout'. [usage]");
  });

  test('invenias --help and connectors name the defaults of the application name and expiration', async () => {
    const help = await runCli(['invenias', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Application name (env INVENIAS_APP_NAME; default Integration)');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Expiration: OneYear, TwoYears or FiveYears (env INVENIAS_EXPIRATION; default FiveYears)');
    const listed = await runCli(['connectors']);
    expect(listed.stdout).toMatch(/--expiration, INVENIAS_EXPIRATION\s+How long the application lives: OneYear, TwoYears, FiveYears \(default FiveYears\)/);
  });
});

describe('a profile that is not there', () => {
  test('profiles show/export/remove name the profiles that the connector does have', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile('staging', FAKE.clientSecret), pingoneProfile('production', FAKE.clientSecret)]);
    for (const args of [['profiles', 'show', 'pingone'], ['profiles', 'export', 'pingone'], ['profiles', 'remove', 'pingone', 'prod']]) {
      const result = await runCli(args, { configDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('[profile_not_found]');
      expect(result.stderr).toContain('Fix: Saved PingOne profiles: production, staging (connector-setup profiles list shows them all).');
    }
    const none = await runCli(['profiles', 'show', 'invenias', '--json'], { configDir });
    expect(JSON.parse(none.stdout).error.hint).toBe('No Invenias profile is saved; run connector-setup invenias to make one.');
  });

  test('<connector> --verify --profile NAME --json: the document names the profile asked for', async () => {
    const result = await runCli(['pingone', '--verify', '--profile', 'nope', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, connector: 'pingone', profile: 'nope', error: { code: 'profile_not_found' } });
  });
});

test('verify: a failing row of the table keeps what went wrong apart from how to fix it', async () => {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [pingoneProfile('good', FAKE.clientSecret), pingoneProfile('bad', FAKE.wrongSecret)]);
  const result = await runCli(['verify'], { configDir });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^pingone\/bad\s+invalid_client\s+\d+ ms\s+PingOne rejected the Client ID or Client Secret\..* Fix: Copy the Client ID/m);
  expect(result.stdout).toMatch(/^pingone\/good\s+ok\s+\d+ ms$/m);
  expectNoSecrets(result.stdout + result.stderr);
});

test('--timeout 0 is refused with a message that does not invite 0', async () => {
  const result = await runCli([...verifyArgs('auth.pingone.eu'), '--timeout', '0'], { env: secretEnv });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--timeout must be a number of seconds above 0 and at most 600');
});
