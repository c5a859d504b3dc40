// More of the interactive PingOne wizard in a real pseudo-terminal: re-running with a saved profile,
// recovering from a refusal, refused pastes at the prompt, --no-input, and NO_COLOR.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, type WorkerApp, startPingOne } from '../helpers/pingone-server.js';
import { KEY, startPty } from '../helpers/pty.js';

const noRolesYet: WorkerApp = {
  clientId: 'cccccccc-0000-4000-8000-000000000001',
  clientSecret: FAKE.clientSecret,
  environmentId: FAKE.environmentId,
  roles: [],
};

/** A console change PingOne has not applied yet when the person chooses Try again (docs/partners.md P-SETTLE). */
const appliedLate: WorkerApp = { ...noRolesYet, clientId: 'cccccccc-0000-4000-8000-000000000002', roles: [] };

let server: PingOneServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }, noRolesYet, appliedLate]);
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': server.port });
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

function wizard(configDir: string, args: string[] = [], env: Record<string, string | undefined> = {}) {
  return startPty(['pingone', ...args], { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, ...env });
}

function savedProfile(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.default;
}

function savedSecret(configDir: string): string {
  return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.pingone.default.clientSecret;
}

describe('connector-setup pingone in a terminal', () => {
  test('re-running with a saved profile: the saved values are the defaults and Enter keeps every one', async () => {
    const configDir = tempConfigDir();
    const first = await runCli(['pingone', '--client-id', FAKE.clientId, '--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId], {
      configDir,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, HTTPS_PROXY: proxy.url },
    });
    expect(first.code).toBe(0);
    const before = server.tokenRequests().length;
    const terminal = wizard(configDir);
    await terminal.waitFor(`? Client ID (${FAKE.clientId})`);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client Secret (Enter keeps ****0001)');
    terminal.type(KEY.enter);
    await terminal.waitFor(/❯ auth\.pingone\.eu/);
    terminal.type(KEY.enter);
    await terminal.waitFor(`? Environment ID (${FAKE.environmentId})`);
    terminal.type(KEY.enter);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    const sent = server.tokenRequests().slice(before);
    expect(sent.map((request) => [request.path, request.form.get('client_id'), request.form.get('client_secret')])).toEqual([
      [`/${FAKE.environmentId}/as/token`, FAKE.clientId, FAKE.clientSecret],
    ]);
    expect(terminal.screen()).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expectNoSecrets(terminal.screen() + first.stderr + first.stdout);
    expect(savedSecret(configDir)).toBe(FAKE.clientSecret);
  });

  test('a wrong secret: the diagnosis, then "Change the values I entered", the right secret, success', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId]);
    await terminal.waitFor('? Client ID');
    terminal.type(`${FAKE.clientId}${KEY.enter}`);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.wrongSecret}${KEY.enter}`);
    await terminal.waitFor('? What now?');
    expect(terminal.screen()).toContain('✖ PingOne rejected the Client ID or Client Secret.');
    expect(terminal.screen()).toContain('Fix: Copy the Client ID and Client Secret again');
    terminal.mark();
    terminal.type(KEY.down);
    await terminal.waitFor(/❯ Change the values I entered/);
    terminal.type(KEY.enter);
    // Editing asks for every value again, offering what was entered.
    await terminal.waitFor(`? Client ID (${FAKE.clientId})`);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client Secret (Enter keeps ****0002)');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor(/❯ auth\.pingone\.eu/);
    terminal.type(KEY.enter);
    await terminal.waitFor(`? Environment ID (${FAKE.environmentId})`);
    terminal.type(KEY.enter);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expectNoSecrets(terminal.screen());
    expect(savedSecret(configDir)).toBe(FAKE.clientSecret);
  });

  test('a change PingOne applies only after a moment: "Try again" counts down and tries again until it works', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', appliedLate.clientId, '--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId]);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('? What now?');
    terminal.type(KEY.enter);
    // The first try after the change still sees no roles: the countdown starts, and the role arrives meanwhile.
    await terminal.waitFor('PingOne can take a few seconds to apply a change (no_roles): try 2 of 4 in 2 s');
    appliedLate.roles = ['Identity Data Read Only'];
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expectNoSecrets(terminal.screen());
  });

  test('no roles yet: the fix is shown; after granting a role in the console, "Try again" succeeds', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', noRolesYet.clientId, '--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId]);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('? What now?');
    expect(terminal.screen()).toContain('✖ The Worker application has no roles.');
    expect(terminal.screen()).toContain('Roles: click Grant Roles');
    noRolesYet.roles = ['Identity Data Read Only'];
    terminal.type(KEY.enter);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).not.toContain('? Client ID');
    expectNoSecrets(terminal.screen());
  });

  test('refused pastes: the reason is shown under the prompt, which stays until a good value is given', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir);
    await terminal.waitFor('? Client ID');
    terminal.type(`my-worker-app${KEY.enter}`);
    await terminal.waitFor('Client ID must be a UUID');
    terminal.type(`${KEY.backspace.repeat(20)}${FAKE.clientId}${KEY.enter}`);
    await terminal.waitFor('? Client Secret');
    terminal.type(`  ${FAKE.clientSecret}  ${KEY.enter}`);
    await terminal.waitFor('Removed whitespace around the pasted Client Secret.');
    await terminal.waitFor(/❯ Paste the AUTHORIZATION URL/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? AUTHORIZATION URL');
    terminal.mark();
    const withQuery = `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize?client_id=x`;
    terminal.type(`${withQuery}${KEY.enter}`);
    await terminal.waitFor('AUTHORIZATION URL must look like https://auth.pingone.eu/<environment id>/as/authorize.');
    terminal.type(`${KEY.backspace.repeat(withQuery.length + 5)}  https://auth.pingone.eu/${FAKE.environmentId}/as/authorize/  ${KEY.enter}`);
    await terminal.waitFor(`Auth Domain auth.pingone.eu, Environment ID ${FAKE.environmentId}`);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expect(savedProfile(configDir).values).toEqual({ clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId });
    expect(savedSecret(configDir)).toBe(FAKE.clientSecret);
    expectNoSecrets(terminal.screen());
  });

  test('a pasted AUTHORIZATION URL for another environment than --environment-id is refused at the prompt', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', FAKE.clientId, '--environment-id', FAKE.environmentId], { PINGONE_CLIENT_SECRET: FAKE.clientSecret });
    await terminal.waitFor(/❯ Paste the AUTHORIZATION URL/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? AUTHORIZATION URL');
    const other = `https://auth.pingone.eu/${FAKE.otherEnvironmentId}/as/authorize`;
    terminal.type(`${other}${KEY.enter}`);
    // The message wraps at the terminal's width.
    await terminal.waitFor(`This URL is for environment ${FAKE.otherEnvironmentId}, but --environment-id gives`);
    terminal.type(`${KEY.backspace.repeat(other.length + 5)}https://auth.pingone.eu/${FAKE.environmentId}/as/authorize${KEY.enter}`);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expect(savedProfile(configDir).values.environmentId).toBe(FAKE.environmentId);
    expectNoSecrets(terminal.screen());
  });

  test('a custom domain with a path is refused at the prompt; the host alone is accepted', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', FAKE.clientId, '--environment-id', FAKE.environmentId], {
      PINGONE_CLIENT_SECRET: FAKE.clientSecret,
      NO_PROXY: '127.0.0.1',
    });
    await terminal.waitFor('? Auth Domain');
    terminal.type(KEY.up);
    await terminal.waitFor(/❯ Another domain/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Auth Domain (host[:port])');
    const withPath = `https://${server.hostPort}/${FAKE.environmentId}`;
    terminal.type(`${withPath}${KEY.enter}`);
    await terminal.waitFor('Auth Domain must be a host name only, without a path or query.');
    terminal.type(`${KEY.backspace.repeat(withPath.length + 5)}https://${server.hostPort}/${KEY.enter}`);
    await terminal.waitFor('Enter these in Cyclr');
    expect(await terminal.exit).toBe(0);
    expect(savedProfile(configDir).values.authDomain).toBe(server.hostPort);
    expectNoSecrets(terminal.screen());
  });

  test('--no-input in a terminal: no question, exit 2 naming the missing value', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--no-input', '--auth-domain', 'auth.pingone.eu'], { PINGONE_CLIENT_SECRET: FAKE.clientSecret });
    expect(await terminal.exit).toBe(2);
    const screen = terminal.screen();
    expect(screen).toContain('Missing Client ID');
    expect(screen).toContain('--client-id or set PINGONE_CLIENT_ID');
    expect(screen).not.toContain('?');
    expect(screen).not.toContain('Applications > Applications');
    expectNoSecrets(screen);
  });
});

