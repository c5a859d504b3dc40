// Hostile and broken input from flags, environment and stdin: refused with exit 2 and a message naming the
// value, before anything is sent (the test server counts every request it gets).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { faults, startFaultServer } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/https-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startFaultServer(faults.token());
});
afterAll(() => server.close());

const BIG = 'x'.repeat(100 * 1024);

interface Case {
  what: string;
  flags?: Record<string, string>;
  env?: Record<string, string>;
  stdin?: string;
  extra?: string[];
  /** Words the message must contain (it names the value). */
  names: string;
}

/** Runs pingone --verify with good values, except for what the case overrides. */
function run(testCase: Case, json = true): Promise<CliResult> {
  const flags: Record<string, string> = { '--client-id': FAKE.clientId, '--auth-domain': server.hostPort, ...testCase.flags };
  // An empty flag value means "leave the flag out".
  const given = Object.entries(flags).filter(([, value]) => value !== '');
  const args = ['pingone', '--verify', ...(json ? ['--json'] : []), ...given.flat(), ...(testCase.extra ?? [])];
  return runCli(args, {
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId, ...testCase.env },
    ...(testCase.stdin !== undefined ? { stdin: testCase.stdin } : {}),
  });
}

const cases: Case[] = [
  { what: 'CR/LF in the Client ID (header injection)', flags: { '--client-id': `${FAKE.clientId}\r\nX-Injected: 1` }, names: 'Client ID' },
  { what: 'CR/LF in the Auth Domain', flags: { '--auth-domain': `${'127.0.0.1'}\r\nHost: evil.example` }, names: 'Auth Domain' },
  { what: 'an escape sequence in the Environment ID', flags: { '--environment-id': `${FAKE.environmentId}\x1b[2J` }, names: 'Environment ID' },
  { what: 'a tab in the Client ID', flags: { '--client-id': `\t${FAKE.clientId}x\t` }, names: 'Client ID' },
  { what: 'user:pass@ in the Auth Domain', flags: { '--auth-domain': 'user:pass@auth.pingone.eu' }, names: 'credentials' },
  { what: 'a scheme-relative //host', flags: { '--auth-domain': '//auth.pingone.eu' }, names: 'scheme-relative' },
  { what: 'a path where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu/evil' }, names: 'path' },
  { what: 'a query where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu?x=1' }, names: 'query' },
  { what: 'a fragment where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu#x' }, names: 'path' },
  { what: 'a backslash in the host', flags: { '--auth-domain': 'evil.example\\auth.pingone.eu' }, names: 'Auth Domain' },
  { what: 'another scheme', flags: { '--auth-domain': 'http://auth.pingone.eu' }, names: 'https://' },
  { what: 'a Cyrillic look-alike in the host', flags: { '--auth-domain': 'auth.p\u0456ngone.eu' }, names: 'ASCII' },
  { what: 'a host a URL parser reads as 127.0.0.1 (0x7f.1)', flags: { '--auth-domain': '0x7f.1' }, names: 'host name' },
  { what: 'a port out of range', flags: { '--auth-domain': 'auth.pingone.eu:70000' }, names: 'port' },
  { what: 'a non-UUID Client ID', flags: { '--client-id': 'my-client' }, names: 'Client ID must be a UUID' },
  { what: 'a non-UUID Environment ID', flags: { '--environment-id': '../../admin' }, names: 'Environment ID must be a UUID' },
  { what: 'a 100 KB Client ID', flags: { '--client-id': BIG }, names: 'Client ID is 102400 characters long' },
  { what: 'a 100 KB Auth Domain', flags: { '--auth-domain': BIG }, names: 'Auth Domain' },
  { what: 'an AUTHORIZATION URL with credentials', flags: { '--authorization-url': `https://u:p@auth.pingone.eu/${FAKE.environmentId}/as/authorize` }, names: 'credentials' },
  { what: 'an AUTHORIZATION URL with a query', flags: { '--authorization-url': `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize?x=1` }, names: 'AUTHORIZATION URL' },
  { what: 'a path in PINGONE_AUTH_DOMAIN', flags: { '--auth-domain': '' }, env: { PINGONE_AUTH_DOMAIN: 'evil.example/x' }, names: 'PINGONE_AUTH_DOMAIN' },
  { what: 'CR/LF inside the secret (environment)', env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret}\r\nX: 1` }, names: 'Client Secret' },
  { what: 'a space inside the secret (environment)', env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret} ${FAKE.clientSecret}` }, names: 'Client Secret contains whitespace' },
  { what: 'a 100 KB secret (environment)', env: { PINGONE_CLIENT_SECRET: `FAKE-${BIG}` }, names: 'Client Secret is' },
  { what: 'a NUL byte inside the secret (stdin)', extra: ['--client-secret-stdin'], stdin: `${FAKE.clientSecret}\0tail\n`, names: 'Client Secret' },
  { what: 'a lone CR inside the secret (stdin)', extra: ['--client-secret-stdin'], stdin: `${FAKE.clientSecret}\rtail\n`, names: 'Client Secret' },
  { what: 'more than 64 KiB on stdin', extra: ['--client-secret-stdin'], stdin: `FAKE-${'y'.repeat(70 * 1024)}`, names: '64 KiB' },
  { what: 'a --timeout that is not a number', extra: ['--timeout', 'abc'], names: '--timeout' },
  { what: 'a negative --timeout', extra: ['--timeout', '-1'], names: '--timeout' },
  { what: 'a profile name with an escape sequence', extra: ['--profile', '\x1b]0;pwned\x07'], names: 'Profile name' },
  { what: 'a profile name with a path', extra: ['--profile', '../../etc/passwd'], names: 'Profile name' },
];

