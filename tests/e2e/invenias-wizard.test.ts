// The interactive Invenias wizard in a real pseudo-terminal against the HTTPS stand-in: one whole guided run as a
// person sees it, the browser offer, Ctrl+C, and the order of the guide. Refusals and what follows them are
// driven in-process in tests/integration/invenias-wizard-steps.test.ts.
import { chmodSync, existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { KEY, chooseAbove, startPty } from '../helpers/pty.js';
import { createWithDefaults } from '../helpers/wizard-walks.js';

const EXPIRED_KEY = 'FAKE-invenias-expired-key-0007';
const SECRETS = [...ALL_FAKE_SECRETS, EXPIRED_KEY];
const USERNAME = 'cyclr.integration';
const EXISTING_APP = 'existing-app-0001';

let server: InveniasServer;

beforeAll(async () => {
  server = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    users: [{ username: USERNAME, password: FAKE.inveniasPassword }],
    apps: [
      existingApp(EXISTING_APP, `${FAKE.inveniasClientSecret}-existing`),
    ],
  });
});

afterAll(() => server.close());

/** Resolves when `file` exists, on the directory's change events (not a polling timer). */
function fileAppears(file: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(file), () => {
      if (existsSync(file)) done();
    });
    const timer = setTimeout(() => done(new Error(`${file} did not appear within ${timeoutMs / 1000} s`)), timeoutMs);
    function done(error?: Error): void {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    }
    // It may already be there: the watcher only reports what happens after it started.
    if (existsSync(file)) done();
  });
}

function wizard(configDir: string) {
  // BROWSER=none: the wizard must print the Swagger address, never launch anything, in tests and CI.
  return startPty(['invenias', '--base-url', server.origin], { CONNECTOR_SETUP_CONFIG_DIR: configDir, BROWSER: 'none' });
}

