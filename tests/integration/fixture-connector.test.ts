// Adding a connector is a folder of data and small functions: the test-only plain OAuth connector
// (tests/fixtures/plain-oauth, client_secret_basic) runs through the same command table, runner, saving and
// rendering as PingOne and Invenias, registered by this test alone.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectors } from '../../src/connectors/index.js';
import { plainOAuth } from '../fixtures/plain-oauth/connector.js';
import { PLAIN_CLIENT, startPlainOAuth } from '../fixtures/plain-oauth/server.js';
import type { TestServer } from '../helpers/https-server.js';
import { choose, runInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/cli.js';

const registry = [...connectors, plainOAuth];
let server: TestServer;

beforeAll(async () => {
  server = await startPlainOAuth();
});
afterAll(() => server.close());

function env(configDir: string, secret: string = PLAIN_CLIENT.secret) {
  return { CONNECTOR_SETUP_CONFIG_DIR: configDir, PLAIN_TOKEN_URL: `${server.origin}/token`, PLAIN_CLIENT_SECRET: secret, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS };
}

describe('a third connector from one folder', () => {
  test('--verify sends client_secret_basic and passes; the document names the non-secret values', async () => {
    const result = await runInProcess(['plain', '--verify', '--client-id', PLAIN_CLIENT.id, '--json'], { env: env(tempConfigDir()), registry });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({ ok: true, connector: 'plain', values: { clientId: PLAIN_CLIENT.id, tokenUrl: `${server.origin}/token` }, error: null });
    const sent = server.requests.at(-1);
    expect(sent?.headers.authorization).toBe(`Basic ${Buffer.from(`${PLAIN_CLIENT.id}:${PLAIN_CLIENT.secret}`).toString('base64')}`);
    expect(sent?.body).toBe('grant_type=client_credentials');
    expect(result.stdout + result.stderr).not.toContain(PLAIN_CLIENT.secret);
  });

  test('a wrong secret: core reads invalid_client, the connector refines the hint; exit 1', async () => {
    const result = await runInProcess(['plain', '--verify', '--client-id', PLAIN_CLIENT.id, '--json'], {
      env: env(tempConfigDir(), 'FAKE-wrong-plain-secret-0007'),
      registry,
    });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { error: { code: string; hint: string } };
    expect(document.error).toMatchObject({ code: 'invalid_client', hint: 'Regenerate the secret in the Plain console.' });
    expect(result.stdout + result.stderr).not.toContain('FAKE-wrong-plain-secret-0007');
  });

  test('the wizard asks, verifies, saves the profile and lists the values for Cyclr in their order', async () => {
    const configDir = tempConfigDir();
    const setup = await runInProcess(['plain', '--profile', 'acme'], { env: env(configDir), registry, answers: [PLAIN_CLIENT.id, choose('Done')] });
    expect(setup.asked).toEqual(['Client ID', 'Take the values to Cyclr']);
    expect(setup.code).toBe(0);
    expect(setup.stderr).toContain('Saved profile "acme" (plain)');
    const lines = setup.stderr.split('\n');
    const first = lines.findIndex((line) => line.startsWith('Enter these in Cyclr Console > Connectors > Plain > Setup:'));
    expect(lines.slice(first + 1, first + 4).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(['Client ID', 'Client Secret', 'Token URL']);
    const verify = await runInProcess(['verify', '--connector', 'plain', '--json'], { env: { CONNECTOR_SETUP_CONFIG_DIR: configDir }, registry });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, results: [{ connector: 'plain', profile: 'acme', ok: true }] });
  });

  test('after a refusal in the wizard, Quit ends it with the refusal (exit 1) and one short line', async () => {
    const result = await runInProcess(['plain', '--no-save'], {
      env: env(tempConfigDir(), 'FAKE-wrong-plain-secret-0007'),
      registry,
      answers: [PLAIN_CLIENT.id, choose('Quit')],
    });
    expect(result.asked).toEqual(['Client ID', 'What now?']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✖ Stopped. [invalid_client]');
  });
});
