// `connector-setup pingone` from scripts: where values come from, what is written, what is printed, and
// the exit status, against a real OAuth server on 127.0.0.1 that behaves like PingOne.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, configFiles, runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const otherAppId = 'bbbbbbbb-0000-4000-8000-000000000001';
const thirdAppId = 'bbbbbbbb-0000-4000-8000-000000000002';

let server: PingOneServer;

beforeAll(async () => {
  const common = { clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId };
  server = await startPingOne([
    { ...common, clientId: FAKE.clientId },
    { ...common, clientId: otherAppId },
    { ...common, clientId: thirdAppId },
  ]);
});

afterAll(() => server.close());

/** Every file of the config directory with its content. */

function savedProfiles(configDir: string): Record<string, Record<string, { values: Record<string, string>; lastVerified: string | null }>> {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles;
}

function sentClientIds(since: number): (string | null)[] {
  return server.tokenRequests().slice(since).map((request) => request.form.get('client_id'));
}

function sentSecrets(since: number): (string | null)[] {
  return server.tokenRequests().slice(since).map((request) => request.form.get('client_secret'));
}

/** A non-interactive setup (stdin is not a terminal): verify, then save. */
function setup(configDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['pingone', '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, ...extra], {
    configDir,
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, ...env },
  });
}

function expectClean(result: CliResult): void {
  expectNoSecrets(result.stdout + result.stderr);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('where values come from', () => {
  test('a flag beats the environment, which beats the saved profile', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir, ['--client-id', thirdAppId])).code).toBe(0);
    let before = server.tokenRequests().length;
    const fromProfile = await runCli(['pingone', '--verify'], { configDir });
    expect(fromProfile.code).toBe(0);
    expect(sentClientIds(before)).toEqual([thirdAppId]);

    before = server.tokenRequests().length;
    const fromEnv = await runCli(['pingone', '--verify'], { configDir, env: { PINGONE_CLIENT_ID: otherAppId } });
    expect(fromEnv.code).toBe(0);
    expect(sentClientIds(before)).toEqual([otherAppId]);

    before = server.tokenRequests().length;
    const fromFlag = await runCli(['pingone', '--verify', '--client-id', FAKE.clientId], { configDir, env: { PINGONE_CLIENT_ID: otherAppId } });
    expect(fromFlag.code).toBe(0);
    expect(sentClientIds(before)).toEqual([FAKE.clientId]);
    for (const result of [fromProfile, fromEnv, fromFlag]) expectClean(result);
  });

  test('--client-secret-stdin beats PINGONE_CLIENT_SECRET, which beats the saved secret', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir, ['--client-id', FAKE.clientId])).code).toBe(0);
    let before = server.tokenRequests().length;
    const fromStdin = await runCli(['pingone', '--verify', '--client-secret-stdin'], {
      configDir,
      stdin: `${FAKE.clientSecret}\n`,
      env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret },
    });
    expect(fromStdin.code).toBe(0);
    expect(sentSecrets(before)).toEqual([FAKE.clientSecret]);

    before = server.tokenRequests().length;
    const fromEnv = await runCli(['pingone', '--verify', '--json'], { configDir, env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret } });
    expect(fromEnv.code).toBe(1);
    expect(JSON.parse(fromEnv.stdout).error.code).toBe('invalid_client');
    expect(sentSecrets(before)).toEqual([FAKE.wrongSecret]);
    for (const result of [fromStdin, fromEnv]) expectClean(result);
  });

  test('--authorization-url gives the Auth Domain and the Environment ID', async () => {
    const before = server.tokenRequests().length;
    const result = await runCli(
      ['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--authorization-url', `https://${server.hostPort}/${FAKE.environmentId}/as/authorize`],
      { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values).toEqual({ clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId });
    expect(server.tokenRequests().slice(before).map((request) => request.path)).toEqual([`/${FAKE.environmentId}/as/token`]);
    expectClean(result);
  });

  test('a secret from stdin with whitespace around it: trimmed, and said so in the JSON warnings', async () => {
    const result = await runCli(
      ['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'],
      { stdin: `\t${FAKE.clientSecret} \r\n` },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).warnings).toEqual(['Removed whitespace around the Client Secret (--client-secret-stdin).']);
    expectClean(result);
  });

  test('pasted flag values are normalised: scheme, trailing slash, spaces, upper case', async () => {
    const result = await runCli(
      ['pingone', '--verify', '--json', '--client-id', ` ${FAKE.clientId.toUpperCase()} `, '--auth-domain', ` https://${server.hostPort}/ `, '--environment-id', `${FAKE.environmentId} `],
      { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values).toEqual({ clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId });
    expectClean(result);
  });
});

