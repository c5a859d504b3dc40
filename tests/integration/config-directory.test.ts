// The profile directory as found on disk: one shared with others (mode 1777, another user's files in it) or owned
// by another user is refused and left exactly as it was; a secrets file others can read is reported, then set to
// 0600 by the next save; profile names such as "constructor" are profiles like any other.
import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';

let server: PingOneServer;
beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});
afterAll(() => server.close());

const OTHER_UID = 4242;

function setup(configDir: string, profile = 'default'): Promise<CliResult> {
  return runCli(['pingone', '--profile', profile, '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId], {
    configDir,
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
  });
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o7777;
}

function failure(result: CliResult): { code: string; message: string; hint: string } {
  return JSON.parse(result.stdout).error;
}

describe('a profile directory the tool did not create', () => {
  test('shared with others (mode 1777, another user\'s file in it): refused with exit 2 and the fix, its mode kept, nothing sent', async () => {
    const shared = tempConfigDir();
    chmodSync(shared, 0o1777);
    const theirs = path.join(shared, 'their-notes.txt');
    writeFileSync(theirs, 'not yours\n');
    if (process.getuid?.() === 0) chownSync(theirs, OTHER_UID, OTHER_UID);
    const sent = server.tokenRequests().length;
    const result = await runCli(['pingone', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId], {
      configDir: shared,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(result.code).toBe(2);
    const error = failure(result);
    expect(error.code).toBe('config_unusable');
    expect(error.message).toContain(`The profile directory ${shared} cannot be used: others can write to it (mode 1777)`);
    expect(error.hint).toContain(`chmod 700 ${shared}`);
    expect(error.hint).toContain('CONNECTOR_SETUP_CONFIG_DIR');
    expect(modeOf(shared)).toBe(0o1777);
    expect(server.tokenRequests().length).toBe(sent);
    expect(() => statSync(path.join(shared, 'profiles.json'))).toThrow();
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('owned by another user: refused with exit 2, its owner and mode kept, nothing sent', async () => {
    // As root, a directory handed to another uid; otherwise the file system's root, which belongs to root.
    const root = process.getuid?.() === 0;
    const foreign = root ? tempConfigDir() : path.parse(tempConfigDir()).root;
    if (root) {
      chmodSync(foreign, 0o755);
      chownSync(foreign, OTHER_UID, OTHER_UID);
    }
    const before = statSync(foreign);
    const sent = server.tokenRequests().length;
    const result = await setup(foreign);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config_unusable');
    expect(result.stderr).toMatch(/cannot be used: it belongs to another user \(uid \d+, mode 0755\)/);
    const after = statSync(foreign);
    expect([after.uid, after.mode]).toEqual([before.uid, before.mode]);
    expect(server.tokenRequests().length).toBe(sent);
  });

  test('reading profiles from a directory others can write to is refused too: a planted profile is never used', async () => {
    const shared = tempConfigDir();
    await seedProfiles(shared, [
      { connector: 'pingone', name: 'default', values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId }, secrets: { clientSecret: FAKE.clientSecret } },
    ]);
    chmodSync(shared, 0o777);
    const sent = server.tokenRequests().length;
    const result = await runCli(['pingone', '--verify'], { configDir: shared });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('others can write to it (mode 0777)');
    expect(server.tokenRequests().length).toBe(sent);
    expect(modeOf(shared)).toBe(0o777);
  });

  test('a directory of its own that is merely readable by others (0755) is used as it is, never re-moded', async () => {
    const mine = tempConfigDir();
    chmodSync(mine, 0o755);
    expect((await setup(mine)).code).toBe(0);
    expect(modeOf(mine)).toBe(0o755);
    expect(modeOf(path.join(mine, 'secrets.json'))).toBe(0o600);
  });

  test('a directory that does not exist yet is created owner-only (0700)', async () => {
    const missing = path.join(tempConfigDir(), 'new', 'connector-setup');
    expect((await setup(missing)).code).toBe(0);
    expect(modeOf(missing)).toBe(0o700);
  });
});

describe('a secrets file others can read', () => {
  test('is reported when read, and set to 0600 by the next save', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir)).code).toBe(0);
    const secretsFile = path.join(configDir, 'secrets.json');
    chmodSync(secretsFile, 0o644);

    const shown = await runCli(['profiles', 'show', 'pingone'], { configDir });
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain(`${secretsFile} can be read by others (mode 0644); the next save sets it to 0600 (now: chmod 600 ${secretsFile})`);
    expect(modeOf(secretsFile)).toBe(0o644);

    const saved = await setup(configDir);
    expect(saved.code).toBe(0);
    expect(saved.stderr).toContain('can be read by others (mode 0644)');
    expect(modeOf(secretsFile)).toBe(0o600);
    const again = await runCli(['profiles', 'show', 'pingone'], { configDir });
    expect(again.stderr).not.toContain('can be read by others');
    expectNoSecrets(shown.stdout + shown.stderr + saved.stdout + saved.stderr);
  });
});

describe('profile names that are also names of every JavaScript object', () => {
  const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

  test.each(NAMES)('"%s": not found until saved, then saved, shown and listed like any other profile', async (name) => {
    const configDir = tempConfigDir();
    // A file store with another profile in it, so the lookups go through real maps read from disk.
    await seedProfiles(configDir, [
      { connector: 'pingone', name: 'other', values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId }, secrets: { clientSecret: FAKE.clientSecret } },
    ]);
    const missing = await runCli(['profiles', 'show', 'pingone', name, '--json'], { configDir });
    expect(missing.code).toBe(2);
    expect(failure(missing).code).toBe('profile_not_found');
    const verify = await runCli(['pingone', '--verify', '--profile', name], { configDir });
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('profile_not_found');

    expect((await setup(configDir, name)).code).toBe(0);
    const shown = await runCli(['profiles', 'show', 'pingone', name, '--json'], { configDir });
    expect(shown.code).toBe(0);
    const profile = JSON.parse(shown.stdout);
    expect(profile).toMatchObject({ connector: 'pingone', profile: name, secretStore: 'file' });
    expect(profile.values).toMatchObject({ clientId: FAKE.clientId, authDomain: server.hostPort });
    const listed = JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir })).stdout).profiles.map((entry: { profile: string }) => entry.profile);
    expect(listed.sort()).toEqual([name, 'other'].sort());
    const secrets = JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.pingone;
    expect(Object.keys(secrets).sort()).toEqual([name, 'other'].sort());
    expect((await runCli(['pingone', '--verify', '--profile', name], { configDir })).code).toBe(0);
    expect((await runCli(['profiles', 'remove', 'pingone', name, '--yes'], { configDir })).code).toBe(0);
    const left = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone;
    expect(Object.keys(left)).toEqual(['other']);
  });

});
