// `profiles show ... --copy FIELD`: one value to the clipboard, never printed, and the user told how it was copied.
// OSC 52 is read off the pseudo-terminal's bytes; the OS tool is a fake `xclip` that records what it was given.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { SEEDED_INVENIAS_CLIENT_ID, seedInveniasProfile } from '../helpers/profiles.js';
import { fakeXclip } from '../helpers/clipboard-tool.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();

const CLIENT_ID = SEEDED_INVENIAS_CLIENT_ID;
const inveniasProfile = seedInveniasProfile;

const noDisplay = { WAYLAND_DISPLAY: undefined, DISPLAY: undefined, TMUX: undefined };

describe.each([40, 120])('--copy in a terminal (OSC 52), %i columns', (cols) => {
  test('the Client Secret goes to the terminal as OSC 52; the screen says so and never shows it', async () => {
    const configDir = await inveniasProfile();
    const terminal = startPty(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, ...noDisplay }, { cols });
    expect(await terminal.exit).toBe(0);
    const base64 = Buffer.from(FAKE.inveniasClientSecret).toString('base64');
    expect(terminal.raw()).toContain(`\x1b]52;c;${base64}\x07`);
    const screen = terminal.screen().replace(/\s+/g, ' ');
    expect(screen).toContain(`Sent the Client Secret of profile "acme" (invenias) to your terminal's clipboard (OSC 52), which cannot be confirmed`);
    expect(screen).not.toContain('✔');
    expectNoSecrets(terminal.raw());
  });
});

describe('--copy without a terminal (an OS tool)', () => {
  test('a fake xclip on PATH receives exactly the secret; the output names xclip and holds no secret', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'clientSecret'], { configDir, env: { PATH: xclip.dir, ...noDisplay, DISPLAY: ':0' } });
    expect(result.code).toBe(0);
    expect(xclip.received()).toBe(FAKE.inveniasClientSecret);
    expect(xclip.args()).toEqual(['-selection', 'clipboard']);
    expect(result.stderr).toContain('✔ Copied the Client Secret of profile "acme" (invenias) with xclip.');
    expect(result.stdout).toBe('');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('the tool starts without the secrets in the environment: no PINGONE_ or INVENIAS_ variable, nor any holding a secret', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const env = {
      PATH: xclip.dir,
      ...noDisplay,
      DISPLAY: ':0',
      PINGONE_CLIENT_SECRET: FAKE.clientSecret,
      INVENIAS_PASSWORD: FAKE.inveniasPassword,
      CI_COPY_OF_THE_SECRET: `saved=${FAKE.inveniasClientSecret}`,
      KEPT_FOR_THE_TOOL: 'an ordinary value',
    };
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-id'], { configDir, env });
    expect(result.code).toBe(0);
    const seen = xclip.env();
    expect(seen.KEPT_FOR_THE_TOOL).toBe('an ordinary value');
    expect(Object.keys(seen).filter((name) => /^(PINGONE|INVENIAS)_/i.test(name) || name === 'CI_COPY_OF_THE_SECRET')).toEqual([]);
    expectNoSecrets(JSON.stringify(seen));
  });

  test('a non-secret value is copied too, and not printed either', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-id'], { configDir, env: { PATH: xclip.dir, ...noDisplay, DISPLAY: ':0' } });
    expect(result.code).toBe(0);
    expect(xclip.received()).toBe(CLIENT_ID);
    expect(result.stdout + result.stderr).not.toContain(CLIENT_ID);
  });

  test('an unknown field: exit 2, nothing copied, the fields that can be copied listed', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'secret'], { configDir, env: { PATH: xclip.dir, ...noDisplay, DISPLAY: ':0' } });
    expect(result.code).toBe(2);
    expect(xclip.received()).toBeUndefined();
    expect(result.stderr).toContain('clientSecret (client-secret)');
    expect(result.stderr).toContain('clientId (client-id)');
  });

  test('no clipboard anywhere: exit 2 with the command that shows the value instead (never a silent success)', async () => {
    const configDir = await inveniasProfile();
    const empty = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bin-'));
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret'], { configDir, env: { PATH: empty, ...noDisplay } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[clipboard_unavailable]');
    expect(result.stderr).toContain('connector-setup profiles show invenias acme --show-secrets');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('xclip without a display to talk to is not tried: nothing reports a copy that could not happen', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret'], { configDir, env: { PATH: xclip.dir, ...noDisplay } });
    expect(result.code).toBe(2);
    expect(xclip.received()).toBeUndefined();
    expect(result.stderr).toContain('[clipboard_unavailable]');
  });

  test('with --json, the document says whether the copy was confirmed', async () => {
    const configDir = await inveniasProfile();
    const xclip = fakeXclip();
    const result = await runCli(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret', '--json'], { configDir, env: { PATH: xclip.dir, ...noDisplay, DISPLAY: ':0' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, connector: 'invenias', profile: 'acme', copied: 'Client Secret', method: 'xclip', confirmed: true });
  });
});

describe('--copy in a terminal whose OS tool fails', () => {
  test('xclip fails (display gone): OSC 52 is sent instead, and the screen does not call it copied', async () => {
    const configDir = await inveniasProfile();
    const bin = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bin-'));
    writeFileSync(path.join(bin, 'xclip'), '#!/bin/sh\necho "Error: Can\'t open display: :0" >&2\nexit 1\n');
    chmodSync(path.join(bin, 'xclip'), 0o755);
    const terminal = startPty(['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, ...noDisplay, DISPLAY: ':0', PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(await terminal.exit).toBe(0);
    expect(terminal.raw()).toContain(`\x1b]52;c;${Buffer.from(FAKE.inveniasClientSecret).toString('base64')}\x07`);
    const screen = terminal.screen().replace(/\s+/g, ' ');
    expect(screen).toContain('(OSC 52), which cannot be confirmed: paste it once to check; if pasting gives nothing, your terminal does not allow OSC 52.');
    expect(screen).not.toContain('✔');
  });
});
