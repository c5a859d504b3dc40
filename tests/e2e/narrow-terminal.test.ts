// Real terminal widths: text wraps at word boundaries with its indentation kept, no continuation starts with `>`,
// the spinner never leaves a line behind, profiles list fits, and every select shows all its options at once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';
import { KEY, plainText, startPtyClosedAfterEach } from '../helpers/pty.js';

let server: PingOneServer;
beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});
afterAll(() => server.close());

const startPty = startPtyClosedAfterEach();

const lines = (screen: string): string[] => screen.split('\n');
const tooWide = (screen: string, cols: number): string[] => lines(screen).filter((line) => [...line].length > cols);

describe.each([40, 120])('at %i columns', (cols) => {
  test('the PingOne guide wraps at word boundaries, numbered steps keep their indentation, nothing starts with ">"; the Auth Domain list then shows every option without scrolling', async () => {
    const terminal = startPty(['pingone'], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() }, { cols });
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client ID');
    // The title, then the guide on (the first question between them is redrawn in place, which plain text cannot show).
    const shown = terminal.screen();
    const screen = shown.slice(shown.indexOf('PingOne partner setup'), shown.indexOf('? The Worker application for Cyclr')) + shown.slice(shown.indexOf('  1. '));
    expect(tooWide(screen, cols)).toEqual([]);
    expect(lines(screen).filter((line) => line.trimStart().startsWith('>'))).toEqual([]);
    // The words survive whole: joined back, the text reads as written.
    expect(screen.replace(/\s+/g, ' ')).toContain('2. Open Applications > Applications and click + (Add Application).');
    const steps = lines(screen.slice(screen.indexOf('  1. '), screen.indexOf('? Client ID')));
    for (const line of steps.filter((row) => row.trim() !== '')) expect(line).toMatch(/^ {2}\d\. |^ {5}\S/);

    // The same session goes on to the list, "Another domain" included.
    terminal.type(`${FAKE.clientId}${KEY.enter}`);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('? Auth Domain');
    await terminal.waitFor('auth.pingone.asia');
    const list = terminal.screen();
    expect(list).toMatch(/Another domain|host\[:port\]/);
    expect(list).toContain('auth.pingone.com');
  });

  test('the spinner line fits one row, so clearing it leaves nothing behind', async () => {
    const terminal = startPty(
      ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId],
      { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), PINGONE_CLIENT_SECRET: FAKE.clientSecret },
      { cols },
    );
    expect(await terminal.exit).toBe(0);
    // Each redraw of the live line starts after a carriage return; none may be wider than the row.
    const frames = terminal.raw().split(/\r\n|\r|\n/).map(plainText).filter((segment) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(segment));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((frame) => [...frame].length >= cols)).toEqual([]);
    expect(terminal.screen()).toMatch(/✔ Token request/);
    expectNoSecrets(terminal.raw());
  });

  test('profiles list fits the terminal and marks an expired application as expired', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [
      {
        connector: 'invenias',
        name: 'acme',
        values: { subdomain: 'acme', clientId: '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc', username: 'cyclr@acme.example', serviceDomain: 'api.cyclr.com' },
        secrets: { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword },
        expiresOn: '2025-01-31T00:00:00Z',
        lastVerified: '2024-12-01T10:00:00.000Z',
      },
      {
        connector: 'pingone',
        name: 'production',
        values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId },
        secrets: { clientSecret: FAKE.clientSecret },
      },
    ]);
    const terminal = startPty(['profiles', 'list'], { CONNECTOR_SETUP_CONFIG_DIR: configDir }, { cols });
    expect(await terminal.exit).toBe(0);
    const screen = terminal.screen();
    expect(tooWide(screen, cols)).toEqual([]);
    expect(screen.replace(/\s+/g, ' ')).toContain('Expires on 2025-01-31 (expired)');
    expect(screen).toContain(FAKE.environmentId);
    expectNoSecrets(screen);
  });
});
