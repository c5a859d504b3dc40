// Every command a hint prints can be pasted into the same shell: it names the profile that really holds the value,
// and starts the way this run was started (`npx connector-setup ...` under npx, `connector-setup ...` from PATH).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';

const USERNAME = 'cyclr.integration';
/** What npm puts in the environment of a command it runs for `npx`. */
const UNDER_NPX = { npm_command: 'exec', npm_lifecycle_event: 'npx' };

let server: InveniasServer;

beforeAll(async () => {
  server = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: USERNAME, password: FAKE.inveniasPassword }] });
});

afterAll(() => server.close());

function setup(configDir: string, args: string[] = [], env: Record<string, string> = {}) {
  return runCli(['invenias', '--subdomain', 'acme', '--base-url', server.origin, '--username', USERNAME, ...args], {
    configDir,
    env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', ...env },
  });
}

/** The command in "(... reveals it)" after the masked Client Secret. */
function revealCommand(stderr: string): string {
  const found = /Client Secret\s+\*{4}\S{4} {2}\((.+) reveals it\)/.exec(stderr);
  expect(found).not.toBeNull();
  return found?.[1] ?? '';
}

describe('the command that reveals a secret names the profile that holds it', () => {
  test('--profile ns2 --no-save: the new one-time secret is kept in ns2, and the hint says ns2, not default', async () => {
    const configDir = tempConfigDir();
    expect((await setup(configDir)).code).toBe(0);
    const result = await setup(configDir, ['--profile', 'ns2', '--no-save']);
    expect(result.code).toBe(0);
    const reveal = revealCommand(result.stderr);
    expect(reveal).toBe('connector-setup profiles show invenias ns2 --show-secrets');

    // Pasted, it shows the secret of the application this run created.
    const shown = await runCli(reveal.split(' ').slice(1), { configDir });
    expect(shown.code).toBe(0);
    const clientId = /Client ID\s+(\S+)/.exec(result.stderr)?.[1];
    const app = [...server.apps.values()].find((candidate) => candidate.clientId === clientId);
    expect(app).toBeDefined();
    expect(shown.stdout).toContain(app?.clientSecret);
  });

  test('a saved run in another profile names that profile', async () => {
    const result = await setup(tempConfigDir(), ['--profile', 'staging']);
    expect(result.code).toBe(0);
    expect(revealCommand(result.stderr)).toBe('connector-setup profiles show invenias staging --show-secrets');
  });
});

describe('hints start the way the tool was started', () => {
  test('under npx, the reveal command starts with npx connector-setup', async () => {
    const result = await setup(tempConfigDir(), [], UNDER_NPX);
    expect(result.code).toBe(0);
    expect(revealCommand(result.stderr)).toBe('npx connector-setup profiles show invenias default --show-secrets');
  });

  test('under npx, a Fix names npx connector-setup, on the terminal and in --json', async () => {
    const configDir = tempConfigDir();
    const human = await runCli(['profiles', 'show', 'invenias', 'nosuch'], { configDir, env: UNDER_NPX });
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('Fix: No Invenias profile is saved; run npx connector-setup invenias to make one.');

    const json = await runCli(['profiles', 'show', 'invenias', 'nosuch', '--json'], { configDir, env: UNDER_NPX });
    expect(JSON.parse(json.stdout).error.hint).toBe('No Invenias profile is saved; run npx connector-setup invenias to make one.');
  });

  test('under npx, an unknown connector points at npx connector-setup connectors', async () => {
    const result = await runCli(['verify', '--connector', 'nosuch'], { env: UNDER_NPX });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(see npx connector-setup connectors)');
  });

  test('from PATH (no npx), the same Fix names connector-setup alone', async () => {
    const result = await runCli(['profiles', 'show', 'invenias', 'nosuch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Fix: No Invenias profile is saved; run connector-setup invenias to make one.');
    expect(result.stderr).not.toContain('npx');
  });

  test('a script run by npm (npm run, not npx) is on PATH there: the bare name', async () => {
    const result = await runCli(['profiles', 'show', 'invenias', 'nosuch'], { env: { npm_command: 'run-script', npm_lifecycle_event: 'setup' } });
    expect(result.stderr).toContain('run connector-setup invenias to make one.');
    expect(result.stderr).not.toContain('npx');
  });
});
