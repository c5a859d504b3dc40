// `--copy` inside a real tmux: what tmux's default settings drop, and what `set-clipboard on` takes. The tmux
// buffer is the proof a copy arrived; the screen must never claim more than that (no ✔ for OSC 52).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from '@jest/globals';
import { BIN, baseEnv } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { seedInveniasProfile } from '../helpers/profiles.js';

const run = promisify(execFile);

/** A private tmux server (its own socket, no user config), killed after each test. */
const servers: string[] = [];
afterEach(async () => {
  for (const socket of servers.splice(0)) await run('tmux', ['-S', socket, 'kill-server']).catch(() => undefined);
});

async function tmuxServer(env: NodeJS.ProcessEnv): Promise<(...args: string[]) => Promise<string>> {
  const socket = path.join(mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'tmux-')), 'socket');
  servers.push(socket);
  const tmux = async (...args: string[]): Promise<string> => (await run('tmux', ['-S', socket, ...args], { env })).stdout;
  // The holder session keeps the server up; each command then runs in a window of its own, kept after it ends.
  await tmux('-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '30', 'sleep 600');
  await tmux('set', '-g', 'remain-on-exit', 'on');
  return tmux;
}

/** Runs the built CLI in a tmux window; resolves with the window's text once the run has ended and been shown. */
async function inTmux(tmux: (...args: string[]) => Promise<string>, args: string[]): Promise<string> {
  const line = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  await tmux('new-window', '-d', '-n', 'run', `${line}; echo "exit=$?"; tmux wait-for -S ran`);
  await tmux('wait-for', 'ran');
  // The exit line comes after everything the run wrote, so once tmux shows it, it has taken in the OSC 52 too.
  // The whole history (-S -): tmux's "Pane is dead" line can scroll the first line out of the visible screen.
  for (;;) {
    const screen = await tmux('capture-pane', '-p', '-S', '-', '-t', 'run');
    if (/exit=\d+/.test(screen)) return screen;
  }
}

async function buffer(tmux: (...args: string[]) => Promise<string>): Promise<string | undefined> {
  return tmux('show-buffer').catch(() => undefined);
}

describe('--copy inside tmux (no display, so OSC 52 is the only way)', () => {
  test('set-clipboard on: the secret arrives in tmux, and the screen says it was sent, not that it was copied', async () => {
    const configDir = await seedInveniasProfile();
    const tmux = await tmuxServer(baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: configDir, DISPLAY: undefined, WAYLAND_DISPLAY: undefined }));
    await tmux('set', '-g', 'set-clipboard', 'on');
    const screen = await inTmux(tmux, ['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret']);
    expect(screen).toContain('exit=0');
    expect(await buffer(tmux)).toBe(FAKE.inveniasClientSecret);
    const text = screen.replace(/\s+/g, ' ');
    expect(text).toContain(`Sent the Client Secret of profile "acme" (invenias) to your terminal's clipboard (OSC 52), which cannot be confirmed`);
    expect(text).not.toContain('✔');
    expectNoSecrets(screen);
  });

  test("tmux's default: nothing arrives, and the screen names the setting that makes it work", async () => {
    const configDir = await seedInveniasProfile();
    const tmux = await tmuxServer(baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: configDir, DISPLAY: undefined, WAYLAND_DISPLAY: undefined }));
    const screen = await inTmux(tmux, ['profiles', 'show', 'invenias', 'acme', '--copy', 'client-secret']);
    expect(screen).toContain('exit=0');
    expect(await buffer(tmux)).toBeUndefined();
    const text = screen.replace(/\s+/g, ' ');
    expect(text).toContain('inside tmux it reaches the clipboard only with `tmux set -g set-clipboard on`');
    expect(text).not.toContain('✔');
    expectNoSecrets(screen);
  });
});
