// The end of the PingOne wizard in a real terminal: the values go to Cyclr through the hand-off (copy each, show the
// secret once, Done), as after an Invenias create. It is offered only to a person at a terminal.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { BIN, tempConfigDir } from '../helpers/cli.js';
import { fakeXclip } from '../helpers/clipboard-tool.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { KEY, chooseAbove, startPtyClosedAfterEach } from '../helpers/pty.js';
import { AUTHORIZATION_URL, answerPingOneWizard as answerTheWizard, pingOneInEurope } from '../helpers/wizard-walks.js';

const startPty = startPtyClosedAfterEach();

// auth.pingone.eu is this test's server, reached through a real CONNECT proxy.
const europe = pingOneInEurope();

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

const noDisplay = { WAYLAND_DISPLAY: undefined, DISPLAY: undefined, TMUX: undefined };

describe('connector-setup pingone in a terminal ends with the values to Cyclr', () => {
  test('copy the Client Secret (xclip), show it once, Done: the secret reaches the screen only when shown', async () => {
    const xclip = fakeXclip();
    const terminal = startPty(['pingone'], {
      CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(),
      HTTPS_PROXY: europe.proxy.url,
      ...noDisplay,
      DISPLAY: ':0',
      PATH: `${xclip.dir}:${process.env.PATH ?? ''}`,
    });
    await answerTheWizard(terminal);
    await chooseAbove(terminal, 4, /❯ Copy the Client Secret to the clipboard/);
    await terminal.waitFor('✔ Copied the Client Secret with xclip.');
    expect(xclip.received()).toBe(FAKE.clientSecret);
    // Back at the menu, Done is the default again; one up is "Show".
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.up);
    await terminal.waitFor(/❯ Show the Client Secret once here/);
    const beforeShown = terminal.raw();
    expectNoSecrets(beforeShown);
    terminal.mark();
    terminal.type(KEY.enter);
    await terminal.waitFor('It will not be shown again unprompted; later: connector-setup profiles show pingone default --show-secrets');
    await terminal.waitFor(/❯ Done/);
    const afterShown = terminal.screen().slice(terminal.screen().indexOf('It will not be shown again unprompted'));
    // Shown once: the menu no longer offers it.
    expect(afterShown).not.toContain('Show the Client Secret once here');
    expect(afterShown).toContain('Copy the Client Secret to the clipboard');
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
    const raw = terminal.raw();
    expect(occurrences(raw, FAKE.clientSecret)).toBe(1);
    expect(terminal.screen()).toContain(`Client Secret: ${FAKE.clientSecret}`);
    expectNoSecrets(raw.replace(`Client Secret: ${FAKE.clientSecret}`, 'Client Secret: (shown)'));
  });

  test('--no-save: the secret shown once is said to be kept nowhere, and no command names a profile that does not hold it', async () => {
    const configDir = tempConfigDir();
    const terminal = startPty(['pingone', '--no-save'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: europe.proxy.url, ...noDisplay });
    await answerTheWizard(terminal);
    await chooseAbove(terminal, 1, /❯ Show the Client Secret once here/);
    await terminal.waitFor('It was not saved (--no-save), so it will not be shown again: keep it until Cyclr has it.');
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).not.toMatch(/profiles show pingone/);
    expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
  });

  test('no clipboard tool: the Client Secret is sent to the terminal (OSC 52), said as sent, not copied, never printed', async () => {
    const terminal = startPty(['pingone'], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), HTTPS_PROXY: europe.proxy.url, ...noDisplay });
    await answerTheWizard(terminal);
    await chooseAbove(terminal, 4, /❯ Copy the Client Secret to the clipboard/);
    await terminal.waitFor("Sent the Client Secret to your terminal's clipboard (OSC 52), which cannot be confirmed: paste it once to check");
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
    expect(terminal.raw()).toContain(`\x1b]52;c;${Buffer.from(FAKE.clientSecret).toString('base64')}\x07`);
    expect(terminal.screen()).not.toContain('✔ Copied');
    expectNoSecrets(terminal.raw());
  });
});

describe('the hand-off is for a person at a terminal: a run a program reads ends without it', () => {
  const GIVEN = ['pingone', '--client-id', FAKE.clientId, '--authorization-url', AUTHORIZATION_URL];
  const given = (extra: Record<string, string> = {}) => ({ CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), HTTPS_PROXY: europe.proxy.url, PINGONE_CLIENT_SECRET: FAKE.clientSecret, ...extra });

  test('every value given, in a terminal: still offered, since a person is there to take them', async () => {
    const terminal = startPty(GIVEN, given());
    await terminal.waitFor('? Take the values to Cyclr');
    await terminal.waitFor(/❯ Done/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
  });

  test.each([
    ['--verify', ['--verify'], {}],
    ['--no-input', ['--no-input'], {}],
    ['--json', ['--json'], {}],
    ['CI=true', [], { CI: 'true' }],
  ] as const)('%s: verified and done, nothing asked', async (_name, flags, env) => {
    const terminal = startPty([...GIVEN, ...flags], given(env));
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).toMatch(/✔ PingOne (setup verified|credentials work)/);
    expect(terminal.screen()).not.toContain('Take the values to Cyclr');
    expectNoSecrets(terminal.raw());
  });

  test.each([
    ['stdout to a file', '>'],
    ['stdin from a file', '<'],
  ] as const)('%s (the terminal has only the other): verified and done, nothing asked', async (_name, redirect) => {
    const file = path.join(tempConfigDir(), redirect === '>' ? 'out.txt' : 'in.txt');
    if (redirect === '<') writeFileSync(file, '');
    const command = [process.execPath, BIN, ...GIVEN].map((word) => JSON.stringify(word)).join(' ');
    const terminal = startPty(['-c', `exec ${command} ${redirect} ${JSON.stringify(file)}`], given(), { file: '/bin/sh' });
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).toContain('PingOne setup verified');
    expect(terminal.screen()).not.toContain('Take the values to Cyclr');
  });
});
