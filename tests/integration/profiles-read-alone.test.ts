// `profiles list` and `profiles show` are read without building the command table (program.ts readProfilesCommand).
// Every line that reading takes must be read exactly as the command table reads it, and the lines people type must
// be among those it takes; whatever it leaves goes to the table, so help, typos and usage errors stay commander's.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Command } from 'commander';
import fc from 'fast-check';
import { connectors } from '../../src/connectors/index.js';
import { readProfilesCommand } from '../../src/profiles-line.js';
import { readByTable } from '../../src/program.js';
import { ROOT, runCliProcess, startCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { seedProfiles } from '../helpers/profiles.js';

const argv = (words: readonly string[]): string[] => ['node', 'connector-setup', ...words];

/** Words a line may hold: the commands' own, arguments, near misses, help, separators and a pasted secret. */
const WORDS = [
  'profiles', 'Profiles', 'PROFILES', 'profile', 'list', 'show', 'export', 'pingone', 'invenias', 'PingOne', 'prod', 'a.b_c-1',
  '--json', '--show-secrets', '--copy', '--copy=client-secret', 'client-secret', '--jso', '--json=yes', '-j', '-h', '--help',
  '--', '-', '', '--profile', '--no-input', '-v', '--client-secret', '--client-secret=FAKE-not-a-secret',
];

async function expectSameReading(words: readonly string[]): Promise<boolean> {
  const alone = readProfilesCommand(argv(words));
  if (alone === undefined) return false;
  expect({ words, reading: alone }).toEqual({ words, reading: await readByTable(argv(words), connectors, Command) });
  return true;
}

describe('profiles list and show, read without the command table', () => {
  test.each([
    [['profiles', 'list']],
    [['profiles', 'list', '--json']],
    [['PROFILES', 'list', '--json', '--json']],
    [['profiles', 'show', 'pingone']],
    [['profiles', 'show', 'pingone', 'prod']],
    [['profiles', 'show', 'invenias', 'prod', '--json']],
    [['profiles', 'show', '--json', 'pingone', '--show-secrets', 'prod']],
    [['profiles', 'show', 'PingOne', 'a.b_c-1', '--show-secrets']],
    [['profiles', 'show', 'nosuchconnector', '']],
  ])('%j is read alone, as the table reads it', async (words) => {
    expect(await expectSameReading(words)).toBe(true);
  });

  test.each([
    [['profiles', 'list', '--help']],
    [['profiles', 'show', 'pingone', '-h']],
    [['profiles', 'show', 'pingone', 'prod', '--copy', 'client-secret']],
    [['profiles', 'show']],
    [['profiles', 'show', 'pingone', 'prod', 'extra']],
    [['profiles', 'list', 'prod']],
    [['profiles', '--json', 'list']],
    [['profiles', 'list', '--jso']],
    [['profiles', 'list', '--json=yes']],
    [['profile', 'list']],
    [['profiles', 'show', 'pingone', '-']],
    [['profiles', 'show', '--', 'pingone']],
    [['profiles', 'export', 'pingone']],
    [['profiles']],
  ])('%j is left to the command table', (words) => {
    expect(readProfilesCommand(argv(words))).toBeUndefined();
  });

  test('any line of their words that is read alone is read as the table reads it', async () => {
    let readAlone = 0;
    const start = fc.constantFrom<string[]>(['profiles', 'list'], ['profiles', 'show'], ['Profiles', 'show'], ['profiles'], []);
    await fc.assert(
      fc.asyncProperty(start, fc.array(fc.constantFrom(...WORDS), { maxLength: 5 }), async (head, tail) => {
        if (await expectSameReading([...head, ...tail])) readAlone += 1;
      }),
      { numRuns: 1500 },
    );
    // The property says something only if many lines were read alone.
    expect(readAlone).toBeGreaterThan(100);
  });
});

describe('the built CLI, through its smaller bundle', () => {
  test('prints what the whole program prints for each line it reads alone, and for the lines it does not', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [
      { connector: 'pingone', name: 'staging', values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId }, secrets: { clientSecret: FAKE.clientSecret } },
      { connector: 'pingone', name: 'Prod', values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.com', environmentId: FAKE.otherEnvironmentId }, secrets: {}, expiresOn: '2031-01-01T00:00:00.000Z' },
    ]);
    const lines = [
      ['profiles', 'list'],
      ['profiles', 'list', '--json'],
      ['profiles', 'show', 'pingone', 'staging'],
      ['profiles', 'show', 'pingone', 'Prod', '--json'],
      ['profiles', 'show', 'pingone', 'staging', '--show-secrets'],
      ['profiles', 'show', 'pingone', 'missing'],
      ['profiles', 'show', 'nosuchconnector'],
      ['profiles', 'list', '--jso'],
    ];
    for (const words of lines) {
      // bin/connector-setup.js loads dist/profiles.js for a line read alone; dist/main.js is the whole program.
      const [bundle, whole] = await Promise.all([runCliProcess(words, { configDir }), runCliProcess(words, { configDir, bin: path.join(ROOT, 'dist/main.js') })]);
      expect({ words, code: bundle.code, stdout: bundle.stdout, stderr: bundle.stderr }).toEqual({ words, code: whole.code, stdout: whole.stdout, stderr: whole.stderr });
      if (!words.includes('--show-secrets')) expectNoSecrets(bundle.stdout + bundle.stderr, [FAKE.clientSecret]);
    }
  });
});

describe('a thousand profiles', () => {
  test('piped to a reader that stops after the first lines (| head): those lines, then a quiet exit 0', async () => {
    const configDir = tempConfigDir();
    const record = (clientId: string) => ({ values: { clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId }, secretStore: 'file', createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z', lastVerified: null, expiresOn: null });
    const pingone = Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`customer-${String(index).padStart(4, '0')}`, record(FAKE.clientId)]));
    writeFileSync(path.join(configDir, 'profiles.json'), JSON.stringify({ schemaVersion: 1, profiles: { pingone } }), { mode: 0o600 });
    const running = startCli(['profiles', 'list'], { configDir });
    // Some 200 KB of blocks, more than a pipe holds: the reader leaves while the list is still being written.
    running.child.stdout.once('data', () => running.child.stdout.destroy());
    const result = await running.result;
    expect(running.stdout()).toMatch(/^pingone customer-0000\n {2}Client ID/);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
