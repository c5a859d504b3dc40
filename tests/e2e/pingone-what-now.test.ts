// "What now?" after PingOne says no, in a real terminal: the choice under the cursor is the fix the diagnosis
// points at. A wrong region found is one Enter from being used; a wrong secret is changed, not resent.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { doneWithHandOff, KEY, type PtySession, startPtyClosedAfterEach } from '../helpers/pty.js';

const REGIONS = ['auth.pingone.com', 'auth.pingone.ca', 'auth.pingone.eu', 'auth.pingone.com.au', 'auth.pingone.sg', 'auth.pingone.asia'];
const startPty = startPtyClosedAfterEach();

let europe: PingOneServer;
/** Every other region: holds none of the test's environments (401 at the token URL, no discovery document). */
let elsewhere: PingOneServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  europe = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  elsewhere = await startPingOne([]);
  proxy = await startConnectProxy(Object.fromEntries(REGIONS.map((region) => [`${region}:443`, region === 'auth.pingone.eu' ? europe.port : elsewhere.port])));
});

afterAll(async () => {
  await proxy.close();
  await europe.close();
  await elsewhere.close();
});

function wizard(configDir: string, authDomain: string, secret: string) {
  return startPty(['pingone', '--client-id', FAKE.clientId, '--auth-domain', authDomain, '--environment-id', FAKE.environmentId], {
    CONNECTOR_SETUP_CONFIG_DIR: configDir,
    CONNECTOR_SETUP_SECRET_STORE: 'file',
    HTTPS_PROXY: proxy.url,
    PINGONE_CLIENT_SECRET: secret,
  });
}

function savedAuthDomain(configDir: string): string {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.default.values.authDomain;
}

/** Europe (where the cursor stands) and the Environment ID kept, then the values for Cyclr and Done. */
async function keepEuropeAndFinish(terminal: PtySession): Promise<void> {
  await terminal.waitFor(/❯ auth\.pingone\.eu/);
  terminal.type(KEY.enter);
  await terminal.waitFor('? Environment ID');
  terminal.type(KEY.enter);
  await terminal.waitFor('Enter these in Cyclr');
  await doneWithHandOff(terminal);
}

describe('the environment is in another region', () => {
  test('the first choice uses the region found and tries again: Enter, and the setup is done there', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, 'auth.pingone.com', FAKE.clientSecret);
    await terminal.waitFor('it is in Europe, at auth.pingone.eu');
    await terminal.waitFor(/❯ Use auth\.pingone\.eu and try again/);
    const before = europe.tokenRequests().length;
    terminal.type(KEY.enter);
    await terminal.waitFor('Enter these in Cyclr');
    await doneWithHandOff(terminal);
    expect(await terminal.exit).toBe(0);
    expect(europe.tokenRequests().length).toBe(before + 1);
    expect(savedAuthDomain(configDir)).toBe('auth.pingone.eu');
    expectNoSecrets(terminal.screen());
  });

  test('"Change the values I entered" starts the Auth Domain with the cursor on the region found', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, 'auth.pingone.com', FAKE.clientSecret);
    await terminal.waitFor(/❯ Use auth\.pingone\.eu and try again/);
    terminal.type(KEY.down);
    await terminal.waitFor(/❯ Change the values I entered/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client ID');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client Secret');
    terminal.type(KEY.enter);
    terminal.mark();
    await keepEuropeAndFinish(terminal);
    expect(await terminal.exit).toBe(0);
    expect(savedAuthDomain(configDir)).toBe('auth.pingone.eu');
  });
});

describe('a wrong secret', () => {
  test('the cursor starts on "Change the values I entered", and the right secret typed there is used', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, 'auth.pingone.eu', FAKE.wrongSecret);
    await terminal.waitFor('PingOne rejected the Client ID or Client Secret');
    await terminal.waitFor(/❯ Change the values I entered/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client ID');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await keepEuropeAndFinish(terminal);
    expect(await terminal.exit).toBe(0);
    expectNoSecrets(terminal.screen());
  });
});
