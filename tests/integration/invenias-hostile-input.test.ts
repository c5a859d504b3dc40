// Hostile and broken Invenias input from flags, environment, stdin and a hand-edited profile: refused with exit 2,
// invalid_input and a message naming the value, before anything is sent (the origin counts every request).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasFaultServer, startInveniasFaults } from '../helpers/invenias-faults.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
const CLIENT_ID = '2f6d8a1e-5b7c-4d3e-8f9a-0b1c2d3e4f50';
const BIG = 'x'.repeat(100 * 1024);

let server: InveniasFaultServer;
beforeAll(async () => {
  server = await startInveniasFaults();
});
afterAll(() => server.close());

interface Case {
  what: string;
  /** `create` runs a scripted setup that would create an application; `verify` runs --verify with an existing one. */
  mode?: 'create' | 'verify';
  /** Overrides of the good flags; an empty value leaves the flag out. */
  flags?: Record<string, string>;
  env?: Record<string, string>;
  stdin?: string;
  extra?: string[];
  /** Words the message must contain (it names the value and where it came from). */
  names: string;
}

function run(testCase: Case, json = true): Promise<CliResult> {
  const verify = testCase.mode === 'verify';
  const flags: Record<string, string> = {
    '--subdomain': 'acme',
    '--base-url': server.origin,
    ...(verify ? { '--client-id': CLIENT_ID, '--username': 'cyclr.integration' } : {}),
    ...testCase.flags,
  };
  const given = Object.entries(flags).filter(([, value]) => value !== '');
  const args = ['invenias', ...(verify ? ['--verify'] : ['--no-input']), ...(json ? ['--json'] : []), ...given.flat(), ...(testCase.extra ?? [])];
  const env = verify
    ? { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword }
    : {
        INVENIAS_API_KEY: FAKE.inveniasApiKey,
        INVENIAS_USERNAME: 'cyclr.integration',
        INVENIAS_PASSWORD: FAKE.inveniasPassword,
        CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
        CONNECTOR_SETUP_SECRET_STORE: 'file',
      };
  return runCli(args, { env: { ...env, ...testCase.env }, ...(testCase.stdin !== undefined ? { stdin: testCase.stdin } : {}) });
}

