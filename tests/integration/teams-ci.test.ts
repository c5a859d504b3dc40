// A profile travelling from a laptop to a team and its CI: the profile named by CONNECTOR_SETUP_PROFILE, where each
// value came from in --json, export in the formats CI systems and shells read, import as its inverse, and
// `verify --all` on a runner that has only the connectors' variables.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
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

/** A secret with every character the formats must quote (secrets have no whitespace). */
const AWKWARD_SECRET = `FAKE-it's"a$secret\\\`0006\`#x'`;

async function exported(format: string, clientSecret: string = AWKWARD_SECRET): Promise<string> {
  const configDir = await savedPingOne('production', clientSecret);
  const result = await runCli(['profiles', 'export', 'pingone', 'production', '--format', format], { configDir });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

describe('profiles export --format', () => {
  test('fish: the real fish reads back exactly the values', async () => {
    const lines = await exported('fish');
    expect(lines).toContain(`set -gx PINGONE_CLIENT_ID '${FAKE.clientId}'`);
    const echoed = execFileSync('fish', ['--no-config', '-c', `${lines}\nprintf '%s|%s' "$PINGONE_CLIENT_SECRET" "$PINGONE_AUTH_DOMAIN"`], { encoding: 'utf8' });
    expect(echoed).toBe(`${AWKWARD_SECRET}|${server.hostPort}`);
  });

  test('env: bash and zsh read back exactly the values', async () => {
    const lines = await exported('env');
    for (const shell of ['bash', 'zsh']) {
      const echoed = execFileSync(shell, ['-c', `${lines}\nprintf '%s|%s' "$PINGONE_CLIENT_SECRET" "$PINGONE_ENVIRONMENT_ID"`], { encoding: 'utf8' });
      expect({ shell, echoed }).toEqual({ shell, echoed: `${AWKWARD_SECRET}|${FAKE.environmentId}` });
    }
  });

  test('dotenv: bare NAME=value lines where nothing needs quoting (what Docker --env-file takes verbatim)', async () => {
    const lines = await exported('dotenv', FAKE.clientSecret);
    expect(lines.trim().split('\n')).toEqual([
      `PINGONE_CLIENT_ID=${FAKE.clientId}`,
      `PINGONE_CLIENT_SECRET=${FAKE.clientSecret}`,
      `PINGONE_AUTH_DOMAIN=${server.hostPort}`,
      `PINGONE_ENVIRONMENT_ID=${FAKE.environmentId}`,
    ]);
    // A POSIX shell sourcing it with set -a (as many CI scripts load a .env) gets the same values.
    const echoed = execFileSync('sh', ['-c', `set -a\n${lines}\nprintf '%s' "$PINGONE_CLIENT_SECRET"`], { encoding: 'utf8' });
    expect(echoed).toBe(FAKE.clientSecret);
  });

  test('dotenv: a value with quotes, $ or # is double-quoted with \\ \\" \\$ escaped (godotenv, Docker Compose)', async () => {
    const lines = await exported('dotenv');
    expect(lines).toContain('PINGONE_CLIENT_SECRET="FAKE-it\'s\\"a\\$secret\\\\`0006`#x\'"');
  });

  test('powershell: $Env: assignments, single quotes doubled', async () => {
    const lines = await exported('powershell');
    expect(lines).toContain(`$Env:PINGONE_CLIENT_ID = '${FAKE.clientId}'`);
    expect(lines).toContain(`$Env:PINGONE_CLIENT_SECRET = '${AWKWARD_SECRET.replace(/'/g, "''")}'`);
  });

  test('an unknown format: exit 2, the formats named, nothing on stdout', async () => {
    const configDir = await savedPingOne('production');
    const result = await runCli(['profiles', 'export', 'pingone', 'production', '--format', 'yaml'], { configDir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('env, dotenv, json, fish or powershell');
  });
});

describe('profiles import', () => {
  test.each(['json', 'dotenv', 'env'])('what export --format %s wrote comes back as the same profile on another machine', async (format) => {
    const text = await exported(format);
    const laptop = tempConfigDir();
    const file = path.join(laptop, `production.${format}`);
    writeFileSync(file, text);
    const runner = tempConfigDir();
    const args = format === 'json' ? ['profiles', 'import', file] : ['profiles', 'import', file, '--profile', 'production'];
    const result = await runCli([...args, '--json'], { configDir: runner });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, connector: 'pingone', profile: 'production', replaced: false });
    const saved = await openStore(runner).get('pingone', 'production');
    expect(saved?.values).toEqual({ clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId });
    expect(saved?.secrets).toEqual({ clientSecret: AWKWARD_SECRET });
    expectNoSecrets(result.stdout + result.stderr, [AWKWARD_SECRET]);
  });

  test('from stdin, then verified with the imported values', async () => {
    const text = await exported('dotenv', FAKE.clientSecret);
    const runner = tempConfigDir();
    const imported = await runCli(['profiles', 'import', '-'], { configDir: runner, stdin: text });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Imported profile "default" (pingone)');
    const verified = await runCli(['pingone', '--verify', '--json'], { configDir: runner });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).sources.clientSecret).toBe('profile');
  });

  test('a different profile of the same name is kept unless --force; the same one is left alone', async () => {
    const runner = await savedPingOne('production', FAKE.clientSecret);
    const text = await exported('json', FAKE.wrongSecret);
    const refused = await runCli(['profiles', 'import', '--json'], { configDir: runner, stdin: text });
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.message).toContain('already saved; nothing was imported');
    expect((await openStore(runner).get('pingone', 'production'))?.secrets).toEqual({ clientSecret: FAKE.clientSecret });

    const again = await runCli(['profiles', 'import', '--json'], { configDir: runner, stdin: await exported('json', FAKE.clientSecret) });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: true, replaced: false });

    const forced = await runCli(['profiles', 'import', '--force', '--json'], { configDir: runner, stdin: text });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ replaced: true });
    const saved = await openStore(runner).get('pingone', 'production');
    expect(saved?.secrets).toEqual({ clientSecret: FAKE.wrongSecret });
    expect(saved?.lastVerified).toBeNull();
    expectNoSecrets(refused.stdout + refused.stderr + forced.stdout + forced.stderr);
  });

  test.each([
    ['a value that is not valid', 'invalid_input', 'Auth Domain', `PINGONE_CLIENT_ID=${FAKE.clientId}\nPINGONE_CLIENT_SECRET=${FAKE.clientSecret}\nPINGONE_AUTH_DOMAIN=auth..pingone..eu\nPINGONE_ENVIRONMENT_ID=${FAKE.environmentId}\n`],
    ['a value a verify needs is missing', 'missing_input', 'Auth Domain', `PINGONE_CLIENT_ID=${FAKE.clientId}\nPINGONE_CLIENT_SECRET=${FAKE.clientSecret}\n`],
    ['another connector variable', 'invalid_input', 'INVENIAS_SUBDOMAIN is not a PingOne variable', `PINGONE_CLIENT_ID=${FAKE.clientId}\nINVENIAS_SUBDOMAIN=acme\n`],
    ['a line that is not NAME=value', 'invalid_input', 'Line 1', `PINGONE_CLIENT_ID ${FAKE.clientId}\n`],
    ['JSON without values', 'invalid_input', 'no "values" object', '{"connector": "pingone"}'],
    ['a quote not closed', 'invalid_input', 'not closed', `PINGONE_CLIENT_SECRET='${FAKE.clientSecret}\n`],
  ])('%s: exit 2 (%s), nothing saved, no secret repeated', async (_what, code, words, text) => {
    const runner = tempConfigDir();
    const result = await runCli(['profiles', 'import', '--json'], { configDir: runner, stdin: text });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
    expect(await openStore(runner).list()).toEqual([]);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('--connector that contradicts the file is refused', async () => {
    const result = await runCli(['profiles', 'import', '--connector', 'invenias', '--json'], { stdin: await exported('json', FAKE.clientSecret) });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('is a pingone profile, not invenias');
  });
});

