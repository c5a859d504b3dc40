// Secrets in the OS keychain, against a real Secret Service (gnome-keyring-daemon on a private D-Bus
// session bus), and the fallback to the 0600 file when no keychain works.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ROOT, baseEnv, runCli, tempConfigDir } from '../helpers/cli.js';
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

/**
 * What connector-setup 0.1.0 did with an item: @napi-rs/keyring (now a devDependency for this alone), in a process
 * of its own on the test keyring's bus. With `value` it stores it; without, it prints the stored one.
 */
function keyringOf010(account: string, value?: string): Promise<string> {
  const script = `const { Entry } = await import('@napi-rs/keyring');
const entry = new Entry('connector-setup', process.env.ACCOUNT, { linux: { store: 'secret-service' } });
let input = '';
for await (const chunk of process.stdin) input += chunk;
if (input) entry.setPassword(input);
else process.stdout.write(entry.getPassword() ?? '');`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: baseEnv({ ...keyring.env, ACCOUNT: account }), encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(value ?? '');
  });
}

function secretTool(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('secret-tool', args, { env: baseEnv(keyring.env), encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(error) : resolve(stdout + stderr))),
  );
}

/** How many items hold these attributes (secret-tool prints each one's path as a "[/…]" line). */
const itemCount = async (attributes: Record<string, string>): Promise<number> =>
  (await secretTool(['search', '--all', ...Object.entries(attributes).flat()])).split('\n').filter((line) => line.startsWith('[/')).length;

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

  test('an item 0.1.0 wrote through @napi-rs/keyring is read, replaced and removed; 0.1.0 reads what this version writes', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir, keyring.env, 'legacy')).code).toBe(0);
    // The profile now points at the keychain; its item is swapped for one the native binding writes.
    await secretTool(['clear', ...Object.entries(keychainItem('legacy')).flat()]);
    await keyringOf010('pingone/legacy', JSON.stringify({ clientSecret: FAKE.clientSecret }));
    expect(await itemCount(keychainItem('legacy'))).toBe(1);

    const verified = await runCli(['pingone', '--verify', '--profile', 'legacy', '--json'], { configDir, env: keyring.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, profile: 'legacy' });
    const shown = await runCli(['profiles', 'show', 'pingone', 'legacy', '--show-secrets', '--json'], { configDir, env: keyring.env });
    expect(JSON.parse(shown.stdout).values.clientSecret).toBe(FAKE.clientSecret);

    // Saved again: the same item is replaced (one item, not two), and the binding reads it back.
    expect((await setup(configDir, keyring.env, 'legacy')).code).toBe(0);
    expect(await itemCount(keychainItem('legacy'))).toBe(1);
    expect(JSON.parse(await keyringOf010('pingone/legacy'))).toEqual({ clientSecret: FAKE.clientSecret });

    await keyringOf010('pingone/legacy', JSON.stringify({ clientSecret: FAKE.clientSecret }));
    const removed = await runCli(['profiles', 'remove', 'pingone', 'legacy', '--yes'], { configDir, env: keyring.env });
    expect(removed.code).toBe(0);
    expect(await keyring.lookup(keychainItem('legacy'))).toBeUndefined();
  });
});
