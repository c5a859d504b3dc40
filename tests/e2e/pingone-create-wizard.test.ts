// The PingOne wizard's "Create it for me", typed in a real pseudo-terminal against the built CLI: the token
// stand-in and the Management API stand-in reached as auth.pingone.eu and api.pingone.eu through a real CONNECT
// proxy. The flow's details (requests, reuse, refusals, rotation) are in tests/integration/pingone-create.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type ManagementApiServer, startManagementApi } from '../helpers/pingone-api-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { KEY, startPtyClosedAfterEach } from '../helpers/pty.js';

const ADMIN = { clientId: '22222222-3333-4444-8555-666666666666', clientSecret: 'FAKE-admin-secret-do-not-use-0006' };
const startPty = startPtyClosedAfterEach();

let pingone: PingOneServer;
let api: ManagementApiServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: ADMIN.clientId, clientSecret: ADMIN.clientSecret, environmentId: FAKE.environmentId, roles: ['Environment Admin'] }]);
  api = await startManagementApi(pingone);
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': pingone.port, 'api.pingone.eu:443': api.port });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([pingone.close(), api.close()]);
});

describe('connector-setup pingone in a terminal, creating the Worker app', () => {
  test('the person picks "Create it for me", pastes the AUTHORIZATION URL and the admin worker, says yes: a verified, saved app', async () => {
    const configDir = tempConfigDir();
    const terminal = startPty(['pingone'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file' });
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.down);
    await terminal.waitFor(/❯ Create it for me/);
    terminal.type(KEY.enter);
    await terminal.waitFor(/❯ Paste the AUTHORIZATION URL/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? AUTHORIZATION URL');
    terminal.type(`https://auth.pingone.eu/${FAKE.environmentId}/as/authorize${KEY.enter}`);
    await terminal.waitFor("? Admin worker's Client ID");
    terminal.type(`${ADMIN.clientId}${KEY.enter}`);
    await terminal.waitFor("? Admin worker's Client Secret (used for this run only, never saved)");
    terminal.type(`${ADMIN.clientSecret}${KEY.enter}`);
    await terminal.waitFor(`? Create Cyclr in environment ${FAKE.environmentId}?`);
    expect(terminal.screen()).toContain('Roles         Identity Data Admin (scoped to the environment)');
    expect(api.created()).toEqual([]);
    terminal.type(`y${KEY.enter}`);
    await terminal.waitFor('PingOne setup verified');
    await terminal.waitFor('Enter these in Cyclr');
    const app = api.created()[0];
    expect(app?.roles).toEqual(['Identity Data Admin']);
    // The hand-off offers to copy each value; done.
    await terminal.waitFor('?');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(0);
    const profiles = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.default;
    expect(profiles.values).toMatchObject({ applicationId: app?.clientId, clientId: app?.clientId, environmentId: FAKE.environmentId, adminClientId: ADMIN.clientId });
    const secrets = JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.pingone.default;
    expect(secrets).toEqual({ clientSecret: app?.clientSecret });
    expectNoSecrets(terminal.screen(), [ADMIN.clientSecret, app?.clientSecret ?? 'none']);
  });
});
