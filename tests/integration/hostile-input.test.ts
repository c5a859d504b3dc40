// Hostile and broken input from flags, environment and stdin, for every connector (tests/kits): refused with exit 2
// and a message naming the value, before anything is sent (each stand-in counts every request it gets). Every field
// gets the same abuse from its own spec; each kit adds what only its fields meet.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectors } from '../../src/connectors/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, faults, startFaultServer } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/https-server.js';
import { KIT_SECRETS, kits, registry } from '../kits/index.js';
import { type ConnectorKit, GENERAL_CASES, fieldCases, runKit } from '../kits/kit.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN, ...KIT_SECRETS];
const standIns = new Map<ConnectorKit, TestServer>();

beforeAll(async () => {
  for (const kit of kits) standIns.set(kit, await kit.start());
});
afterAll(() => Promise.all([...standIns.values()].map((server) => server.close())));

function standIn(kit: ConnectorKit): TestServer {
  const server = standIns.get(kit);
  if (!server) throw new Error(`no stand-in for ${kit.connector.name}`);
  return server;
}

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

test('every registered connector, the fixtures included, has a kit the shared suites run', () => {
  const covered = kits.map((kit) => kit.connector.name);
  expect(covered).toEqual(registry.map((connector) => connector.name));
  for (const connector of connectors) expect(covered).toContain(connector.name);
});

describe.each(kits)('$connector.name: refused before anything is sent (exit 2, invalid_input, the value named)', (kit) => {
  const cases = [...fieldCases(kit.connector.fields), ...GENERAL_CASES, ...(kit.hostile ?? [])];
  test.each(cases)('$what', async (testCase) => {
    const server = standIn(kit);
    const before = server.requests.length;
    expectRefused(await runKit(kit, server, testCase), testCase.names);
    expect(server.requests.length).toBe(before);
  });
});

describe.each(kits)('$connector.name: in a terminal', (kit) => {
  test('a hostile profile name is quoted, its escape sequence never reaches the terminal', async () => {
    const result = await runKit(kit, standIn(kit), { mode: 'verify', extra: ['--profile', '\x1b]0;pwned\x07\x1b[2J'] }, { json: false });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Profile name "\\u001b]0;pwned\\u0007');
    expect(result.stderr).not.toContain('\x1b');
    expect(result.stderr).not.toContain('\x07');
  });

  test('a usage error repeating a hostile option shows no escape sequence', async () => {
    const result = await runCli([kit.connector.name, '--verify', '--bogus\x1b[2J'], { registry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--bogus');
    expect(result.stderr).not.toContain('\x1b');
  });
});

describe('pingone in a terminal', () => {
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

describe.each(kits)('$connector.name: secrets are never taken as command-line values', (kit) => {
  const asFlags = kit.connector.fields.filter((field) => field.secret && field.stdinFlag).map((field) => field.stdinFlag?.replace(/-stdin$/, '') ?? '');
  test.each(asFlags)('%s VALUE is refused (exit 2) and the value is not repeated', async (flag) => {
    for (const given of [[flag, FAKE.clientSecret], [`${flag}=${FAKE.clientSecret}`]]) {
      const result = await runCli([kit.connector.name, '--verify', ...given], { registry });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option '${flag}'`);
      expectNoSecrets(result.stdout + result.stderr, [...SECRETS, FAKE.clientSecret]);
    }
  });
});

test('every secret field of every connector is read from stdin or the environment, never from a plain flag', async () => {
  const result = await runCli(['connectors', '--json'], { registry });
  expect(result.code).toBe(0);
  const listed = JSON.parse(result.stdout) as { connectors: { name: string; fields: { secret: boolean; flag: string | null }[] }[] };
  expect(listed.connectors.map((connector) => connector.name)).toEqual(kits.map((kit) => kit.connector.name));
  const secretFields = listed.connectors.flatMap((connector) => connector.fields.filter((field) => field.secret));
  expect(secretFields.length).toBeGreaterThan(0);
  for (const field of secretFields) expect(field.flag === null || field.flag.endsWith('-stdin')).toBe(true);
});
