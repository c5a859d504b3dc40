// The interactive PingOne wizard, driven through a real pseudo-terminal: keys typed, screen read.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { doneWithHandOff, KEY, startPty } from '../helpers/pty.js';
import { answerPingOneWizard, pingOneInEurope } from '../helpers/wizard-walks.js';

// auth.pingone.eu is this test's server, reached through a real CONNECT proxy.
const europe = pingOneInEurope();

function wizard(configDir: string) {
  return startPty(['pingone'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: europe.proxy.url });
}

describe('connector-setup pingone in a terminal', () => {
  test('a person types the values, picks Europe from the list, and gets the Cyclr values', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir);
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.enter);
    await terminal.waitFor('Set TOKEN ENDPOINT AUTHENTICATION METHOD to Client Secret Post');
    await terminal.waitFor('? Client ID');
    terminal.type(`${FAKE.clientId}${KEY.enter}`);
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('? Auth Domain');
    terminal.type(`${KEY.down}${KEY.down}${KEY.down}`);
    await terminal.waitFor(/❯ auth\.pingone\.eu/);
    terminal.type(KEY.enter);
    await terminal.waitFor('? Environment ID');
    terminal.type(`${FAKE.environmentId}${KEY.enter}`);
    await terminal.waitFor('Enter these in Cyclr Console > Connectors > Connector Library > PingOne > Setup');
    await doneWithHandOff(terminal);
    expect(await terminal.exit).toBe(0);
    const screen = terminal.screen();
    expect(screen).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expect(screen).toMatch(/Auth Domain\s+auth\.pingone\.eu/);
    expect(screen).toMatch(new RegExp(`Environment ID\\s+${FAKE.environmentId}`));
    expectNoSecrets(screen);
    expect(europe.proxy.targets).toContain('auth.pingone.eu:443');
    const profiles = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8'));
    expect(profiles.profiles.pingone.default.values).toEqual({
      clientId: FAKE.clientId,
      authDomain: 'auth.pingone.eu',
      environmentId: FAKE.environmentId,
    });
  });

  test('pasting the AUTHORIZATION URL fills in Auth Domain and Environment ID', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir);
    await answerPingOneWizard(terminal);
    expect(terminal.screen()).toContain('Enter these in Cyclr');
    await doneWithHandOff(terminal);
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).not.toMatch(/\? Environment ID/);
    expectNoSecrets(terminal.screen());
  });

  test('Ctrl+C at a prompt: exit 130 and nothing written', async () => {
    const configDir = tempConfigDir();
    const terminal = wizard(configDir);
    await terminal.waitFor('? The Worker application for Cyclr');
    terminal.type(KEY.enter);
    await terminal.waitFor('? Client ID');
    terminal.type(`${FAKE.clientId}${KEY.enter}`);
    await terminal.waitFor('? Client Secret');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(existsSync(path.join(configDir, 'profiles.json'))).toBe(false);
    expect(existsSync(path.join(configDir, 'secrets.json'))).toBe(false);
    expectNoSecrets(terminal.screen());
  });
});
