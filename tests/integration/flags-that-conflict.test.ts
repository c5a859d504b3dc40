// Flags that ask for two different things are refused (exit 2, a message naming both), before anything is read
// from stdin or sent: a flag is never silently ignored.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

let invenias: InveniasServer;
let pingone: PingOneServer;

beforeAll(async () => {
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: 'cyclr.integration', password: FAKE.inveniasPassword }] });
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(async () => {
  await invenias.close();
  await pingone.close();
});

function requestsToInvenias(): number {
  return invenias.createRequests().length + invenias.renewRequests().length + invenias.tokenRequests().length;
}

describe('connector-setup invenias with flags that conflict', () => {
  test.each([
    [['--new-app', '--client-id', 'abc'], '--new-app creates an application, and Invenias issues its Client ID and Client Secret; --client-id would be ignored'],
    [['--new-app', '--client-secret-stdin'], '--client-secret-stdin would be ignored'],
    [['--renew', '--yes', '--client-secret-stdin'], '--renew gets a new Client Secret from Invenias; --client-secret-stdin would be ignored'],
    [['--new-app', '--renew'], '--new-app and --renew cannot be used together'],
    [['--verify', '--new-app'], '--verify never creates or renews anything; drop --new-app'],
    [['--verify', '--api-key-stdin'], 'drop --api-key-stdin'],
    [['--yes'], '--yes goes with --renew'],
    [['--verify', '--secret-out', 'kept.json'], '--verify issues none, so drop --secret-out'],
  ])('%j: exit 2, the message says what conflicts, nothing is sent', async (flags, message) => {
    const before = requestsToInvenias();
    const result = await runCli(['invenias', '--subdomain', 'acme', '--base-url', invenias.origin, ...flags, '--json'], {
      configDir: tempConfigDir(),
      stdin: `${FAKE.inveniasClientSecret}\n`,
      env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_USERNAME: 'cyclr.integration', INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' },
    });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(message);
    expect(requestsToInvenias()).toBe(before);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('without --json, the refusal is one clear line and its fix, no stack trace', async () => {
    const result = await runCli(['invenias', '--new-app', '--client-id', 'abc', '--subdomain', 'acme'], { configDir: tempConfigDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--client-id would be ignored');
    expect(result.stderr).toContain('Fix: Drop --new-app to verify the application you have, or drop --client-id to create a new one.');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('connector-setup pingone with flags that conflict', () => {
  test('--create with --client-secret-stdin: exit 2, PingOne issues the secret; nothing is sent', async () => {
    const before = pingone.tokenRequests().length;
    const result = await runCli(['pingone', '--create', '--client-secret-stdin', '--auth-domain', pingone.hostPort, '--environment-id', FAKE.environmentId, '--json'], {
      configDir: tempConfigDir(),
      stdin: `${FAKE.clientSecret}\n`,
    });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('--create gets the Client Secret from PingOne; --client-secret-stdin would be ignored');
    expect(pingone.tokenRequests().length).toBe(before);
  });
});
