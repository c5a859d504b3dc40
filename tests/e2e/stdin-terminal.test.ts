// A `--*-stdin` flag given in a terminal, where nothing was piped: the value is asked for masked, never read
// as plain typing that shows the secret on the screen.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { KEY, startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();

let server: PingOneServer;
beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});
afterAll(() => server.close());

function verifyWithStdinFlag(extra: string[], cols: number) {
  return startPty(
    ['pingone', '--verify', '--client-secret-stdin', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, ...extra],
    { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() },
    { cols },
  );
}

// At 40 columns, where the prompt and the refusal wrap; every other terminal test runs at 120.
describe.each([40])('--client-secret-stdin with a terminal on stdin, %i columns', (cols) => {
  test('asks for the Client Secret masked, and the secret never shows on the screen', async () => {
    const terminal = verifyWithStdinFlag([], cols);
    await terminal.waitFor('Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).toMatch(/\*{10}/);
    expectNoSecrets(terminal.raw());
  });

  test('with --no-input: refused at once (exit 2) with the ways that work', async () => {
    const terminal = verifyWithStdinFlag(['--no-input'], cols);
    expect(await terminal.exit).toBe(2);
    const screen = terminal.screen().replace(/\s+/g, ' ');
    expect(screen).toContain('--client-secret-stdin reads the Client Secret from a pipe, but standard input is a terminal.');
    expect(screen).toContain('environment variable');
  });
});