describe('refused input: exit 2, a clear message, nothing sent', () => {
  const good = (): string[] => ['--client-id', FAKE.clientId, '--environment-id', FAKE.environmentId];
  const url = `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`;
  test.each([
    ['an Auth Domain with a path', ['--auth-domain', 'https://auth.pingone.eu/x/as/token'], 'Auth Domain must be a host name only, without a path or query. (from --auth-domain)'],
    ['an Auth Domain with a query', ['--auth-domain', 'auth.pingone.eu?env=1'], 'Auth Domain must be a host name only, without a path or query.'],
    ['an Auth Domain with credentials', ['--auth-domain', 'https://admin:pw@auth.pingone.eu'], 'Auth Domain must not contain credentials'],
    ['an Auth Domain with a control character', ['--auth-domain', 'auth.pingone.eu\u0007'], 'Auth Domain contains a control character'],
    ['an absurdly long Auth Domain', ['--auth-domain', `${'a'.repeat(5000)}.eu`], 'Auth Domain is 5003 characters long; at most 2048 are accepted.'],
    ['an Auth Domain over http', ['--auth-domain', 'http://auth.pingone.eu'], 'Auth Domain must use https://'],
    ['a Client ID that is not a UUID', ['--client-id', 'my-app', '--auth-domain', 'auth.pingone.eu'], 'Client ID must be a UUID'],
    ['an AUTHORIZATION URL with a query', ['--authorization-url', `${url}?client_id=x`], 'AUTHORIZATION URL must look like'],
    ['--authorization-url and a different --auth-domain', ['--authorization-url', url, '--auth-domain', 'auth.pingone.com'], '--authorization-url gives Auth Domain auth.pingone.eu, but "auth.pingone.com" was also passed.'],
    ['a bad --timeout', ['--auth-domain', 'auth.pingone.eu', '--timeout', 'soon'], '--timeout must be a number of seconds'],
    ['an invalid profile name', ['--auth-domain', 'auth.pingone.eu', '--profile', '../etc'], 'Profile name "../etc" is not valid.'],
  ])('%s', async (_what, flags, message) => {
    const before = server.requests.length;
    const args = ['pingone', '--verify', ...(flags.includes('--authorization-url') ? ['--client-id', FAKE.clientId] : good()), ...flags];
    const result = await runCli(args, { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(server.requests.length).toBe(before);
    expectClean(result);
  });

  test('--authorization-url and a different --environment-id', async () => {
    const result = await runCli(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--authorization-url', url, '--environment-id', FAKE.otherEnvironmentId], {
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'invalid_input', hint: 'Pass either --authorization-url or --auth-domain and --environment-id.' });
    expectClean(result);
  });

  test('a secret with a control character in PINGONE_CLIENT_SECRET is described, not echoed', async () => {
    const result = await runCli(['pingone', '--verify', ...good(), '--auth-domain', server.hostPort], {
      env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret}\u0007` },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Client Secret contains a control character (such as a line break or NUL). (from PINGONE_CLIENT_SECRET)');
    expectClean(result);
  });

  test('--verify with a profile that does not exist: profile_not_found', async () => {
    const result = await runCli(['pingone', '--verify', '--json', '--profile', 'nosuch'], {});
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('profile_not_found');
  });

  test('an unknown connector and an unknown option: exit 2 saying what was wrong', async () => {
    const connector = await runCli(['pingon']);
    expect(connector.code).toBe(2);
    expect(connector.stderr).toContain("✖ Unknown command 'pingon'. Did you mean pingone? [usage]");
    expect(connector.stderr).toContain('Supported connectors: pingone');
    const option = await runCli(['pingone', '--client-secret', FAKE.clientSecret]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--client-secret'");
  });
});

describe('what --verify writes', () => {
  test('without a saved profile: nothing at all', async () => {
    const configDir = tempConfigDir();
    const result = await runCli(['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId], {
      configDir,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(result.code).toBe(0);
    expect(readdirSync(configDir)).toEqual([]);
    expectClean(result);
  });

  test("with the saved profile's values: only its last-verified time changes", async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir, ['--client-id', FAKE.clientId])).code).toBe(0);
    const before = configFiles(configDir);
    const verifiedBefore = savedProfiles(configDir).pingone?.default?.lastVerified;
    // An hour later on the run's clock: the time written is the run's, not a coincidence of milliseconds.
    const verifiedAt = Date.parse(verifiedBefore ?? '') + 3_600_000;
    const result = await runCli(['pingone', '--verify'], { configDir, clockStart: verifiedAt });
    expect(result.code).toBe(0);
    const after = configFiles(configDir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after['secrets.json']).toBe(before['secrets.json']);
    const profileAfter = JSON.parse(after['profiles.json'] ?? '');
    const profileBefore = JSON.parse(before['profiles.json'] ?? '');
    expect(profileAfter.profiles.pingone.default.lastVerified).toBe(new Date(verifiedAt).toISOString());
    profileAfter.profiles.pingone.default.lastVerified = verifiedBefore;
    expect(profileAfter).toEqual(profileBefore);
    expectClean(result);
  });

  test('with values that differ from the saved profile, or when refused: nothing, not even the time', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir, ['--client-id', FAKE.clientId])).code).toBe(0);
    const before = configFiles(configDir);
    const otherApp = await runCli(['pingone', '--verify', '--client-id', otherAppId], { configDir });
    expect(otherApp.code).toBe(0);
    expect(configFiles(configDir)).toEqual(before);
    const refused = await runCli(['pingone', '--verify'], { configDir, env: { PINGONE_CLIENT_SECRET: FAKE.wrongSecret } });
    expect(refused.code).toBe(1);
    expect(configFiles(configDir)).toEqual(before);
    for (const result of [otherApp, refused]) expectClean(result);
  });
});

describe('saving', () => {
  test('setup saves the profile: values in profiles.json, the secret only in secrets.json (0600)', async () => {
    const configDir = tempConfigDir();
    const result = await setup(configDir, ['--client-id', FAKE.clientId]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Saved profile "default" (pingone) in ${configDir}.`);
    expect(savedProfiles(configDir).pingone?.default?.values).toEqual({ clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId });
    expect(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).not.toContain(FAKE.clientSecret);
    const secrets = JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8'));
    expect(secrets.secrets.pingone.default).toEqual({ clientSecret: FAKE.clientSecret });
    expect(statSync(path.join(configDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    expectClean(result);
  });

  test('--profile NAME saves and later reads that profile only', async () => {
    const configDir = tempConfigDir();
    const result = await setup(configDir, ['--client-id', otherAppId, '--profile', 'staging', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).profile).toBe('staging');
    expect(Object.keys(savedProfiles(configDir).pingone ?? {})).toEqual(['staging']);
    const before = server.tokenRequests().length;
    const verify = await runCli(['pingone', '--verify', '--profile', 'staging'], { configDir });
    expect(verify.code).toBe(0);
    expect(sentClientIds(before)).toEqual([otherAppId]);
    const other = await runCli(['pingone', '--verify'], { configDir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('Missing Client ID');
    for (const run of [result, verify, other]) expectClean(run);
  });

  test('--no-save verifies and writes nothing', async () => {
    const configDir = tempConfigDir();
    const result = await setup(configDir, ['--client-id', FAKE.clientId, '--no-save', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, profile: null });
    expect(readdirSync(configDir)).toEqual([]);
    expectClean(result);
  });

  test('a refused setup saves nothing', async () => {
    const configDir = tempConfigDir();
    const result = await setup(configDir, ['--client-id', FAKE.clientId], { PINGONE_CLIENT_SECRET: FAKE.wrongSecret });
    expect(result.code).toBe(1);
    expect(readdirSync(configDir)).toEqual([]);
    expectClean(result);
  });
});

describe('what is printed', () => {
  test('success: the checks with their times, the four Cyclr values and where they go; nothing on stdout', async () => {
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^✔ Token request \(client credentials, Client Secret Post\) \(\d+ ms\)$/));
    expect(result.stderr).toContain('✔ PingOne setup verified.');
    expect(result.stderr).toContain('Enter these in Cyclr Console > Connectors > Connector Library > PingOne > Setup:');
    expect(lines).toContainEqual(`  Client ID       ${FAKE.clientId}`);
    // A hidden secret names the whole command that shows it.
    expect(lines).toContainEqual('  Client Secret   ****0001  (connector-setup profiles show pingone default --show-secrets reveals it)');
    expect(lines).toContainEqual(`  Auth Domain     ${server.hostPort}`);
    expect(lines).toContainEqual(`  Environment ID  ${FAKE.environmentId}`);
    expectClean(result);
  });

  test('--show-secrets shows the Client Secret in the Cyclr values, and only there', async () => {
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId, '--show-secrets']);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')).toContainEqual(`  Client Secret   ${FAKE.clientSecret}`);
    expect(result.stderr.split(FAKE.clientSecret)).toHaveLength(2);
    expect(result.stdout).toBe('');
  });

  test('--json: exactly one JSON document of the contract shape on stdout, never a secret, even with --show-secrets', async () => {
    // The file store: a keychain falling back would add its warning to the document.
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId, '--json', '--show-secrets'], { CONNECTOR_SETUP_SECRET_STORE: 'file' });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document).sort()).toEqual(['checks', 'connector', 'error', 'ok', 'profile', 'sources', 'values', 'warnings']);
    expect(document).toEqual({
      ok: true,
      connector: 'pingone',
      profile: 'default',
      checks: [{ name: 'Token request (client credentials, Client Secret Post)', ok: true, ms: expect.any(Number) }],
      values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId },
      sources: { clientId: 'flag', clientSecret: 'env', authDomain: 'flag', environmentId: 'flag' },
      warnings: [],
      error: null,
    });
    expect(result.stdout.trim().startsWith('{') && result.stdout.trim().endsWith('}')).toBe(true);
    expectClean(result);
  });

  test('--json on failure: still one document, with the error and its hint', async () => {
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId, '--json'], { PINGONE_CLIENT_SECRET: FAKE.wrongSecret });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: false, connector: 'pingone', error: { code: 'invalid_client' } });
    expect(document.error.hint).toContain('Client Secret');
    // The refusal, then the public look-up that tells a wrong secret from a wrong environment.
    expect(document.checks).toEqual([
      { name: 'Token request (client credentials, Client Secret Post)', ok: false, ms: expect.any(Number) },
      { name: expect.stringMatching(/^Looking for the environment at /), ok: true, ms: expect.any(Number) },
    ]);
    expectClean(result);
  });

  test('a refusal on the terminal: the message, its code and the fix', async () => {
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId], { PINGONE_CLIENT_SECRET: FAKE.wrongSecret });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✖ PingOne rejected the Client ID or Client Secret\. .*\[invalid_client\]/);
    expect(result.stderr).toContain('  Fix: Copy the Client ID and Client Secret again');
    expectClean(result);
  });
});

describe('the service could not be asked: exit 3', () => {
  test('nothing listening at the Auth Domain: unreachable', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId, '--auth-domain', `127.0.0.1:${port}`, '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error.code).toBe('unreachable');
    expectClean(result);
  });

  test('a certificate from an unknown authority: tls_error, and the secret never left', async () => {
    const untrusted = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }], 'untrusted');
    try {
      const result = await setup(tempConfigDir(), ['--client-id', FAKE.clientId, '--auth-domain', untrusted.hostPort]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('[tls_error]');
      expect(result.stderr).toContain('NODE_EXTRA_CA_CERTS');
      expect(untrusted.requests).toHaveLength(0);
      expectClean(result);
    } finally {
      await untrusted.close();
    }
  });
});
