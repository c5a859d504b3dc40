// The wizard read as a person reads the screen: "Quit" after a refusal shows the diagnosis once, ends with the run's code
// and promises nothing was kept when nothing was; an AUTHORIZATION URL pasted at the Environment ID prompt gives its ID.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { chooseAbove, doneWithHandOff, KEY, startPty } from '../helpers/pty.js';

let pingone: PingOneServer;
let proxy: ConnectProxy;
let invenias: InveniasServer;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': pingone.port });
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: 'cyclr.integration', password: FAKE.inveniasPassword }] });
});

afterAll(async () => {
  await proxy.close();
  await pingone.close();
  await invenias.close();
});

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

test('PingOne: after "Quit" the refusal is not printed a second time; the run ends with its code', async () => {
  const terminal = startPty(['pingone', '--client-id', FAKE.clientId, '--authorization-url', `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`], {
    CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(),
    HTTPS_PROXY: proxy.url,
    PINGONE_CLIENT_SECRET: FAKE.wrongSecret,
  });
  await terminal.waitFor('? What now?');
  await chooseAbove(terminal, 1, /❯ Quit/);
  expect(await terminal.exit).toBe(1);
  const screen = terminal.screen();
  expect(occurrences(screen, 'PingOne rejected the Client ID or Client Secret.')).toBe(1);
  expect(occurrences(screen, 'Fix: Copy the Client ID and Client Secret again')).toBe(1);
  expect(screen).toContain('✖ Stopped. [invalid_client]');
  expectNoSecrets(screen);
});

test('Invenias, an application typed in by hand that is refused: "Quit" does not claim it stays saved, and nothing is', async () => {
  const configDir = tempConfigDir();
  const terminal = startPty(['invenias', '--base-url', invenias.origin, '--subdomain', 'acme', '--client-id', 'no-such-app-0001', '--username', 'cyclr.integration'], {
    CONNECTOR_SETUP_CONFIG_DIR: configDir,
    BROWSER: 'none',
    INVENIAS_CLIENT_SECRET: `${FAKE.inveniasClientSecret}-typed`,
    INVENIAS_PASSWORD: FAKE.inveniasPassword,
  });
  await terminal.waitFor('? What now?');
  await terminal.waitFor(/ {2}Quit/);
  expect(terminal.screen()).not.toContain('stays saved');
  await chooseAbove(terminal, 1, /❯ Quit/);
  expect(await terminal.exit).toBe(1);
  const screen = terminal.screen();
  expect(occurrences(screen, 'Invenias rejected the Client ID or Client Secret')).toBe(1);
  expect(screen).toContain('✖ Stopped. [invalid_client]');
  expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
  expectNoSecrets(screen, [...ALL_FAKE_SECRETS, `${FAKE.inveniasClientSecret}-typed`]);
});

test('PingOne: the AUTHORIZATION URL pasted at the Environment ID prompt gives its ID; one for another domain is refused', async () => {
  const configDir = tempConfigDir();
  const terminal = startPty(['pingone', '--client-id', FAKE.clientId, '--auth-domain', 'auth.pingone.eu'], {
    CONNECTOR_SETUP_CONFIG_DIR: configDir,
    HTTPS_PROXY: proxy.url,
    PINGONE_CLIENT_SECRET: FAKE.clientSecret,
  });
  await terminal.waitFor('? Environment ID');
  terminal.type(`https://auth.pingone.com/${FAKE.environmentId}/as/authorize${KEY.enter}`);
  await terminal.waitFor('This URL is for auth.pingone.com, but the Auth Domain is auth.pingone.eu');
  terminal.type('\x15'); // Ctrl+U: clear the line
  terminal.type(`https://auth.pingone.eu/${FAKE.environmentId}/as/authorize${KEY.enter}`);
  await terminal.waitFor('Enter these in Cyclr');
  await doneWithHandOff(terminal);
  expect(await terminal.exit).toBe(0);
  expect(terminal.screen()).toContain(`  Environment ID ${FAKE.environmentId}`);
  expect(pingone.tokenRequests().at(-1)?.path).toBe(`/${FAKE.environmentId}/as/token`);
  expectNoSecrets(terminal.screen());
});
