// Secrets in the OS keychain, against a real Secret Service (gnome-keyring-daemon on a private D-Bus
// session bus), and the fallback to the 0600 file when no keychain works.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';
import { type SecretService, startSecretService } from '../helpers/secret-service.js';

let server: PingOneServer;
let keyring: SecretService;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  keyring = await startSecretService();
});

afterAll(async () => {
  await server?.close();
  await keyring?.stop();
});

function setup(configDir: string, env: Record<string, string | undefined>, profile = 'default') {
  return runCli(
    ['pingone', '--no-input', '--profile', profile, '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'],
    { configDir, env, stdin: `${FAKE.clientSecret}\n` },
  );
}

const keychainItem = (profile: string) => ({ service: 'connector-setup', username: `pingone/${profile}` });

describe('secrets in the OS keychain (real Secret Service)', () => {
  test('setup saves the secret in the keychain, not on disk; verify, export and remove use it', async () => {
    const configDir = tempConfigDir();
    const saved = await setup(configDir, keyring.env);
    expect(saved.code).toBe(0);
    expectNoSecrets(saved.stdout + saved.stderr);
    expect(saved.stderr).not.toMatch(/keychain unavailable/i);

    // Another Secret Service client finds the item; no file holds the secret.
    const item = await keyring.lookup(keychainItem('default'));
    expect(JSON.parse(item ?? '{}')).toEqual({ clientSecret: FAKE.clientSecret });
    const profilesFile = readFileSync(path.join(configDir, 'profiles.json'), 'utf8');
    expect(JSON.parse(profilesFile).profiles.pingone.default.secretStore).toBe('keychain');
    expectNoSecrets(profilesFile);
    expect(existsSync(path.join(configDir, 'secrets.json')) ? readFileSync(path.join(configDir, 'secrets.json'), 'utf8') : '').not.toContain(FAKE.clientSecret);

    const listed = await runCli(['profiles', 'list', '--json'], { configDir, env: keyring.env });
    expect(JSON.parse(listed.stdout).profiles[0]).toMatchObject({ connector: 'pingone', name: 'default', secretStore: 'keychain' });

    const verified = await runCli(['verify', '--all', '--json'], { configDir, env: keyring.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).ok).toBe(true);
    expectNoSecrets(verified.stdout + verified.stderr);

    const exported = await runCli(['profiles', 'export', 'pingone', '--format', 'env'], { configDir, env: keyring.env });
    expect(exported.stdout).toContain(`export PINGONE_CLIENT_SECRET='${FAKE.clientSecret}'`);

    const removed = await runCli(['profiles', 'remove', 'pingone', 'default', '--yes'], { configDir, env: keyring.env });
    expect(removed.code).toBe(0);
    expect(await keyring.lookup(keychainItem('default'))).toBeUndefined();
    const after = await runCli(['profiles', 'show', 'pingone', 'default'], { configDir, env: keyring.env });
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('profile_not_found');
  });

  test('CONNECTOR_SETUP_SECRET_STORE=file keeps the secret in the 0600 file even with a keychain', async () => {
    const configDir = tempConfigDir();
    const saved = await setup(configDir, { ...keyring.env, CONNECTOR_SETUP_SECRET_STORE: 'file' }, 'filed');
    expect(saved.code).toBe(0);
    expect(await keyring.lookup(keychainItem('filed'))).toBeUndefined();
    const secretsFile = path.join(configDir, 'secrets.json');
    expect(readFileSync(secretsFile, 'utf8')).toContain(FAKE.clientSecret);
  });

  test('without a keychain: the file, with a one-line notice', async () => {
    const configDir = tempConfigDir();
    const saved = await setup(configDir, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(configDir, 'no-bus')}` });
    expect(saved.code).toBe(0);
    expect(saved.stderr.split('\n').filter((line) => /keychain unavailable/i.test(line))).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.default.secretStore).toBe('file');
    expectNoSecrets(saved.stdout + saved.stderr);
  });

  test('keychain forced but unavailable: exit 2 with the reason, nothing sent, nothing saved', async () => {
    const configDir = tempConfigDir();
    const before = server.requests.length;
    const saved = await setup(configDir, { CONNECTOR_SETUP_SECRET_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(configDir, 'no-bus')}` });
    expect(saved.code).toBe(2);
    expect(saved.stderr).toContain('keychain_unavailable');
    expect(saved.stderr).toMatch(/keychain is not available: .*no-bus/i);
    expect(server.requests.length).toBe(before);
    expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
  });

  test('8 setups at once into the keychain: every profile and every keychain item survives', async () => {
    const configDir = tempConfigDir();
    const names = Array.from({ length: 8 }, (_, index) => `parallel-${index}`);
    const runs = await Promise.all(names.map((name) => setup(configDir, keyring.env, name)));
    for (const run of runs) expect(run.code).toBe(0);
    const listed = JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir, env: keyring.env })).stdout);
    expect(listed.profiles.map((profile: { name: string; secretStore: string }) => `${profile.name}:${profile.secretStore}`)).toEqual(names.map((name) => `${name}:keychain`));
    for (const name of names) expect(JSON.parse((await keyring.lookup(keychainItem(name))) ?? '{}')).toEqual({ clientSecret: FAKE.clientSecret });
  });

  test('a profile saved in the file moves to the keychain when saved again, and leaves the file', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [
      { connector: 'pingone', name: 'moving', values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId }, secrets: { clientSecret: FAKE.clientSecret } },
    ]);
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).toContain(FAKE.clientSecret);
    const saved = await setup(configDir, keyring.env, 'moving');
    expect(saved.code).toBe(0);
    expect(JSON.parse((await keyring.lookup(keychainItem('moving'))) ?? '{}')).toEqual({ clientSecret: FAKE.clientSecret });
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).not.toContain(FAKE.clientSecret);
    expect(JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.moving.secretStore).toBe('keychain');
  });
});
