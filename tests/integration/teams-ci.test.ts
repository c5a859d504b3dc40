// A profile travelling from a laptop to a team and its CI: the profile named by CONNECTOR_SETUP_PROFILE, where each
// value came from in --json, export in the formats CI systems and shells read, import as its inverse, and
// `verify --all` on a runner that has only the connectors' variables.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { openStore, seedProfiles } from '../helpers/profiles.js';

let server: PingOneServer;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(() => server.close());

async function savedPingOne(name: string, clientSecret: string = FAKE.clientSecret): Promise<string> {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [
    { connector: 'pingone', name, values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId }, secrets: { clientSecret } },
  ]);
  return configDir;
}

describe('CONNECTOR_SETUP_PROFILE', () => {
  test('names the profile --verify uses when --profile is not given', async () => {
    const configDir = await savedPingOne('staging');
    const result = await runCli(['pingone', '--verify', '--json'], { configDir, env: { CONNECTOR_SETUP_PROFILE: 'staging' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, profile: 'staging', values: { clientId: FAKE.clientId } });
  });

  test('--profile wins over it', async () => {
    const configDir = await savedPingOne('staging');
    const result = await runCli(['pingone', '--verify', '--json', '--profile', 'staging'], { configDir, env: { CONNECTOR_SETUP_PROFILE: 'production' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).profile).toBe('staging');
  });

  test('a profile it names that is not saved is profile_not_found (exit 2), as with --profile', async () => {
    const configDir = await savedPingOne('staging');
    const result = await runCli(['pingone', '--verify', '--json'], { configDir, env: { CONNECTOR_SETUP_PROFILE: 'production' } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('profile_not_found');
  });

  test('a name that is not a profile name is invalid_input naming the variable', async () => {
    const result = await runCli(['pingone', '--verify', '--json'], { env: { CONNECTOR_SETUP_PROFILE: '../etc' } });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('CONNECTOR_SETUP_PROFILE');
  });

  test('profiles show and export read the profile it names', async () => {
    const configDir = await savedPingOne('staging');
    const env = { CONNECTOR_SETUP_PROFILE: 'staging' };
    const shown = await runCli(['profiles', 'show', 'pingone', '--json'], { configDir, env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).profile).toBe('staging');
    const exported = await runCli(['profiles', 'export', 'pingone', '--format', 'json'], { configDir, env });
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).profile).toBe('staging');
  });

  test('a plain verify checks only the profile it names; verify --all checks every one', async () => {
    const configDir = await savedPingOne('staging');
    await seedProfiles(configDir, [
      { connector: 'pingone', name: 'other', values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId }, secrets: { clientSecret: FAKE.clientSecret } },
    ]);
    const env = { CONNECTOR_SETUP_PROFILE: 'staging' };
    const narrowed = JSON.parse((await runCli(['verify', '--json'], { configDir, env })).stdout);
    expect(narrowed.results.map((entry: { profile: string }) => entry.profile)).toEqual(['staging']);
    const all = JSON.parse((await runCli(['verify', '--all', '--json'], { configDir, env })).stdout);
    expect(all.results.map((entry: { profile: string }) => entry.profile)).toEqual(['other', 'staging']);
  });
});

describe('--json says where each value came from', () => {
  test('flag, env and saved profile are named per field, never with the values', async () => {
    const configDir = await savedPingOne('default');
    const result = await runCli(['pingone', '--verify', '--json', '--auth-domain', server.hostPort], {
      configDir,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
    });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.sources).toEqual({ clientId: 'profile', clientSecret: 'env', authDomain: 'flag', environmentId: 'profile' });
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a secret from --client-secret-stdin is "stdin", and a run that fails still says it', async () => {
    const result = await runCli(['pingone', '--verify', '--json', '--client-secret-stdin', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      stdin: `${FAKE.wrongSecret}\n`,
      env: { PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
    });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.sources).toEqual({ clientId: 'flag', clientSecret: 'stdin', authDomain: 'flag', environmentId: 'env' });
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('each entry of verify --all says its values came from the profile', async () => {
    const configDir = await savedPingOne('default');
    const document = JSON.parse((await runCli(['verify', '--all', '--json'], { configDir })).stdout);
    expect(document.results[0].sources).toEqual({ clientId: 'profile', clientSecret: 'profile', authDomain: 'profile', environmentId: 'profile' });
    expect(await openStore(configDir).list()).toHaveLength(1);
  });
});