describe('verify --all on a clean CI runner: variables only', () => {
  const pingoneVariables = () => ({
    PINGONE_CLIENT_ID: FAKE.clientId,
    PINGONE_CLIENT_SECRET: FAKE.clientSecret,
    PINGONE_AUTH_DOMAIN: server.hostPort,
    PINGONE_ENVIRONMENT_ID: FAKE.environmentId,
  });

  test('the README recipe: a fresh HOME, no config directory, verify --all --junit passes and the JUnit parses', async () => {
    const home = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'runner-home-'));
    const junit = path.join(home, 'reports', 'connector-setup.xml');
    const before = server.tokenRequests().length;
    const result = await runCliProcess(['verify', '--all', '--json', '--junit', junit], {
      env: { ...pingoneVariables(), HOME: home, XDG_CONFIG_HOME: undefined, CONNECTOR_SETUP_CONFIG_DIR: undefined },
    });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(true);
    expect(document.results).toHaveLength(1);
    expect(document.results[0]).toMatchObject({ ok: true, connector: 'pingone', profile: 'env', values: { clientId: FAKE.clientId, authDomain: server.hostPort } });
    expect(document.results[0].sources).toEqual({ clientId: 'env', clientSecret: 'env', authDomain: 'env', environmentId: 'env' });
    expect(server.tokenRequests().slice(before)).toHaveLength(1);
    // A real XML parser reads the report: one suite, one passing testcase.
    const count = (xpath: string) => execFileSync('xmllint', ['--xpath', xpath, junit], { encoding: 'utf8' }).trim();
    expect(count('count(//testsuite)')).toBe('1');
    expect(count('count(//testcase[@name="pingone/env"])')).toBe('1');
    expect(count('count(//failure|//error)')).toBe('0');
    // Nothing was saved on the runner: the only file is the report.
    expect(readdirSync(home)).toEqual(['reports']);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a wrong secret in the variables fails the run (exit 1) and the report says so', async () => {
    const configDir = tempConfigDir();
    const junit = path.join(configDir, 'report.xml');
    const result = await runCli(['verify', '--all', '--json', '--junit', junit], { configDir, env: { ...pingoneVariables(), PINGONE_CLIENT_SECRET: FAKE.wrongSecret } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).results[0]).toMatchObject({ ok: false, profile: 'env', error: { code: 'invalid_client' } });
    expect(execFileSync('xmllint', ['--xpath', 'count(//failure[@type="invalid_client"])', junit], { encoding: 'utf8' }).trim()).toBe('1');
    expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('saved profiles, when there are any, are what verify --all checks: the variables do not add one', async () => {
    const configDir = await savedPingOne('production');
    const document = JSON.parse((await runCli(['verify', '--all', '--json'], { configDir, env: pingoneVariables() })).stdout);
    expect(document.results.map((entry: { profile: string }) => entry.profile)).toEqual(['production']);
  });

  test('some variables but not all: exit 2, naming the missing ones', async () => {
    const { PINGONE_AUTH_DOMAIN: _left, ...rest } = pingoneVariables();
    const result = await runCli(['verify', '--all', '--json'], { env: rest });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('profile_not_found');
    expect(error.hint).toContain('PingOne lacks PINGONE_AUTH_DOMAIN');
  });

  test('neither profiles nor variables: exit 2 as before', async () => {
    const result = await runCli(['verify', '--all', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'profile_not_found', message: 'There are no saved profiles to verify.' });
  });
});