const cases: Case[] = [
  // --subdomain: one DNS label, or a portal address on invenias.com and nothing else.
  { what: 'a subdomain with a path (evil.com/x)', flags: { '--subdomain': 'evil.com/x' }, names: 'Subdomain' },
  { what: 'a subdomain with a dot (a.b)', flags: { '--subdomain': 'a.b' }, names: 'Subdomain' },
  { what: 'a host outside invenias.com (acme.evil.example)', flags: { '--subdomain': 'acme.evil.example' }, names: 'invenias.com' },
  { what: 'a portal URL on another host', flags: { '--subdomain': 'https://acme.invenias.com.evil.example/home' }, names: 'invenias.com' },
  { what: 'a portal URL with credentials', flags: { '--subdomain': 'https://user:pass@acme.invenias.com/' }, names: 'credentials' },
  { what: 'a portal URL with a backslash trick', flags: { '--subdomain': 'https://evil.example\\@acme.invenias.com/' }, names: 'Subdomain' },
  { what: 'a subdomain starting with a hyphen (-x)', flags: { '--subdomain': '-x' }, names: 'DNS label' },
  { what: 'a Cyrillic look-alike in the subdomain', flags: { '--subdomain': '\u0430cme' }, names: 'DNS label' },
  { what: 'the Kelvin sign (lower-cases to k)', flags: { '--subdomain': 'acme\u212a' }, names: 'DNS label' },
  { what: 'a look-alike in invenias.com', flags: { '--subdomain': 'acme.\u0456nvenias.com' }, names: 'Subdomain' },
  { what: 'CR/LF in the subdomain', flags: { '--subdomain': 'acme\r\nX-Injected: 1' }, names: 'Subdomain contains a control character' },
  { what: 'a 100 KB subdomain', flags: { '--subdomain': BIG }, names: 'Subdomain is 102400 characters long' },
  { what: 'a path in INVENIAS_SUBDOMAIN', flags: { '--subdomain': '' }, env: { INVENIAS_SUBDOMAIN: 'evil.com/x' }, names: 'INVENIAS_SUBDOMAIN' },
  { what: 'a subdomain with a dot, under --verify', mode: 'verify', flags: { '--subdomain': 'a.b' }, names: 'Subdomain' },
  // --base-url: https://host[:port] only.
  { what: 'an http:// base URL', flags: { '--base-url': 'http://127.0.0.1:1' }, names: 'https://' },
  { what: 'a base URL with user:pass@', flags: { '--base-url': 'https://user:pass@127.0.0.1:1' }, names: 'credentials' },
  { what: 'a base URL with a path', flags: { '--base-url': 'https://127.0.0.1:1/api/v1' }, names: 'path' },
  { what: 'a base URL with a query', flags: { '--base-url': 'https://127.0.0.1:1?x=1' }, names: 'query' },
  { what: 'a scheme-relative base URL', flags: { '--base-url': '//127.0.0.1:1' }, names: 'https://' },
  { what: 'CR/LF in the base URL', flags: { '--base-url': 'https://127.0.0.1:1\r\nHost: evil.example' }, names: 'Base URL' },
  { what: 'a path in INVENIAS_BASE_URL, under --verify', mode: 'verify', flags: { '--base-url': '' }, env: { INVENIAS_BASE_URL: 'https://evil.example/x' }, names: 'INVENIAS_BASE_URL' },
  // --service-domain (it becomes the ReplyUrl).
  { what: 'a service domain with a path', flags: { '--service-domain': 'acme.cyclr.com/evil' }, names: 'Service Domain' },
  { what: 'a service domain with user@', flags: { '--service-domain': 'user@acme.cyclr.com' }, names: 'credentials' },
  { what: 'CR/LF in the service domain', flags: { '--service-domain': 'acme.cyclr.com\r\nX: 1' }, names: 'Service Domain' },
  { what: 'an escape sequence in CYCLR_SERVICE_DOMAIN', env: { CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com\x1b[2J' }, names: 'CYCLR_SERVICE_DOMAIN' },
  { what: 'a service domain of another scheme', flags: { '--service-domain': 'http://acme.cyclr.com' }, names: 'https://' },
  // --username, --client-id.
  { what: 'CR/LF in the username', flags: { '--username': 'cyclr\r\nX: 1' }, names: 'Username' },
  { what: 'an escape sequence in INVENIAS_USERNAME', env: { INVENIAS_USERNAME: 'cyclr\x1b]0;pwned\x07' }, names: 'Username' },
  { what: 'a C1 control (NEL) in the username, under --verify', mode: 'verify', flags: { '--username': 'cyclr\u0085x' }, names: 'Username' },
  { what: 'a 100 KB username', flags: { '--username': BIG }, names: 'Username is 102400 characters long' },
  { what: 'a Client ID with a space, under --verify', mode: 'verify', flags: { '--client-id': `${CLIENT_ID} x` }, names: 'Client ID' },
  // --expiration, --app-name.
  { what: 'an expiration not in the list', flags: { '--expiration': 'TenYears' }, names: 'OneYear, TwoYears, FiveYears' },
  { what: 'an expiration not in the list (environment)', env: { INVENIAS_EXPIRATION: 'Forever' }, names: 'INVENIAS_EXPIRATION' },
  { what: 'CR/LF in the application name', flags: { '--app-name': 'Integration\r\nX: 1' }, names: 'Application name' },
  { what: 'an escape sequence in the application name', flags: { '--app-name': 'Integration\x1b]0;pwned\x07' }, names: 'Application name' },
  { what: 'a 101-character application name', flags: { '--app-name': 'n'.repeat(101) }, names: 'Application name is 101 characters long' },
  { what: 'a 100 KB application name', flags: { '--app-name': BIG }, names: 'Application name' },
  // Secrets: the message says what is wrong, never the value.
  { what: 'CR/LF inside the API key (environment)', env: { INVENIAS_API_KEY: `${FAKE.inveniasApiKey}\r\nX: 1` }, names: 'API Key' },
  { what: 'a NUL byte inside the API key (stdin)', extra: ['--api-key-stdin'], env: { INVENIAS_API_KEY: '' }, stdin: `${FAKE.inveniasApiKey}\0tail\n`, names: 'API Key' },
  { what: 'a 100 KB API key (environment)', env: { INVENIAS_API_KEY: `FAKE-${BIG}` }, names: 'API Key is' },
  { what: 'a NUL byte inside the password (stdin)', extra: ['--password-stdin'], env: { INVENIAS_PASSWORD: '' }, stdin: `${FAKE.inveniasPassword}\0tail\n`, names: 'Password' },
  { what: 'CR/LF inside the password (environment)', env: { INVENIAS_PASSWORD: `${FAKE.inveniasPassword}\r\nX: 1` }, names: 'Password' },
  { what: 'a 100 KB password (environment)', env: { INVENIAS_PASSWORD: BIG }, names: 'Password is 102400 characters long' },
  {
    what: 'a NUL byte inside the client secret (stdin), under --verify',
    mode: 'verify',
    extra: ['--client-secret-stdin'],
    env: { INVENIAS_CLIENT_SECRET: '' },
    stdin: `${FAKE.inveniasClientSecret}\0tail\n`,
    names: 'Client Secret',
  },
];

function expectRefused(result: CliResult, names: string): void {
  expect(result.signal).toBeNull();
  const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
  expect(document.ok).toBe(false);
  expect(document.error.code).toBe('invalid_input');
  expect(document.error.message).toContain(names);
  expect(result.code).toBe(2);
  expectNoStackTrace(result.stderr);
  expectNoSecrets(result.stdout + result.stderr, SECRETS);
  // The JSON document holds no raw control character, whatever was typed.
  expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

describe('invenias: refused before anything is sent (exit 2, invalid_input, the value named)', () => {
  test.each(cases)('$what', async (testCase) => {
    const before = server.requests.length;
    expectRefused(await run(testCase), testCase.names);
    expect(server.requests.length).toBe(before);
  });

  test('a NUL byte in a hand-edited profile\'s subdomain: exit 2 naming the profile file, nothing sent', async () => {
    const configDir = tempConfigDir();
    const saved = await runCli(['invenias', '--no-input', '--subdomain', 'acme', '--base-url', server.origin, '--client-id', CLIENT_ID, '--username', 'cyclr.integration'], {
      env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword, CONNECTOR_SETUP_SECRET_STORE: 'file' },
      configDir,
    });
    expect(saved.code).toBe(0);
    const file = path.join(configDir, 'profiles.json');
    const profiles = JSON.parse(readFileSync(file, 'utf8'));
    profiles.profiles.invenias.default.values.subdomain = 'acme\u0000.evil';
    writeFileSync(file, JSON.stringify(profiles));
    const before = server.requests.length;
    const result = await runCli(['invenias', '--verify', '--json'], { configDir });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('config_damaged');
    expect(error.message).toContain(`The profile file ${file} is damaged: profile "default" of "invenias": Subdomain`);
    expect(server.requests.length).toBe(before);
  });
});

describe('invenias: in a terminal', () => {
  test('a hostile application name never reaches the terminal raw', async () => {
    const result = await run({ what: '', flags: { '--app-name': 'Integration\x1b]0;pwned\x07\x1b[2J' }, names: '' }, false);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Application name contains a control character');
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
