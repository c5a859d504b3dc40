// What only a real pseudo-terminal shows of the PingOne wizard: a refused paste under its prompt, Ctrl+C, and
// colour. The wizard's flow (defaults, What now?, Try again, --no-input) is in
// tests/integration/pingone-wizard-steps.test.ts, in-process.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { chooseAbove, doneWithHandOff, KEY, startPty } from '../helpers/pty.js';
import { pingOneInEurope } from '../helpers/wizard-walks.js';

// auth.pingone.eu is this test's server, reached through a real CONNECT proxy.
const europe = pingOneInEurope();

function wizard(configDir: string, args: string[] = [], env: Record<string, string | undefined> = {}) {
  return startPty(['pingone', ...args], { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: europe.proxy.url, ...env });
}

function savedProfile(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.pingone.default;
}

function savedSecret(configDir: string): string {
  return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.pingone.default.clientSecret;
}

describe('connector-setup pingone in a terminal', () => {
  test('refused pastes: the reason is shown under the prompt, which stays until a good value is given', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir);
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.enter);
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
    await doneWithHandOff(terminal);
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
    await doneWithHandOff(terminal);
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
    await chooseAbove(terminal, 1, /❯ Another domain/);
    await terminal.waitFor('? Auth Domain (host[:port])');
    const withPath = `https://${europe.server.hostPort}/${FAKE.environmentId}`;
    terminal.type(`${withPath}${KEY.enter}`);
    await terminal.waitFor('Auth Domain must be a host name only, without a path or query.');
    terminal.type(`${KEY.backspace.repeat(withPath.length + 5)}https://${europe.server.hostPort}/${KEY.enter}`);
    await terminal.waitFor('Enter these in Cyclr');
    await doneWithHandOff(terminal);
    expect(await terminal.exit).toBe(0);
    expect(savedProfile(configDir).values.authDomain).toBe(europe.server.hostPort);
    expectNoSecrets(terminal.screen());
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

});

describe('colour', () => {
  // Select Graphic Rendition: the escape sequences that colour or style text.
  const STYLE = /\x1b\[[0-9;]*m/;

  async function runVerifyInTerminal(env: Record<string, string | undefined>): Promise<string> {
    const terminal = startPty(['pingone', '--verify', '--auth-domain', europe.server.hostPort, '--environment-id', FAKE.environmentId, '--client-id', FAKE.clientId], {
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
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client ID');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(terminal.raw()).toContain('Set Grant Type to Client Credentials');
    expect(terminal.raw()).not.toMatch(STYLE);
  });
});
