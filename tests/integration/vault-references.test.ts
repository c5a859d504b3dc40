// The CLI with the team's secrets in its vault: a profile that keeps a reference instead of a copy, read through
// the vault's own CLI whenever a command needs the value, and --store writing new secrets there. pass is the real
// one with a throwaway GnuPG key; op is the stand-in of tests/helpers/vault-tools.ts (docs/vaults.md).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { openStore } from '../helpers/profiles.js';
import { type PassStore, type StandIns, startPassStore, startStandIns } from '../helpers/vault-tools.js';

let server: PingOneServer;
let invenias: InveniasServer;
let pass: PassStore;
let tools: StandIns;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: 'cyclr.api', password: FAKE.inveniasPassword }] });
  pass = await startPassStore();
  tools = await startStandIns();
});

afterAll(async () => {
  await tools?.stop();
  await pass?.stop();
  await server?.close();
  await invenias?.close();
});

const signedIn = () => ({ ...tools.env, OP_SERVICE_ACCOUNT_TOKEN: 'FAKE-op-token' });

/** Every file the tool wrote in the config directory, concatenated: no secret may be among them. */
function onDisk(configDir: string): string {
  return readdirSync(configDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => readFileSync(path.join(configDir, name), 'utf8'))
    .join('\n');
}

function dotenv(secret: string): string {
  return [
    `PINGONE_CLIENT_ID=${FAKE.clientId}`,
    `PINGONE_CLIENT_SECRET=${secret}`,
    `PINGONE_AUTH_DOMAIN=${server.hostPort}`,
    `PINGONE_ENVIRONMENT_ID=${FAKE.environmentId}`,
    '',
  ].join('\n');
}

const setupArgs = () => ['pingone', '--no-input', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId];