describe('leaving and scripting in a terminal', () => {
  test('Ctrl+C at "What now?" after a refusal: exit 130, nothing written', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', FAKE.clientId, '--authorization-url', `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`], {
      PINGONE_CLIENT_SECRET: FAKE.wrongSecret,
    });
    await terminal.waitFor('? What now?');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(readdirSync(configDir)).toEqual([]);
    expectNoSecrets(terminal.screen());
  });

  test('"Quit" after a refusal: the diagnosis, exit 1, nothing written', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--client-id', FAKE.clientId, '--authorization-url', `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`], {
      PINGONE_CLIENT_SECRET: FAKE.wrongSecret,
    });
    await terminal.waitFor('? What now?');
    terminal.type(`${KEY.up}`);
    await terminal.waitFor(/❯ Quit/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(1);
    expect(terminal.screen()).toContain('[invalid_client]');
    expect(readdirSync(configDir)).toEqual([]);
    expectNoSecrets(terminal.screen());
  });

  test('--json in a terminal: the checklist and the reason for "What now?" are still shown; then one JSON document', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir, ['--json', '--client-id', FAKE.clientId, '--authorization-url', `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`], {
      PINGONE_CLIENT_SECRET: FAKE.wrongSecret,
    });
    await terminal.waitFor('? What now?');
    expect(terminal.screen()).toContain('Set Grant Type to Client Credentials');
    expect(terminal.screen()).toContain('✖ PingOne rejected the Client ID or Client Secret.');
    terminal.type(KEY.up);
    await terminal.waitFor(/❯ Quit/);
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(1);
    expect(terminal.screen()).toContain('"code": "invalid_client"');
    expectNoSecrets(terminal.screen());
  });

  test('--verify in a terminal never asks: a missing value ends the run with exit 2', async () => {
    const terminal = wizard(tempConfigDir(), ['--verify', '--client-id', FAKE.clientId], { PINGONE_CLIENT_SECRET: FAKE.clientSecret });
    expect(await terminal.exit).toBe(2);
    expect(terminal.screen()).toContain('Missing Auth Domain');
    expect(terminal.screen()).not.toContain('?');
    expectNoSecrets(terminal.screen());
  });
});

