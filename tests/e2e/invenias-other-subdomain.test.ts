// In a real terminal: another subdomain typed over a profile that holds an application. The default keeps that
// profile whole and puts the new application in a new profile; replacing is a choice that says what is lost. Both
// tenants are stand-ins reached under their real host names (acme.invenias.com, globex.invenias.com) through a
// CONNECT proxy, as a user's run reaches them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { KEY, type PtySession, startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();
const USERNAME = 'cyclr.integration';
const GLOBEX_USER = 'globex.integration';

let acme: InveniasServer;
let globex: InveniasServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  acme = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: USERNAME, password: FAKE.inveniasPassword }] });
  globex = await startInvenias({ subdomain: 'globex', adminKeys: [FAKE.inveniasApiKey], users: [{ username: GLOBEX_USER, password: FAKE.inveniasPassword }] });
  proxy = await startConnectProxy({ 'acme.invenias.com:443': acme.port, 'globex.invenias.com:443': globex.port });
});

afterAll(async () => {
  await proxy.close();
  await acme.close();
  await globex.close();
});

function env(configDir: string): Record<string, string> {
  return { CONNECTOR_SETUP_CONFIG_DIR: configDir, CONNECTOR_SETUP_SECRET_STORE: 'file', BROWSER: 'none', HTTPS_PROXY: proxy.url, INVENIAS_API_KEY: FAKE.inveniasApiKey };
}

function profiles(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias;
}

function secrets(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.invenias;
}

/** Profile "default" holds acme's application, created by a script. */
async function acmeProfile(): Promise<{ configDir: string; clientId: string; secret: string }> {
  const configDir = tempConfigDir();
  const created = await runCli(['invenias', '--no-input', '--subdomain', 'acme'], {
    configDir,
    env: { ...env(configDir), INVENIAS_USERNAME: USERNAME, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
  });
  expect(created.code).toBe(0);
  return { configDir, clientId: profiles(configDir).default.values.clientId, secret: secrets(configDir).default.clientSecret };
}

/** Types globex over the saved acme at the Subdomain prompt. */
async function typeGlobex(terminal: PtySession): Promise<void> {
  await terminal.waitFor('? Subdomain (company, company.invenias.com or your portal URL) (acme)');
  terminal.type(`${KEY.backspace.repeat(10)}globex${KEY.enter}`);
}

/** From the application's details to the hand-off: defaults, the create, then globex's user. */
async function createAndFinish(terminal: PtySession): Promise<void> {
  await terminal.waitFor('? Application Name');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Expiration');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Create this application?');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Username');
  terminal.type(`${GLOBEX_USER}${KEY.enter}`);
  await terminal.waitFor('? Password');
  terminal.type(`${FAKE.inveniasPassword}${KEY.enter}`);
  await terminal.waitFor('? Take the values to Cyclr');
}

describe('another subdomain over a profile that holds an application', () => {
  test('the default is a new profile named after the subdomain; the first profile keeps its application and secret', async () => {
    const { configDir, clientId, secret } = await acmeProfile();
    const terminal = startPty(['invenias'], { ...env(configDir), CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' });
    await typeGlobex(terminal);
    await terminal.waitFor(`Profile "default" holds application ${clientId} of subdomain acme, not globex.`);
    await terminal.waitFor(/❯ Create it in a new profile "globex" \(profile "default" stays as it is\)/);
    terminal.type(KEY.enter);
    await createAndFinish(terminal);
    await terminal.waitFor('profiles show invenias globex --show-secrets');
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);

    const saved = profiles(configDir);
    expect(saved.default.values).toMatchObject({ subdomain: 'acme', clientId });
    expect(secrets(configDir).default.clientSecret).toBe(secret);
    expect(saved.globex.values).toMatchObject({ subdomain: 'globex', username: GLOBEX_USER });
    expect(saved.globex.values.clientId).not.toBe(clientId);
    expect(globex.createRequests()).toHaveLength(1);
    const screen = terminal.screen().replace(/\s+/g, ' ');
    expect(screen).not.toContain('remove it if nothing else uses it');
    expectNoSecrets(terminal.screen(), ALL_FAKE_SECRETS);
  });

  test('replacing is an explicit choice that names what is lost, and never calls the old application unused', async () => {
    const { configDir, clientId } = await acmeProfile();
    const terminal = startPty(['invenias'], { ...env(configDir), CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' });
    await typeGlobex(terminal);
    await terminal.waitFor(/❯ Create it in a new profile/);
    terminal.type(KEY.down);
    await terminal.waitFor(/❯ Replace the application of profile "default" \(its only saved Client Secret, of acme's application, is dropped\)/);
    terminal.type(KEY.enter);
    await terminal.waitFor(`it no longer keeps the Client Secret of acme's application ${clientId}`);
    await createAndFinish(terminal);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
    expect(profiles(configDir).default.values.subdomain).toBe('globex');
    expect(profiles(configDir).globex).toBeUndefined();
    expect(terminal.screen().replace(/\s+/g, ' ')).not.toContain('remove it if nothing else uses it');
    expectNoSecrets(terminal.screen(), ALL_FAKE_SECRETS);
  });
});
