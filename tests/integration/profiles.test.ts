// `profiles list|show|export|remove`: what a person sees, what a CI job can pipe, and where secrets must not show.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { seedProfiles } from '../helpers/profiles.js';
import { startPty } from '../helpers/pty.js';

const QUOTED_SECRET = "FAKE-it's a $secret `0006`";
const staging = {
  connector: 'pingone',
  name: 'staging',
  values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId },
  secrets: { clientSecret: FAKE.clientSecret },
  lastVerified: '2026-11-01T10:00:00.000Z',
};
const production = {
  connector: 'pingone',
  name: 'production',
  values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.com', environmentId: FAKE.otherEnvironmentId },
  secrets: { clientSecret: QUOTED_SECRET },
  expiresOn: '2031-01-01T00:00:00.000Z',
};
const SECRETS = [FAKE.clientSecret, QUOTED_SECRET];

async function seeded(): Promise<string> {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [staging, production]);
  return configDir;
}

describe('profiles list', () => {
  test('piped: one block per profile, its values under their labels, dates as show prints them; no secrets', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'list'], { configDir, clockStart: Date.parse('2026-12-01T00:00:00Z') });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'pingone production',
        `  Client ID         ${FAKE.clientId}`,
        '  Auth Domain       auth.pingone.com',
        `  Environment ID    ${FAKE.otherEnvironmentId}`,
        '  Secret stored in  file',
        '  Last verified     never',
        '  Expires on        2031-01-01',
        '',
        'pingone staging',
        `  Client ID         ${FAKE.clientId}`,
        '  Auth Domain       auth.pingone.eu',
        `  Environment ID    ${FAKE.environmentId}`,
        '  Secret stored in  file',
        '  Last verified     2026-11-01 10:00 UTC',
        '',
      ].join('\n'),
    );
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('--json: {"profiles": [...]} with the non-secret values only', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'list', '--json'], { configDir });
    expect(result.code).toBe(0);
    const { profiles } = JSON.parse(result.stdout);
    expect(profiles).toEqual([
      { connector: 'pingone', profile: 'production', name: 'production', values: production.values, secretStore: 'file', lastVerified: null, expiresOn: production.expiresOn },
      { connector: 'pingone', profile: 'staging', name: 'staging', values: staging.values, secretStore: 'file', lastVerified: staging.lastVerified, expiresOn: null },
    ]);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('no profiles: an empty list, exit 0', async () => {
    const result = await runCli(['profiles', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ profiles: [] });
  });
});

