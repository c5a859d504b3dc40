// Ctrl+C during an Invenias run: while the application is being created or renewed, and during the token request
// that follows a successful create. Exit 130 either way, nothing half-written, and a Client Secret Invenias has
// shown (once) is still in the profile. The runs are in this process (pressCtrlC); interrupt.test.ts sends real
// signals to the built CLI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { configFiles, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, faults } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { Handler } from '../helpers/https-server.js';
import { pressCtrlC } from '../helpers/in-process.js';
import { CREATED_CLIENT_ID, CREATED_EXPIRES_ON, type InveniasFaultServer, startInveniasFaults } from '../helpers/invenias-faults.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
const USERNAME = 'cyclr.integration';
const servers: InveniasFaultServer[] = [];

async function serve(routes: { create?: Handler; token?: Handler; renew?: Handler }): Promise<InveniasFaultServer> {
  const server = await startInveniasFaults(routes);
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

const env = {
  INVENIAS_API_KEY: FAKE.inveniasApiKey,
  INVENIAS_USERNAME: USERNAME,
  INVENIAS_PASSWORD: FAKE.inveniasPassword,
  CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
  CONNECTOR_SETUP_SECRET_STORE: 'file',
};


/**
 * A scripted setup that creates an application, against `server`, whose held request gets Ctrl+C (pressCtrlC, in
 * this process). Requests time out after 300 s: ending at all means the abort worked.
 */
function interrupted(server: InveniasFaultServer, configDir: string, json: boolean, extra: string[] = []) {
  return runCli(['invenias', '--no-input', ...(json ? ['--json'] : []), '--subdomain', 'acme', '--base-url', server.origin, '--timeout', '300', ...extra], { env, configDir });
}

describe('invenias: Ctrl+C during the create request', () => {
  test('--json: exit 130, "interrupted", saying the application may exist and how to go on, no profile file at all', async () => {
    const server = await serve({ create: faults.hang(pressCtrlC) });
    const configDir = tempConfigDir();
    const result = await interrupted(server, configDir, true);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('interrupted');
    // The request was on its way: the application may exist, and running again blindly would make a second one.
    expect(document.error.message).toContain('creating the application');
    expect(document.error.hint).toContain('Run again to create another');
    expect(server.creates()).toHaveLength(1);
    expect(server.tokens()).toHaveLength(0);
    expect(configFiles(configDir)).toEqual({});
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('over an existing profile: exit 130, the saved files unchanged byte for byte', async () => {
    const configDir = tempConfigDir();
    const good = await serve({});
    const first = await runCli(['invenias', '--no-input', '--subdomain', 'acme', '--base-url', good.origin, '--profile', 'other'], { env, configDir });
    expect(first.code).toBe(0);
    const before = configFiles(configDir);
    expect(Object.keys(before).sort()).toEqual(['profile-names', 'profiles.json', 'secrets.json']);
    const server = await serve({ create: faults.hang(pressCtrlC) });
    const result = await interrupted(server, configDir, false);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted');
    expect(configFiles(configDir)).toEqual(before);
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});

describe('invenias: Ctrl+C during a renew request', () => {
  test('exit 130, "interrupted", saying the secret may have been replaced and how to get one, nothing written', async () => {
    const server = await serve({ renew: faults.hang(pressCtrlC) });
    const configDir = tempConfigDir();
    const result = await interrupted(server, configDir, true, ['--renew', '--yes', '--client-id', CREATED_CLIENT_ID]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('interrupted');
    expect(error.message).toContain('renewing the application');
    expect(error.hint).toContain('--renew');
    expect(server.renews()).toHaveLength(1);
    expect(configFiles(configDir)).toEqual({});
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});

describe('invenias: Ctrl+C during the token request that follows a successful create', () => {
  test.each([true, false])('--json %s: exit 130, and the new Client Secret is kept in the profile', async (json) => {
    // The first token request is held (Ctrl+C comes then); the next is answered, at the same origin.
    const held = faults.hang(pressCtrlC);
    const answered = faults.token();
    let tokenRequests = 0;
    const server = await serve({ token: (request, response, raw) => (tokenRequests++ === 0 ? held : answered)(request, response, raw) });
    const configDir = tempConfigDir();
    const result = await interrupted(server, configDir, json);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(server.creates()).toHaveLength(1);
    // The user is told the application is kept and that running again reuses it.
    let told = result.stderr;
    if (json) {
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
      expect(error.code).toBe('interrupted');
      told = `${error.message} ${error.hint}`;
    }
    expect(told).toContain(`Application ${CREATED_CLIENT_ID} and its new Client Secret are saved in profile "default"`);
    expect(told).toContain('no new application is created');
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);

    const secrets = JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8'));
    expect(secrets.secrets.invenias.default.clientSecret).toBe(FAKE.inveniasClientSecret);
    const profile = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias.default;
    expect(profile.values.clientId).toBe(CREATED_CLIENT_ID);
    expect(profile.expiresOn).toBe(CREATED_EXPIRES_ON);
    // Never verified, so never marked so.
    expect(profile.lastVerified).toBeNull();
    // Nothing half-written: only the two files, both whole JSON.
    expect(Object.keys(configFiles(configDir)).sort()).toEqual(['profile-names', 'profiles.json', 'secrets.json']);

    // Running again reuses that application: no second create, and the kept secret is what gets verified.
    const again = await runCli(['invenias', '--no-input', '--json', '--subdomain', 'acme', '--base-url', server.origin], { env, configDir });
    expect(again.code).toBe(0);
    expect(server.creates()).toHaveLength(1);
    expect(new URLSearchParams(server.tokens()[1]?.body).get('client_secret')).toBe(FAKE.inveniasClientSecret);
    expectNoSecrets(again.stdout + again.stderr, SECRETS);
  });
});