describe('a profile whose secret is a pass reference (the real pass)', () => {
  test('imported, shown as the reference, verified by reading pass; the value is never on disk', async () => {
    await pass.insert('team/pingone/production', `${FAKE.clientSecret}\nnotes: the Cyclr worker`);
    const configDir = tempConfigDir();
    const imported = await runCli(['profiles', 'import', '--profile', 'production'], { configDir, stdin: dotenv('pass:team/pingone/production'), env: pass.env });
    expect(imported.code).toBe(0);

    const shown = await runCli(['profiles', 'show', 'pingone', 'production', '--json'], { configDir, env: pass.env });
    const document = JSON.parse(shown.stdout);
    expect(document.values.clientSecret).toBe('pass:team/pingone/production');
    expect(document.references).toEqual({ clientSecret: 'pass:team/pingone/production' });
    const listed = await runCli(['profiles', 'list'], { configDir, env: pass.env });
    expect(listed.stdout).toMatch(/^pingone production\n(  .*\n)*  Client Secret +pass:team\/pingone\/production\n(  .*\n)*  Secret stored in +pass\n  Last verified +never\n/);
    const human = await runCli(['profiles', 'show', 'pingone', 'production'], { configDir, env: pass.env });
    expect(human.stdout).toMatch(/Secret stored in\s+the team vault \(pass\), read when used/);

    const verified = await runCli(['pingone', '--verify', '--json', '--profile', 'production'], { configDir, env: pass.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).sources.clientSecret).toBe('reference');
    const batch = await runCli(['verify', '--all', '--json'], { configDir, env: pass.env });
    expect(batch.code).toBe(0);

    expect(onDisk(configDir)).toContain('pass:team/pingone/production');
    expectNoSecrets(onDisk(configDir) + imported.stderr + shown.stdout + human.stdout + verified.stdout + verified.stderr + batch.stdout);
  });

  test('a saved reference is a credential of the profile too: another Auth Domain is refused before anything is sent', async () => {
    await pass.insert('team/pingone/elsewhere', FAKE.clientSecret);
    const configDir = tempConfigDir();
    const imported = await runCli(['profiles', 'import', '--profile', 'production'], { configDir, stdin: dotenv('pass:team/pingone/elsewhere'), env: pass.env });
    expect(imported.code).toBe(0);
    const other = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
    try {
      // The Client ID given too: only the secret, a saved reference, would come from the profile.
      const result = await runCli(['pingone', '--verify', '--json', '--profile', 'production', '--client-id', FAKE.clientId, '--auth-domain', other.hostPort], { configDir, env: pass.env });
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout).error.code).toBe('location_mismatch');
      expect(other.requests).toHaveLength(0);
      expectNoSecrets(result.stdout + result.stderr);
    } finally {
      await other.close();
    }
  });

  test('exported as the reference, so the machine that imports it reads its own pass', async () => {
    await pass.insert('team/pingone/staging', FAKE.clientSecret);
    const configDir = tempConfigDir();
    await runCli(['profiles', 'import', '--profile', 'staging'], { configDir, stdin: dotenv('pass:team/pingone/staging'), env: pass.env });
    const exported = await runCli(['profiles', 'export', 'pingone', 'staging', '--format', 'dotenv'], { configDir, env: pass.env });
    expect(exported.stdout).toContain('PINGONE_CLIENT_SECRET=pass:team/pingone/staging');
    expectNoSecrets(exported.stdout);
  });

  test('setup --store pass:PREFIX writes the secret into pass from stdin and saves only its reference', async () => {
    const configDir = tempConfigDir();
    const result = await runCli([...setupArgs(), '--store', 'pass:cyclr'], { configDir, env: { ...pass.env, PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(0);
    expect(await pass.show('cyclr/pingone/default/clientSecret')).toBe(`${FAKE.clientSecret}\n`);
    const saved = await openStore(configDir).get('pingone', 'default');
    expect(saved?.references).toEqual({ clientSecret: 'pass:cyclr/pingone/default/clientSecret' });
    expect(saved?.secrets).toEqual({});
    expectNoSecrets(onDisk(configDir) + result.stdout + result.stderr);

    // Later runs read it from pass, with nothing in the environment.
    const verified = await runCli(['pingone', '--verify', '--json'], { configDir, env: pass.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).sources.clientSecret).toBe('reference');
  });

  test('an entry that is gone: reference_unresolved (exit 2), naming the reference, nothing sent', async () => {
    const configDir = tempConfigDir();
    await runCli(['profiles', 'import'], { configDir, stdin: dotenv('pass:team/nowhere'), env: pass.env });
    const before = server.tokenRequests().length;
    const result = await runCli(['pingone', '--verify', '--json'], { configDir, env: pass.env });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('reference_unresolved');
    expect(error.message).toContain('pass:team/nowhere');
    expect(server.tokenRequests().length).toBe(before);
  });
});

describe('a reference given in a CI variable or on stdin', () => {
  test('verify --all on a clean runner reads PINGONE_CLIENT_SECRET=pass:… from pass', async () => {
    await pass.insert('ci/pingone', FAKE.clientSecret);
    const configDir = tempConfigDir();
    const variables = Object.fromEntries(dotenv('pass:ci/pingone').trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    const result = await runCli(['verify', '--all', '--json'], { configDir, env: { ...pass.env, ...variables } });
    expect(result.code).toBe(0);
    const entry = JSON.parse(result.stdout).results[0];
    expect(entry).toMatchObject({ ok: true, profile: 'env' });
    expect(entry.sources.clientSecret).toBe('reference');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a setup given a reference on stdin saves the reference, not the value', async () => {
    await pass.insert('ci/pingone-stdin', FAKE.clientSecret);
    const configDir = tempConfigDir();
    const result = await runCli([...setupArgs(), '--client-secret-stdin'], { configDir, stdin: 'pass:ci/pingone-stdin\n', env: pass.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sources.clientSecret).toBe('reference');
    const saved = await openStore(configDir).get('pingone', 'default');
    expect(saved?.references).toEqual({ clientSecret: 'pass:ci/pingone-stdin' });
    expect(saved?.secrets).toEqual({});
    expectNoSecrets(onDisk(configDir) + result.stdout + result.stderr);
  });
});

describe('--store op:VAULT and op:// references (op stand-in)', () => {
  test('CONNECTOR_SETUP_SECRET_STORE=op:VAULT: op item create gets the secret on stdin, never as an argument', async () => {
    const configDir = tempConfigDir();
    const result = await runCli(setupArgs(), { configDir, env: { ...signedIn(), CONNECTOR_SETUP_SECRET_STORE: 'op:Engineering', PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(0);
    const item = tools.state().op.Engineering?.find((each) => each.title === 'connector-setup pingone default');
    expect(item?.fields).toEqual([expect.objectContaining({ label: 'clientSecret', value: FAKE.clientSecret })]);
    const saved = await openStore(configDir).get('pingone', 'default');
    expect(saved?.references).toEqual({ clientSecret: `op://Engineering/${item?.id}/clientSecret` });
    for (const call of tools.calls()) expectNoSecrets(call.args.join(' '));
    expectNoSecrets(onDisk(configDir) + result.stdout + result.stderr);

    const verified = await runCli(['verify', '--all', '--json'], { configDir, env: signedIn() });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).results[0].sources.clientSecret).toBe('reference');
  });

  test('not signed in to op: the setup stops before anything is sent (store_unavailable, exit 2, op signin named)', async () => {
    const before = server.tokenRequests().length;
    const result = await runCli([...setupArgs(), '--store', 'op:Engineering'], { env: { ...tools.env, PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('store_unavailable');
    expect(error.hint).toContain('op signin');
    expect(server.tokenRequests().length).toBe(before);
  });

  test('a saved op:// reference when op is signed out: verify --all reports store_unavailable for that profile', async () => {
    const configDir = tempConfigDir();
    await runCli(['profiles', 'import'], { configDir, stdin: dotenv('op://Engineering/pingone/credential') });
    const result = await runCli(['verify', '--all', '--json'], { configDir, env: tools.env });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).results[0].error).toMatchObject({ code: 'store_unavailable' });
  });

  test('--store that names no store: invalid_input before anything is sent', async () => {
    const before = server.tokenRequests().length;
    const result = await runCli([...setupArgs(), '--store', 's3:bucket'], { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('--store must be keychain, file, op:VAULT, vault:PATH or pass:PREFIX');
    expect(server.tokenRequests().length).toBe(before);
  });

  test('removing the profile leaves the vault item alone, and says so', async () => {
    const configDir = tempConfigDir();
    await runCli(['profiles', 'import', '--profile', 'shared'], { configDir, stdin: dotenv('op://Engineering/pingone/credential') });
    const result = await runCli(['profiles', 'remove', 'pingone', 'shared', '--yes'], { configDir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('still in the team vault: op://Engineering/pingone/credential');
    expect(tools.calls().filter((call) => call.args[0] === 'item' && call.args[1] === 'delete')).toEqual([]);
  });
});

describe('Invenias: a secret shown once goes to the team vault', () => {
  const create = (store: string, env: Record<string, string>) =>
    runCli(['invenias', '--json', '--subdomain', 'acme', '--base-url', invenias.origin, '--store', store], {
      env: { ...env, INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_USERNAME: 'cyclr.api', INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });

  test('--store pass:PREFIX: the new Client Secret and the password are written to pass, the profile keeps references', async () => {
    const before = invenias.createRequests().length;
    const configDir = tempConfigDir();
    const result = await runCli(['invenias', '--json', '--subdomain', 'acme', '--base-url', invenias.origin, '--store', 'pass:acme-team'], {
      configDir,
      env: { ...pass.env, INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_USERNAME: 'cyclr.api', INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });
    expect(result.code).toBe(0);
    expect(invenias.createRequests().length).toBe(before + 1);
    const saved = await openStore(configDir).get('invenias', 'default');
    expect(saved?.references).toEqual({ clientSecret: 'pass:acme-team/invenias/default/clientSecret', password: 'pass:acme-team/invenias/default/password' });
    expect(saved?.secrets).toEqual({});
    expect(await pass.show('acme-team/invenias/default/password')).toBe(`${FAKE.inveniasPassword}\n`);
    expectNoSecrets(onDisk(configDir) + result.stdout + result.stderr);
  });

  test('a store that cannot be written: nothing is created in Invenias (store_unavailable, exit 2)', async () => {
    const before = invenias.createRequests().length;
    const result = await create('op:Engineering', tools.env);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('store_unavailable');
    expect(invenias.createRequests().length).toBe(before);
  });
});