describe('connector-setup invenias in a terminal', () => {
  test('a person follows the guide, pastes an expired API Key, then a fresh one, and gets the Cyclr values', async () => {
    const configDir = tempConfigDir();
    const createsBefore = server.createRequests().length;
    const terminal = wizard(configDir);
    await terminal.waitFor('? Subdomain');
    terminal.type(`https://acme.invenias.com/home${KEY.enter}`);
    await terminal.waitFor(/❯ Create a new application through the Invenias API/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Application Name');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Expiration');
    await terminal.waitFor(/❯ FiveYears/);
    terminal.type(KEY.enter);
    await terminal.waitFor('Settings > General Settings > Service Domain');
    await terminal.waitFor('? Cyclr Service Domain');
    terminal.type(`acme.cyclr.com${KEY.enter}`);
    // The API Key lives 3 minutes: the guide and the key come last, right before the request is shown.
    await terminal.waitFor(`${server.origin}/api/swagger/index`);
    await terminal.waitFor('double-click the API Key box');
    await terminal.waitFor('lives 3 minutes');
    await terminal.waitFor('System Administrator permission group');
    await terminal.waitFor('? API Key');
    terminal.type(`${EXPIRED_KEY}${KEY.enter}`);
    await terminal.waitFor('ReplyUrl: https://acme.cyclr.com/connector/callback');
    await terminal.waitFor(`About to send a POST to: ${server.origin}/api/v1/thirdpartyapplications`);
    await terminal.waitFor('Authorization: Bearer ****0007');
    await terminal.waitFor('"FlowType": "ResourceOwner"');
    await terminal.waitFor('? Create this application?');
    terminal.type(KEY.enter);
    await terminal.waitFor('Invenias rejected the API Key (it expired or is wrong); nothing was created.');
    await terminal.waitFor('? A fresh API Key');
    terminal.type(`${FAKE.inveniasApiKey}${KEY.enter}`);
    await terminal.waitFor('Invenias shows the secret only once');
    // Said before the Username is asked for: a token alone does not prove Cyclr's calls will be accepted.
    await terminal.waitFor('licensed, enabled and in the System Administrator permission group, or Invenias refuses its API calls');
    await terminal.waitFor('? Username');
    terminal.type(`${USERNAME}${KEY.enter}`);
    await terminal.waitFor('? Password');
    terminal.type(`${FAKE.inveniasPassword}${KEY.enter}`);
    await terminal.waitFor('Enter these in Cyclr Console > Connectors > Connector Library > Invenias > Setup');
    // The hand-off: the secret Invenias showed once can be shown here once more, or copied; Done is the default.
    await terminal.waitFor('? Take the values to Cyclr');
    await chooseAbove(terminal, 2, /❯ Show the Client Secret once here/);
    await terminal.waitFor('It will not be shown again unprompted; later: connector-setup profiles show invenias default --show-secrets');
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);

    const screen = terminal.screen();
    const order = ['? Application Name', '? Expiration', '? Cyclr Service Domain', '/api/swagger/index', 'double-click the API Key box', '? API Key', 'About to send a POST to:', '? Create this application?'];
    const positions = order.map((part) => screen.indexOf(part));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(screen).toContain('Open the address above in your browser.');
    expect(screen).not.toContain('Open it in your browser?');
    expect(screen).toMatch(/Client Secret\s+\*\*\*\*/);
    expect(screen).toMatch(/Password\s+\(set\)/);
    expect(screen).not.toContain(FAKE.inveniasPassword.slice(-4));
    expect(screen).toMatch(/Subdomain\s+acme/);
    expect(screen).toMatch(/The application expires on \d{4}-/);
    // The secret appears once, where it was asked for; nowhere else, and no other secret at all.
    const issued = server.apps.get(JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias.default.values.clientId);
    const revealed = `Client Secret: ${issued?.clientSecret ?? 'none'}`;
    expect(screen.split(revealed).length - 1).toBe(1);
    expectNoSecrets(screen.replace(revealed, ''), SECRETS);
    // Two attempts: the expired key (401, nothing created) and the fresh one.
    const creates = server.createRequests().slice(createsBefore);
    expect(creates.map((request) => request.headers.authorization)).toEqual([`Bearer ${EXPIRED_KEY}`, `Bearer ${FAKE.inveniasApiKey}`]);
    const profile = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias.default;
    expect(profile.values).toMatchObject({ subdomain: 'acme', username: USERNAME, serviceDomain: 'acme.cyclr.com', baseUrl: server.origin });
    expect(server.apps.get(profile.values.clientId)?.replyUrl).toBe('https://acme.cyclr.com/connector/callback');
  });

  test('where a browser can be started, it offers to open the Swagger page and opens it', async () => {
    const configDir = tempConfigDir();
    // A stand-in browser: records the address it was asked to open.
    const browser = path.join(configDir, 'browser.sh');
    const opened = path.join(configDir, 'opened.txt');
    // Written beside, then renamed into place: the file appears whole, in one event.
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}.part' && mv '${opened}.part' '${opened}'\n`);
    chmodSync(browser, 0o755);
    const terminal = startPty(['invenias', '--base-url', server.origin, '--subdomain', 'acme'], {
      CONNECTOR_SETUP_CONFIG_DIR: configDir,
      BROWSER: browser,
      CI: '',
    });
    await createWithDefaults(terminal);
    await terminal.waitFor('? Open it in your browser?');
    terminal.type(KEY.enter);
    await terminal.waitFor('? API Key');
    await fileAppears(opened);
    expect(readFileSync(opened, 'utf8')).toBe(`${server.origin}/api/swagger/index`);
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
  });

  test('Ctrl+C at the API Key prompt: exit 130, nothing sent and nothing written', async () => {
    const configDir = tempConfigDir();
    const requestsBefore = server.requests.length;
    const terminal = wizard(configDir);
    await terminal.waitFor('? Subdomain');
    terminal.type(`acme${KEY.enter}`);
    await createWithDefaults(terminal);
    await terminal.waitFor('? API Key');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(server.requests.length).toBe(requestsBefore);
    expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
    expect(existsSync(path.join(configDir, 'secrets.json'))).toBe(false);
  });

  test('--renew asks for the Expiration first and the API Key last, right before the request is shown', async () => {
    const configDir = tempConfigDir();
    const requestsBefore = server.requests.length;
    const terminal = startPty(['invenias', '--base-url', server.origin, '--subdomain', 'acme', '--renew', '--client-id', EXISTING_APP], {
      CONNECTOR_SETUP_CONFIG_DIR: configDir,
      BROWSER: 'none',
    });
    await terminal.waitFor('? Expiration');
    terminal.type(KEY.enter);
    await terminal.waitFor('double-click the API Key box');
    await terminal.waitFor('? API Key');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    const screen = terminal.screen();
    expect(screen.indexOf('? Expiration')).toBeGreaterThanOrEqual(0);
    expect(screen.indexOf('/api/swagger/index')).toBeGreaterThan(screen.indexOf('? Expiration'));
    expect(screen.indexOf('? API Key')).toBeGreaterThan(screen.indexOf('double-click the API Key box'));
    expect(server.requests.length).toBe(requestsBefore);
  });
});
