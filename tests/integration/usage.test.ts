// What a script or a person gets for a command line that cannot run: the contract's failure document under
// --json, the flag that works for a secret, every missing value at once, and command names as people type them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { runInProcess } from '../helpers/in-process.js';
import { ROOT, runCliProcess, tempConfigDir } from '../helpers/cli.js';

describe('usage errors', () => {
  test('with --json an unknown option prints one failure document (code usage), exit 2', async () => {
    const result = await runInProcess(['pingone', '--verify', '--bogus', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { code: 'usage', message: "Unknown option '--bogus'.", hint: 'See connector-setup pingone --help.' } });
  });

  test("a mistyped option reads like every other failure: a cross, the suggestion, the code and the fix, exit 2", async () => {
    const result = await runInProcess(['pingone', '--verfy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("✖ Unknown option '--verfy'. Did you mean --verify? [usage]\n  Fix: See connector-setup pingone --help.\n");
    expect(result.stdout).toBe('');
  });

  test('with --json the "Did you mean" suggestion is in the failure document', async () => {
    const result = await runInProcess(['profiles', 'lst', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { code: 'usage', message: "Unknown command 'lst'. Did you mean list?", hint: 'See connector-setup profiles --help.' } });
  });

  test('an unknown command names the supported connectors', async () => {
    const result = await runInProcess(['salesforce']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("✖ Unknown command 'salesforce'. [usage]");
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('Fix: Supported connectors: pingone, invenias (see connector-setup connectors); every command: connector-setup --help.');
  });

  test.each([
    ['pingone', '--client-secret', '--client-secret-stdin', 'PINGONE_CLIENT_SECRET'],
    ['invenias', '--client-secret', '--client-secret-stdin', 'INVENIAS_CLIENT_SECRET'],
    ['invenias', '--password', '--password-stdin', 'INVENIAS_PASSWORD'],
    ['invenias', '--api-key', '--api-key-stdin', 'INVENIAS_API_KEY'],
  ])('%s %s VALUE names %s and %s, never the value', async (connector, flag, stdinFlag, variable) => {
    for (const argv of [[connector, flag, FAKE.clientSecret], [connector, `${flag}=${FAKE.clientSecret}`, '--json']]) {
      const result = await runInProcess(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option '${flag}'`);
      expect(result.stderr).toContain(stdinFlag);
      expect(result.stderr).toContain(variable);
      expectNoSecrets(result.stdout + result.stderr, [FAKE.clientSecret]);
    }
  });

  test('a connector typed with capitals runs as its lower-case name', async () => {
    const result = await runInProcess(['PingOne', '--verify', '--json'], { env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ connector: 'pingone', error: { code: 'missing_input' } });
  });

  test('a typo in a subcommand suggests the subcommand, without the list of connectors', async () => {
    const result = await runInProcess(['profiles', 'lst']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command 'lst'. Did you mean list?");
    expect(result.stderr).not.toContain('Supported connectors');
  });

  test('without a terminal, every missing value is named at once with its flag and variable', async () => {
    const result = await runInProcess(['pingone', '--verify', '--client-id', FAKE.clientId, '--json'], { env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { message: string; hint: string } };
    expect(error.message).toBe('Missing Client Secret, Auth Domain, Environment ID.');
    for (const where of ['--client-secret-stdin', 'PINGONE_CLIENT_SECRET', '--auth-domain', 'PINGONE_AUTH_DOMAIN', '--environment-id', 'PINGONE_ENVIRONMENT_ID']) {
      expect(error.hint).toContain(where);
    }
  });
});

describe('help', () => {
  const flat = (text: string): string => text.replace(/\s+/g, ' ');

  test('the top-level help ends with examples, the environment, the exit codes and where to read more', async () => {
    const result = await runInProcess(['--help']);
    expect(result.code).toBe(0);
    const help = flat(result.stdout);
    expect(help).toContain('Examples: connector-setup pingone guided PingOne setup, checked with a token');
    expect(help).toContain('connector-setup verify --all --json --junit reports/connector-setup.xml');
    for (const variable of ['CONNECTOR_SETUP_PROFILE', 'CONNECTOR_SETUP_CONFIG_DIR', 'CONNECTOR_SETUP_SECRET_STORE', 'CONNECTOR_SETUP_DEBUG', 'NO_COLOR', 'HTTPS_PROXY', 'NODE_EXTRA_CA_CERTS', 'BROWSER']) {
      expect(help).toContain(variable);
    }
    expect(help).toContain('Exit codes: 0 done; every check passed 1 the service answered no');
    expect(help).toContain('130 interrupted (Ctrl+C)');
    expect(help).toContain('More: the README');
    expect(result.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  test('-v prints the version, as --version and -V do, in the built CLI too', async () => {
    const version = (await runInProcess(['--version'])).stdout;
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['-v', '-V']) {
      const result = await runInProcess([flag]);
      expect(result).toMatchObject({ code: 0, stdout: version });
    }
    const built = await runCliProcess(['-v']);
    expect(built).toMatchObject({ code: 0, stdout: version });
  });

  test('verify --help says what each profile costs: Invenias makes two requests, not one', async () => {
    const help = flat((await runInProcess(['verify', '--help'])).stdout);
    expect(help).not.toContain('one token request each');
    expect(help).toContain('Invenias: a token request and one API call');
    expect(help).toContain('connector-setup <connector> --verify');
  });

  test('pingone --help gives the Auth Domain as host[:port] and tells --verify from verify --connector', async () => {
    const help = flat((await runInProcess(['pingone', '--help'])).stdout);
    expect(help).toContain('--auth-domain <value> Auth Domain: host[:port], e.g. auth.pingone.eu (env PINGONE_AUTH_DOMAIN)');
    expect(help).toContain('To check saved profiles (CI), use: connector-setup verify --connector pingone');
  });

  test('invenias --help lists the --expiration values', async () => {
    const help = flat((await runInProcess(['invenias', '--help'])).stdout);
    expect(help).toContain('--expiration <value> Expiration: OneYear, TwoYears or FiveYears');
  });
});

test("the README's commands never put a secret on the command line, where shell history and ps keep it", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const shell = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => (block[1] ?? '').split('\n'));
  expect(shell.length).toBeGreaterThan(10);
  expect(shell.filter((line) => /\b[A-Z_]*(SECRET|PASSWORD|API_KEY)=/.test(line))).toEqual([]);
});
