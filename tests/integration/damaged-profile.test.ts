// A damaged or hand-edited profile file: exit 2, config_damaged (or invalid_input for a bad value), the file
// named with what is wrong, nothing sent, and the file never replaced - not even by a setup that would save.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ROOT, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { faults, startFaultServer } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/https-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startFaultServer(faults.token());
});
afterAll(() => server.close());

function record(values: Record<string, unknown>): Record<string, unknown> {
  return { values, secretStore: 'file', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', lastVerified: null, expiresOn: null };
}
const goodValues = { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId };
const goodProfiles = JSON.stringify({ schemaVersion: 1, profiles: { pingone: { default: record(goodValues) } } });
const goodSecrets = JSON.stringify({ schemaVersion: 1, secrets: { pingone: { default: { clientSecret: FAKE.clientSecret } } } });

interface Damage {
  what: string;
  file: 'profiles.json' | 'secrets.json';
  content: string | null;
  code: 'config_damaged' | 'invalid_input';
  says: string;
}

const damages: Damage[] = [
  { what: 'profiles.json is not JSON', file: 'profiles.json', content: '{ "schemaVersion": 1, "profiles": {', code: 'config_damaged', says: 'not valid JSON' },
  { what: 'profiles.json is empty (0 bytes)', file: 'profiles.json', content: '', code: 'config_damaged', says: 'it is empty' },
  { what: 'profiles.json is binary garbage with NUL bytes', file: 'profiles.json', content: '\0\0\x01garbage\xff', code: 'config_damaged', says: 'not valid JSON' },
  { what: 'profiles.json is a JSON array', file: 'profiles.json', content: '[]', code: 'config_damaged', says: 'not a JSON object' },
  { what: 'profiles.json is null', file: 'profiles.json', content: 'null', code: 'config_damaged', says: 'not a JSON object' },
  { what: 'profiles.json has a schemaVersion from the future', file: 'profiles.json', content: JSON.stringify({ schemaVersion: 99, profiles: {} }), code: 'config_damaged', says: 'schemaVersion is 99' },
  { what: 'a value hand-edited to a number', file: 'profiles.json', content: JSON.stringify({ schemaVersion: 1, profiles: { pingone: { default: record({ ...goodValues, clientId: 42 }) } } }), code: 'config_damaged', says: 'profiles.pingone.default.values is not a map of strings' },
  { what: 'a profile without createdAt', file: 'profiles.json', content: JSON.stringify({ schemaVersion: 1, profiles: { pingone: { default: { values: goodValues, lastVerified: null, expiresOn: null } } } }), code: 'config_damaged', says: 'lacks createdAt' },
  { what: 'secrets.json is not JSON', file: 'secrets.json', content: '{"schemaVersion":1,"secrets":', code: 'config_damaged', says: 'not valid JSON' },
  { what: 'a secret hand-edited to a number', file: 'secrets.json', content: JSON.stringify({ schemaVersion: 1, secrets: { pingone: { default: { clientSecret: 7 } } } }), code: 'config_damaged', says: 'secrets.pingone is not a map of strings' },
  { what: 'profiles.json is a directory', file: 'profiles.json', content: null, code: 'config_damaged', says: 'could not be read (EISDIR)' },
  { what: 'a hand-edited Auth Domain with a path', file: 'profiles.json', content: JSON.stringify({ schemaVersion: 1, profiles: { pingone: { default: record({ ...goodValues, authDomain: 'evil.example/x' }) } } }), code: 'config_damaged', says: 'profile "default" of "pingone": Auth Domain' },
  { what: 'a hand-edited Client ID with CR/LF', file: 'profiles.json', content: JSON.stringify({ schemaVersion: 1, profiles: { pingone: { default: record({ ...goodValues, clientId: `${FAKE.clientId}\r\nX: 1` }) } } }), code: 'config_damaged', says: 'control character' },
];

function configWith(damage: Damage): string {
  const directory = tempConfigDir();
  writeFileSync(path.join(directory, 'profiles.json'), goodProfiles);
  writeFileSync(path.join(directory, 'secrets.json'), goodSecrets, { mode: 0o600 });
  const file = path.join(directory, damage.file);
  if (damage.content === null) {
    // A directory where the file should be.
    rmSync(file);
    mkdirSync(file);
  } else {
    writeFileSync(file, damage.content, 'latin1');
  }
  return directory;
}

function read(directory: string, file: string): string | null {
  try {
    return readFileSync(path.join(directory, file), 'latin1');
  } catch {
    return null;
  }
}

describe('a damaged or hand-edited profile file', () => {
  test.each(damages)('$what: exit 2, the file named, nothing sent, nothing replaced', async (damage) => {
    const directory = configWith(damage);
    const before = { profiles: read(directory, 'profiles.json'), secrets: read(directory, 'secrets.json') };
    const requests = server.requests.length;
    const env = { PINGONE_CLIENT_SECRET: FAKE.clientSecret };
    // --verify reads the profile; setup with every value given would save over a damaged file. (A value
    // given on the command line rightly replaces a bad hand-edited value, so that case runs --verify only.)
    // The Auth Domain flag keeps a run that wrongly gets past the profile on the local server.
    const runs = [['pingone', '--verify', '--json', ...(damage.says.includes('saved profile') ? [] : ['--auth-domain', server.hostPort])]];
    if (damage.code === 'config_damaged') {
      runs.push(['pingone', '--no-input', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId]);
    }
    for (const args of runs) {
      const result = await runCli(args, { env, configDir: directory });
      expect(result.signal).toBeNull();
      const document = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
      expect(document.error.code).toBe(damage.code);
      expect(document.error.message).toContain(damage.says);
      expect(document.error.message).toContain(damage.code === 'config_damaged' ? path.join(directory, damage.file) : directory);
      expect(result.code).toBe(2);
      expectNoStackTrace(result.stderr);
      expectNoSecrets(result.stdout + result.stderr);
    }
    expect(server.requests.length).toBe(requests);
    expect({ profiles: read(directory, 'profiles.json'), secrets: read(directory, 'secrets.json') }).toEqual(before);
  });

  test('the human message names the file and says it is never overwritten', async () => {
    const directory = configWith(damages[0] as Damage);
    const result = await runCli(['pingone', '--verify', '--auth-domain', server.hostPort], { configDir: directory, env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`The profile file ${path.join(directory, 'profiles.json')} is damaged: it is not valid JSON.`);
    expect(result.stderr).toContain('never overwrites a damaged file');
  });
});

describe('a run that needs no profile, and a profile directory that is not one', () => {
  const everyValue = ['--client-id', FAKE.clientId, '--environment-id', FAKE.environmentId];

  test('pingone --verify --no-save with every value given works beside a damaged profiles.json, which it never reads', async () => {
    const directory = configWith(damages[0] as Damage);
    const before = read(directory, 'profiles.json');
    const result = await runCli(['pingone', '--verify', '--no-save', '--json', '--auth-domain', server.hostPort, ...everyValue], {
      configDir: directory,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(JSON.parse(result.stdout).error).toBeNull();
    expect(result.code).toBe(0);
    expect(read(directory, 'profiles.json')).toBe(before);
  });

  test('pingone --verify --no-save with every value given works when the config path runs through a file', async () => {
    const file = path.join(tempConfigDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const result = await runCli(['pingone', '--verify', '--no-save', '--json', '--auth-domain', server.hostPort, ...everyValue], {
      configDir: path.join(file, 'connector-setup'),
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(result.code).toBe(0);
  });

  test('a config path through a file: the file on the way is named, not "damaged (ENOTDIR)"', async () => {
    const file = path.join(tempConfigDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const configDir = path.join(file, 'connector-setup');
    for (const args of [['pingone', '--verify', '--json', '--auth-domain', server.hostPort, ...everyValue], ['verify', '--all', '--json'], ['profiles', 'list', '--json']]) {
      const result = await runCli(args, { configDir, env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).toContain(`${file} is a file, not a directory`);
      expect(result.stdout + result.stderr).not.toContain('ENOTDIR');
      expect(result.stdout + result.stderr).not.toContain('damaged');
    }
  });

  test('a damaged secrets.json is called the secrets file, not the profile file', async () => {
    const directory = configWith(damages.find((damage) => damage.file === 'secrets.json') as Damage);
    const result = await runCli(['pingone', '--verify', '--auth-domain', server.hostPort], { configDir: directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`The secrets file ${path.join(directory, 'secrets.json')} is damaged: it is not valid JSON.`);
  });

  test('verify --all on a damaged profiles.json: exit 2, as the README says', async () => {
    const result = await runCli(['verify', '--all', '--json'], { configDir: configWith(damages[0] as Damage) });
    expect(result.code).toBe(2);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('`verify --all`: 0 when all pass; 1 when any was rejected; else 3 when any could not be asked; 2 when');
  });
});