describe('colour', () => {
  // Select Graphic Rendition: the escape sequences that colour or style text.
  const STYLE = /\x1b\[[0-9;]*m/;

  async function runVerifyInTerminal(env: Record<string, string | undefined>): Promise<string> {
    const terminal = startPty(['pingone', '--verify', '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--client-id', FAKE.clientId], {
      CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(),
      PINGONE_CLIENT_SECRET: FAKE.wrongSecret,
      FORCE_COLOR: undefined,
      ...env,
    });
    expect(await terminal.exit).toBe(1);
    expectNoSecrets(terminal.raw());
    return terminal.raw();
  }

  test('NO_COLOR=1 on a terminal: no escape sequence at all, the progress line included', async () => {
    const raw = await runVerifyInTerminal({ NO_COLOR: '1' });
    expect(raw).toContain('[invalid_client]');
    expect(raw).toContain('Token request (client credentials, Client Secret Post)');
    expect(raw).not.toContain('\x1b');
  });

  test('without NO_COLOR on a terminal, the same run is coloured', async () => {
    const raw = await runVerifyInTerminal({ NO_COLOR: undefined });
    expect(raw).toMatch(STYLE);
  });

  test('NO_COLOR=1 in the wizard: the checklist and the prompts are plain too', async () => {
    const terminal = wizard(tempConfigDir(), [], { NO_COLOR: '1', FORCE_COLOR: undefined });
    await terminal.waitFor('? Client ID');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(terminal.raw()).toContain('Set Grant Type to Client Credentials');
    expect(terminal.raw()).not.toMatch(STYLE);
  });
});