describe('refused before anything is sent: exit 2, invalid_input, the value named', () => {
  test.each(cases)('$what', async (testCase) => {
    const before = server.requests.length;
    const result = await run(testCase);
    expect(result.signal).toBeNull();
    const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('invalid_input');
    expect(document.error.message).toContain(testCase.names);
    expect(result.code).toBe(2);
    expect(server.requests.length).toBe(before);
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr);
    // The JSON document holds no raw control character, whatever was typed.
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('in a terminal', () => {
  test('a hostile profile name is quoted, its escape sequence never reaches the terminal', async () => {
    const result = await run({ what: '', extra: ['--profile', '\x1b]0;pwned\x07\x1b[2J'], names: '' }, false);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Profile name "\\u001b]0;pwned\\u0007');
    expect(result.stderr).not.toContain('\x1b');
    expect(result.stderr).not.toContain('\x07');
  });

  test('a usage error repeating a hostile option shows no escape sequence', async () => {
    const result = await runCli(['pingone', '--verify', '--bogus\x1b[2J']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--bogus');
    expect(result.stderr).not.toContain('\x1b');
  });

  test('a --timeout that is not a number: exit 2 with a message and no "unexpected problem"', async () => {
    const result = await runCli(['pingone', '--verify', '--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout must be a number of seconds');
    expect(result.stderr).not.toContain('unexpected');
    const json = await runCli(['pingone', '--verify', '--json', '--timeout', '0']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, connector: 'pingone', checks: [], error: { code: 'invalid_input' } });
  });

  test('a server whose error text carries terminal escapes: shown without them', async () => {
    const hostile = await startFaultServer(
      faults.json(401, { error: 'invalid_client', error_description: 'Denied \x1b]0;pwned\x07\x1b[2J\r\nFAKE LINE\u009b31m' }),
    );
    try {
      const result = await runCli(['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', hostile.hostPort], {
        env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Denied');
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    } finally {
      await hostile.close();
    }
  });
});

describe('secrets are never taken as command-line values', () => {
  test('--client-secret VALUE is refused (exit 2) and the value is not repeated', async () => {
    const result = await runCli(['pingone', '--verify', '--client-secret', FAKE.clientSecret]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--client-secret'");
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('every secret field is read from stdin or the environment, never from a plain flag', async () => {
    const result = await runCli(['connectors', '--json']);
    expect(result.code).toBe(0);
    const { connectors } = JSON.parse(result.stdout) as { connectors: { fields: { secret: boolean; flag: string | null }[] }[] };
    const secretFields = connectors.flatMap((connector) => connector.fields.filter((field) => field.secret));
    expect(secretFields.length).toBeGreaterThan(0);
    for (const field of secretFields) expect(field.flag === null || field.flag.endsWith('-stdin')).toBe(true);
  });
});