describe('profiles show', () => {
  test('secrets masked as **** plus the last four characters', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'show', 'pingone', 'staging'], { configDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expect(result.stdout).toMatch(new RegExp(`Client ID\\s+${FAKE.clientId}`));
    expect(result.stdout).toMatch(/Last verified\s+2026-11-01 10:00 UTC\n/);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);

    const json = await runCli(['profiles', 'show', 'pingone', 'staging', '--json'], { configDir });
    expect(JSON.parse(json.stdout).values.clientSecret).toBe('****0001');
    expectNoSecrets(json.stdout + json.stderr, SECRETS);
  });

  test('--show-secrets reveals them', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'show', 'pingone', 'production', '--show-secrets', '--json'], { configDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values.clientSecret).toBe(QUOTED_SECRET);
  });

  test('an unknown profile: exit 2, profile_not_found; an unknown connector: exit 2', async () => {
    const configDir = await seeded();
    const missing = await runCli(['profiles', 'show', 'pingone'], { configDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No PingOne profile named "default"');
    expect(missing.stderr).toContain('profile_not_found');
    const json = await runCli(['profiles', 'show', 'pingone', 'nope', '--json'], { configDir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.code).toBe('profile_not_found');
    const unknown = await runCli(['profiles', 'show', 'salesforce', 'staging'], { configDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown connector "salesforce"');
  });
});

describe('profiles show, when the secret is gone from its store', () => {
  test('it says which secret is missing and how to enter it again, on stderr and in --json', async () => {
    const configDir = await seeded();
    const secretsFile = path.join(configDir, 'secrets.json');
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));
    delete secrets.secrets.pingone.staging;
    writeFileSync(secretsFile, JSON.stringify(secrets));
    const result = await runCli(['profiles', 'show', 'pingone', 'staging'], { configDir });
    expect(result.code).toBe(0);
    const warning = result.stderr.replace(/\s+/g, ' ');
    expect(warning).toContain(`! The Client Secret of profile "staging" (pingone) is not in ${secretsFile}: a verify of it fails until it is entered again (connector-setup pingone --profile staging).`);
    const json = JSON.parse((await runCli(['profiles', 'show', 'pingone', 'staging', '--json'], { configDir })).stdout);
    expect(json.missingSecrets).toEqual(['clientSecret']);
    const intact = JSON.parse((await runCli(['profiles', 'show', 'pingone', 'production', '--json'], { configDir })).stdout);
    expect(intact.missingSecrets).toEqual([]);
  });
});

describe('profiles export', () => {
  test('--format env: export lines a shell reads back exactly, secrets included', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'export', 'pingone', 'production', '--format', 'env'], { configDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`export PINGONE_CLIENT_ID='${FAKE.clientId}'`);
    expect(result.stderr).toBe('');
    const echoed = execFileSync('sh', ['-c', `${result.stdout}\nprintf '%s|%s|%s|%s' "$PINGONE_CLIENT_ID" "$PINGONE_CLIENT_SECRET" "$PINGONE_AUTH_DOMAIN" "$PINGONE_ENVIRONMENT_ID"`], {
      encoding: 'utf8',
    });
    expect(echoed).toBe(`${FAKE.clientId}|${QUOTED_SECRET}|auth.pingone.com|${FAKE.otherEnvironmentId}`);
  });

  test('--format json: every value, secrets included', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'export', 'pingone', 'staging', '--format', 'json'], { configDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ connector: 'pingone', profile: 'staging', values: { ...staging.values, ...staging.secrets } });
  });

  test('on a terminal it asks before printing secrets; "no" prints nothing', async () => {
    const configDir = await seeded();
    const terminal = startPty(['profiles', 'export', 'pingone', 'staging'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
    await terminal.waitFor('(y/N)');
    expect(terminal.screen()).toContain('Print the secrets of profile "staging" (pingone) in clear text on this terminal?');
    terminal.type('n\r');
    expect(await terminal.exit).toBe(2);
    expect(terminal.screen()).toContain('Nothing was printed');
    expectNoSecrets(terminal.raw(), SECRETS);
  });

  test('on a terminal "yes" prints them, and --show-secrets prints them without asking', async () => {
    const configDir = await seeded();
    const asked = startPty(['profiles', 'export', 'pingone', 'staging'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
    await asked.waitFor('(y/N)');
    asked.type('y\r');
    expect(await asked.exit).toBe(0);
    expect(asked.screen()).toContain(`export PINGONE_CLIENT_SECRET='${FAKE.clientSecret}'`);
    const shown = startPty(['profiles', 'export', 'pingone', 'staging', '--show-secrets'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
    expect(await shown.exit).toBe(0);
    expect(shown.screen()).not.toContain('(y/N)');
    expect(shown.screen()).toContain(`export PINGONE_CLIENT_SECRET='${FAKE.clientSecret}'`);
  });

  test('a bad --format or an unknown profile: exit 2 and nothing on stdout', async () => {
    const configDir = await seeded();
    const format = await runCli(['profiles', 'export', 'pingone', 'staging', '--format', 'yaml'], { configDir });
    expect(format.code).toBe(2);
    expect(format.stdout).toBe('');
    const missing = await runCli(['profiles', 'export', 'pingone', 'nope'], { configDir });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('profile_not_found');
  });
});

describe('profiles remove', () => {
  test('removes the profile and its secret, and leaves the others', async () => {
    const configDir = await seeded();
    const result = await runCli(['profiles', 'remove', 'pingone', 'staging', '--yes'], { configDir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Removed profile "staging"');
    const secrets = readFileSync(path.join(configDir, 'secrets.json'), 'utf8');
    expect(secrets).not.toContain(FAKE.clientSecret);
    expect(JSON.parse(secrets).secrets.pingone.production).toEqual({ clientSecret: QUOTED_SECRET });
    const listed = JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir })).stdout);
    expect(listed.profiles.map((profile: { profile: string }) => profile.profile)).toEqual(['production']);
    const again = await runCli(['profiles', 'remove', 'pingone', 'staging', '--yes'], { configDir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('profile_not_found');
  });
});

describe('a damaged profile file', () => {
  test('every command reports it with its path (exit 2, config_damaged) and leaves it untouched', async () => {
    const configDir = await seeded();
    const file = path.join(configDir, 'profiles.json');
    const damaged = '{"schemaVersion": 1, "profiles": {"pingone": {"staging": ';
    writeFileSync(file, damaged);
    for (const args of [['profiles', 'list'], ['profiles', 'show', 'pingone', 'staging'], ['profiles', 'remove', 'pingone', 'staging'], ['verify', '--all']]) {
      const result = await runCli(args, { configDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('config_damaged');
      expect(result.stderr).toContain(file);
    }
    const json = await runCli(['verify', '--all', '--json'], { configDir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'config_damaged' });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  test('a profile file from a newer version is not touched either', async () => {
    const configDir = await seeded();
    const file = path.join(configDir, 'profiles.json');
    const newer = JSON.stringify({ schemaVersion: 2, profiles: {} });
    writeFileSync(file, newer);
    const result = await runCli(['profiles', 'list', '--json'], { configDir });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('schemaVersion is 2');
    expect(readFileSync(file, 'utf8')).toBe(newer);
  });
});
