// Saving where no keychain answers: the secret goes to the 0600 file, and the user hears so once, from the command
// that saved, in its own output (a setup's line before "Saved profile" and its --json warnings; an import's warnings).
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { openStore } from '../helpers/profiles.js';

let server: PingOneServer;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(() => server?.close());

/** No store named, and a session bus address nobody listens on: the keychain the default store tries is unavailable. */
const noKeychain = (configDir: string): Record<string, string | undefined> => ({
  CONNECTOR_SETUP_SECRET_STORE: undefined,
  DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(configDir, 'no-bus')}`,
});

const said = (configDir: string): string => `OS keychain unavailable: secrets saved in ${path.join(configDir, 'secrets.json')} (mode 0600).`;

test('a setup says it once, just before "Saved profile", and its --json warnings carry it once', async () => {
  const configDir = tempConfigDir();
  const result = await runCli(
    ['pingone', '--no-input', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'],
    { configDir, env: noKeychain(configDir), stdin: `${FAKE.clientSecret}\n` },
  );
  expect(result.code).toBe(0);
  const lines = result.stderr.split('\n');
  expect(lines.filter((line) => /keychain unavailable/i.test(line))).toEqual([`! ${said(configDir)}`]);
  expect(lines[lines.indexOf(`! ${said(configDir)}`) + 1]).toMatch(/^Saved profile "default" \(pingone\)/);
  const document = JSON.parse(result.stdout) as { warnings: string[] };
  expect(document.warnings.filter((warning) => /keychain unavailable/i.test(warning))).toEqual([said(configDir)]);
  expectNoSecrets(result.stdout + result.stderr);
});

test('profiles import says it with its other warnings, and the imported secret is in the file', async () => {
  const configDir = tempConfigDir();
  const text = `PINGONE_CLIENT_ID=${FAKE.clientId}\nPINGONE_AUTH_DOMAIN=${server.hostPort}\nPINGONE_ENVIRONMENT_ID=${FAKE.environmentId}\nPINGONE_CLIENT_SECRET=${FAKE.clientSecret}\n`;
  const result = await runCli(['profiles', 'import', '-', '--connector', 'pingone'], { configDir, env: noKeychain(configDir), stdin: text });
  expect(result.code).toBe(0);
  expect(result.stderr.split('\n').filter((line) => /keychain unavailable/i.test(line))).toEqual([`! ${said(configDir)}`]);
  expect(result.stderr).toContain('Imported profile "default" (pingone)');
  const saved = await openStore(configDir).get('pingone', 'default');
  expect(saved).toMatchObject({ secretStore: 'file', secrets: { clientSecret: FAKE.clientSecret } });
  expectNoSecrets(result.stdout + result.stderr);
});
