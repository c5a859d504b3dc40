// In a real terminal: --renew says from its first screen that the current secret stops at once, and a create
// interrupted by Ctrl+C (the secret kept) is finished by running the printed command, which ends with the hand-off.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { faults } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { CREATED_CLIENT_ID, type InveniasFaultServer, startInveniasFaults } from '../helpers/invenias-faults.js';
import { KEY, startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();
const servers: InveniasFaultServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

const USERNAME = 'cyclr.integration';

function env(configDir: string): Record<string, string> {
  return {
    CONNECTOR_SETUP_CONFIG_DIR: configDir,
    CONNECTOR_SETUP_SECRET_STORE: 'file',
    BROWSER: 'none',
    INVENIAS_API_KEY: FAKE.inveniasApiKey,
    INVENIAS_USERNAME: USERNAME,
    INVENIAS_PASSWORD: FAKE.inveniasPassword,
    CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
  };
}

describe('invenias --renew in a terminal', () => {
  test('the first screen says it renews and that the current secret stops at once, never "This creates the application"', async () => {
    const terminal = startPty(['invenias', '--renew'], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), BROWSER: 'none' });
    await terminal.waitFor('? Subdomain');
    const before = terminal.screen().slice(0, terminal.screen().indexOf('? Subdomain'));
    expect(before).toContain('renew the application');
    expect(before.replace(/\s+/g, ' ')).toContain('the current Client Secret stops working at once, so Cyclr fails until you enter the new one');
    expect(before).not.toContain('This creates the application');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
  });
});

describe('Ctrl+C after a create, then the command it prints', () => {
  test('the rerun verifies the kept application and ends with the values and the hand-off menu', async () => {
    // The first token request is held (Ctrl+C comes then); the next is answered.
    let tokenRequests = 0;
    let holding = (): void => undefined;
    const heldNow = new Promise<void>((resolve) => (holding = resolve));
    const held = faults.hang(() => holding());
    const answered = faults.token();
    const server = await startInveniasFaults({ token: (request, response, raw) => (tokenRequests++ === 0 ? held : answered)(request, response, raw) });
    servers.push(server);
    const configDir = tempConfigDir();
    const args = ['invenias', '--subdomain', 'acme', '--base-url', server.origin, '--app-name', 'Integration', '--expiration', 'FiveYears'];

    const first = startPty(args, env(configDir));
    await first.waitFor('? Create this application?');
    first.type(KEY.enter);
    await first.waitFor('Invenias shows the secret only once');
    await first.waitFor('Token request');
    // Ctrl+C once the stand-in holds the request, so the rerun's is the one answered.
    await heldNow;
    first.type(KEY.ctrlC);
    expect(await first.exit).toBe(130);
    const said = first.screen().replace(/\s+/g, ' ');
    expect(said).toContain(`Application ${CREATED_CLIENT_ID} and its new Client Secret are saved in profile "default".`);
    // One sentence a person can follow: the command as they would type it, and what it does.
    const command = /Run (connector-setup invenias[^;]*?) again to verify them; no new application is created\./.exec(said)?.[1];
    expect(command).toBe('connector-setup invenias --profile default');

    const again = startPty([...(command ?? '').split(' ').slice(1)], env(configDir));
    // The saved subdomain is offered: Enter keeps it.
    await again.waitFor('? Subdomain (company, company.invenias.com or your portal URL) (acme)');
    again.type(KEY.enter);
    await again.waitFor(`Using application ${CREATED_CLIENT_ID} saved in profile "default"`);
    await again.waitFor('Enter these in Cyclr');
    await again.waitFor('? Take the values to Cyclr');
    await again.waitFor(/❯ Done/);
    again.type(KEY.enter);
    expect(await again.exit).toBe(0);
    expect(server.creates()).toHaveLength(1);
    const profile = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias.default;
    expect(profile.lastVerified).not.toBeNull();
    expectNoSecrets(first.screen() + again.screen(), ALL_FAKE_SECRETS);
  });
});
