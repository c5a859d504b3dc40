// A run that cannot ask says everything that is missing or refused in one go, and its hint offers the way to be
// asked that works for how it was run: --verify never asks, --no-input can be dropped, a script needs a terminal.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { runInProcess } from '../helpers/in-process.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';

let invenias: InveniasServer;

beforeAll(async () => {
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: 'cyclr.integration', password: FAKE.inveniasPassword }] });
});

afterAll(() => invenias.close());

function errorOf(stdout: string): { code: string; message: string; hint: string } {
  return JSON.parse(stdout).error;
}

describe('every missing value in one run', () => {
  test('invenias --no-input with nothing given names the Subdomain, the API Key and the rest at once', async () => {
    const result = await runCli(['invenias', '--no-input', '--json'], { configDir: tempConfigDir() });
    expect(result.code).toBe(2);
    const error = errorOf(result.stdout);
    expect(error.code).toBe('missing_input');
    expect(error.message).toBe(
      'Missing Subdomain, API Key, Username, Password, Service Domain (to create an application; for an existing one pass --client-id and INVENIAS_CLIENT_SECRET).',
    );
    for (const where of ['--subdomain', 'INVENIAS_API_KEY', '--username', 'INVENIAS_PASSWORD', 'CYCLR_SERVICE_DOMAIN']) expect(error.hint).toContain(where);
  });

  test('invenias with an existing application but no subdomain and no user: all named at once', async () => {
    const result = await runCli(['invenias', '--client-id', 'app-0001', '--json'], { configDir: tempConfigDir(), env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret } });
    expect(result.code).toBe(2);
    expect(errorOf(result.stdout).message).toBe('Missing Subdomain, Username, Password.');
  });
});

describe('every refused value in one run', () => {
  test('pingone --client-id 1234 --environment-id zzz --auth-domain x/evil: all three are reported', async () => {
    const result = await runCli(['pingone', '--no-input', '--client-id', '1234', '--environment-id', 'zzz', '--auth-domain', 'x/evil', '--json'], { configDir: tempConfigDir() });
    expect(result.code).toBe(2);
    const error = errorOf(result.stdout);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('3 values were refused');
    expect(error.message).toContain('Client ID must be a UUID');
    expect(error.message).toContain('(from --client-id)');
    expect(error.message).toContain('(from --environment-id)');
    expect(error.message).toContain('Auth Domain must be a host name only');
    expect(error.message).toContain('(from --auth-domain)');
  });

  test('one refused value is reported as before, alone', async () => {
    const result = await runCli(['pingone', '--no-input', '--client-id', '1234', '--json'], { configDir: tempConfigDir() });
    expect(errorOf(result.stdout).message).toBe('Client ID must be a UUID such as 01234567-89ab-cdef-0123-456789abcdef. (from --client-id)');
  });
});

describe('the hint offers the way to be asked that works', () => {
  test('pingone --verify in a terminal: --verify never asks, so the hint says to drop it, not to use a terminal', async () => {
    const result = await runInProcess(['pingone', '--verify', '--json'], { answers: [], env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    const { hint } = errorOf(result.stdout);
    expect(hint).toContain('--verify never asks; drop --verify to be asked');
    expect(hint).not.toContain('in a terminal');
  });

  test('pingone --verify in a script: the values are the only way, nothing else is offered', async () => {
    const result = await runCli(['pingone', '--verify', '--json'], { configDir: tempConfigDir() });
    const { hint } = errorOf(result.stdout);
    expect(hint).toMatch(/^Pass Client ID: --client-id or set PINGONE_CLIENT_ID; .*--environment-id or set PINGONE_ENVIRONMENT_ID\.$/);
  });

  test('--no-input in a terminal: drop --no-input', async () => {
    const result = await runInProcess(['pingone', '--no-input', '--json'], { answers: [], env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    const { hint } = errorOf(result.stdout);
    expect(hint).toContain('or drop --no-input to be asked');
    expect(hint).not.toContain('in a terminal');
  });

  test('invenias --renew --no-input in a terminal: pass --yes, or drop --no-input', async () => {
    const result = await runInProcess(['invenias', '--renew', '--no-input', '--subdomain', 'acme', '--base-url', invenias.origin, '--client-id', 'app-0001', '--expiration', 'OneYear', '--json'], {
      answers: [],
      env: {
        CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(),
        INVENIAS_API_KEY: FAKE.inveniasApiKey,
        INVENIAS_USERNAME: 'cyclr.integration',
        INVENIAS_PASSWORD: FAKE.inveniasPassword,
      },
    });
    expect(result.code).toBe(2);
    expect(errorOf(result.stdout).hint).toBe('Pass --yes to renew without asking, or drop --no-input to be asked.');
    expect(invenias.renewRequests()).toHaveLength(0);
  });

  test('no terminal: run it in a terminal to be asked', async () => {
    const result = await runCli(['invenias', '--subdomain', 'acme', '--json'], { configDir: tempConfigDir() });
    expect(errorOf(result.stdout).hint).toMatch(/or run it in a terminal to be asked\.$/);
  });
});
