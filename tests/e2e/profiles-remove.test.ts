// `profiles remove` of a profile that holds a secret: asked first in a terminal (for Invenias, naming the
// application that stays behind); --yes for scripts; without a terminal and without --yes, nothing is removed.
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { expectNoSecrets } from '../helpers/fixtures.js';
import { SEEDED_INVENIAS_CLIENT_ID, openStore, seedInveniasProfile } from '../helpers/profiles.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();

const CLIENT_ID = SEEDED_INVENIAS_CLIENT_ID;
const inveniasProfile = seedInveniasProfile;

const stillThere = async (configDir: string): Promise<boolean> => (await openStore(configDir).get('invenias', 'acme')) !== undefined;

// At 40 columns, where the question wraps; every other terminal test runs at 120.
describe.each([40])('profiles remove in a terminal, %i columns', (cols) => {
  test('asks first, naming the Client ID and saying the app stays in Invenias; "no" keeps the profile', async () => {
    const configDir = await inveniasProfile();
    const terminal = startPty(['profiles', 'remove', 'invenias', 'acme'], { CONNECTOR_SETUP_CONFIG_DIR: configDir }, { cols });
    await terminal.waitFor('(y/N)');
    const question = terminal.screen().replace(/\s+/g, ' ');
    expect(question).toContain(`Client ID ${CLIENT_ID}`);
    expect(question).toContain('The application stays in Invenias, but its one-time secret cannot be shown again.');
    terminal.type('n\r');
    // A "no" is not an error: no cross, exit 0.
    expect(await terminal.exit).toBe(0);
    const answered = terminal.screen().slice(terminal.screen().lastIndexOf('(y/N)'));
    expect(answered.replace(/\s+/g, ' ')).toContain('Kept profile "acme" (invenias); nothing was removed.');
    expect(answered).not.toContain('✖');
    expect(await stillThere(configDir)).toBe(true);
    expectNoSecrets(terminal.raw());
  });

  test('"yes" removes it', async () => {
    const configDir = await inveniasProfile();
    const terminal = startPty(['profiles', 'remove', 'invenias', 'acme'], { CONNECTOR_SETUP_CONFIG_DIR: configDir }, { cols });
    await terminal.waitFor('(y/N)');
    terminal.type('y\r');
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen().replace(/\s+/g, ' ')).toContain('Removed profile "acme"');
    expect(await stillThere(configDir)).toBe(false);
  });
});

test('profiles remove interrupted while it asks (SIGINT): exit 130, nothing removed, the interruption said', async () => {
  const configDir = await inveniasProfile();
  const terminal = startPty(['profiles', 'remove', 'invenias', 'acme'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
  await terminal.waitFor('(y/N)');
  terminal.mark();
  terminal.signal('SIGINT');
  expect(await terminal.exit).toBe(130);
  await terminal.waitFor('Interrupted.');
  expect(await stillThere(configDir)).toBe(true);
});

describe('profiles remove without a terminal', () => {
  test('without --yes: exit 2, nothing removed, the message says to pass --yes', async () => {
    const configDir = await inveniasProfile();
    const result = await runCli(['profiles', 'remove', 'invenias', 'acme'], { configDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('connector-setup profiles remove invenias acme --yes');
    expect(await stillThere(configDir)).toBe(true);
  });

  test('--yes removes it without asking', async () => {
    const configDir = await inveniasProfile();
    const result = await runCli(['profiles', 'remove', 'invenias', 'acme', '--yes'], { configDir });
    expect(result.code).toBe(0);
    expect(await stillThere(configDir)).toBe(false);
  });
});
