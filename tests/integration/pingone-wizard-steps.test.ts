// The interactive PingOne wizard's flow, driven in-process with scripted answers (what the pseudo-terminal tests
// in tests/e2e/pingone-wizard-flows.test.ts keep is what only a terminal shows: validation under the prompt,
// Ctrl+C, colour). Requests go to the stand-in as auth.pingone.eu through a CONNECT proxy, as a user's would.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { ENTER, choose, runInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/cli.js';
import { type PingOneServer, type WorkerApp, startPingOne } from '../helpers/pingone-server.js';

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

const env = (configDir: string, extra: Record<string, string> = {}) => ({ CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, ...extra });

function savedSecret(configDir: string): string {
  return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).secrets.pingone.default.clientSecret;
}

const AT_EU = ['--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId];
const AUTHORIZATION_URL = ['--authorization-url', `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`];

describe('connector-setup pingone, asked', () => {
  test('re-running with a saved profile: the saved values are the defaults and Enter keeps every one', async () => {
    const configDir = tempConfigDir();
    const first = await runInProcess(['pingone', '--client-id', FAKE.clientId, ...AT_EU], { env: env(configDir, { PINGONE_CLIENT_SECRET: FAKE.clientSecret }) });
    expect(first.code).toBe(0);
    const before = server.tokenRequests().length;
    const again = await runInProcess(['pingone'], { env: env(configDir), answers: [ENTER, ENTER, ENTER, ENTER, choose('Done')] });
    expect(again.code).toBe(0);
    expect(again.asked.slice(0, 4)).toEqual(['Client ID', 'Client Secret (Enter keeps ****0001)', 'Auth Domain (the host of the AUTHORIZATION URL)', 'Environment ID']);
    const sent = server.tokenRequests().slice(before);
    expect(sent.map((request) => [request.path, request.form.get('client_id'), request.form.get('client_secret')])).toEqual([
      [`/${FAKE.environmentId}/as/token`, FAKE.clientId, FAKE.clientSecret],
    ]);
    expect(again.stderr).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expectNoSecrets(again.stdout + again.stderr + first.stdout + first.stderr);
    expect(savedSecret(configDir)).toBe(FAKE.clientSecret);
  });

  test('a wrong secret: the diagnosis, then "Change the values I entered", the right secret, success', async () => {
    const configDir = tempConfigDir();
    const result = await runInProcess(['pingone', ...AT_EU], {
      env: env(configDir),
      // Editing asks for every value again, offering what was entered: Enter keeps the Client ID.
      answers: [choose('I create it in the PingOne console'), FAKE.clientId, FAKE.wrongSecret, choose('Change the values I entered'), ENTER, FAKE.clientSecret, ENTER, ENTER, choose('Done')],
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('✖ PingOne rejected the Client ID or Client Secret.');
    expect(result.stderr).toContain('Fix: Copy the Client ID and Client Secret again');
    expect(result.asked).toContain('Client Secret (Enter keeps ****0002)');
    expect(result.stderr).toMatch(/Client Secret\s+\*\*\*\*0001/);
    expectNoSecrets(result.stdout + result.stderr);
    expect(savedSecret(configDir)).toBe(FAKE.clientSecret);
  });

  test('"Try again" after a wrong secret sends it once more, with no countdown: a wrong secret does not settle', async () => {
    const configDir = tempConfigDir();
    const offered: string[] = [];
    const before = server.tokenRequests().length;
    const result = await runInProcess(['pingone', '--client-id', FAKE.clientId, ...AT_EU], {
      env: env(configDir, { PINGONE_CLIENT_SECRET: FAKE.wrongSecret }),
      answers: [
        (question) => {
          offered.push(question.choices?.[0]?.name ?? '');
          return choose('Try again')(question);
        },
        choose('Quit'),
      ],
    });
    expect(result.code).toBe(1);
    expect(offered).toEqual(['Change the values I entered']);
    expect(server.tokenRequests().length - before).toBe(2);
    expect(result.slept).toEqual([]);
    expect(result.stderr).not.toContain('Trying again in');
  });

  test('a change PingOne applies only after a moment: "Try again" counts down and tries again until it works', async () => {
    appliedLate.roles = [];
    const configDir = tempConfigDir();
    const before = server.tokenRequests().length;
    const result = await runInProcess(['pingone', '--client-id', appliedLate.clientId, ...AT_EU], {
      env: env(configDir),
      answers: [FAKE.clientSecret, choose('Try again'), choose('Done')],
      // The first try after the change still sees no roles; the role arrives during the countdown.
      onSleep: () => {
        appliedLate.roles = ['Identity Data Read Only'];
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Trying again in 2 s (try 2 of 4): PingOne can take a few seconds to apply a console change');
    expect(result.stderr).not.toContain('(no_roles)');
    expect(result.stderr).toContain('Enter these in Cyclr');
    // The refusal, the try that still saw no roles, and the one after the countdown.
    expect(server.tokenRequests().length - before).toBe(3);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('no roles yet: the fix is shown; after granting a role in the console, "Try again" succeeds', async () => {
    noRolesYet.roles = [];
    const result = await runInProcess(['pingone', '--client-id', noRolesYet.clientId, ...AT_EU], {
      env: env(tempConfigDir()),
      answers: [
        FAKE.clientSecret,
        (question) => {
          // The person reads the fix, grants a role in the console, then chooses Try again.
          noRolesYet.roles = ['Identity Data Read Only'];
          return choose('Try again')(question);
        },
        choose('Done'),
      ],
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('✖ The Worker application has no roles.');
    expect(result.stderr).toContain('Roles: click Grant Roles');
    expect(result.asked).not.toContain('Client ID');
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('--no-input in a terminal: no question, exit 2 naming the missing value', async () => {
    const configDir = tempConfigDir();
    const result = await runInProcess(['pingone', '--no-input', '--auth-domain', 'auth.pingone.eu'], {
      env: env(configDir, { PINGONE_CLIENT_SECRET: FAKE.clientSecret }),
      answers: [],
    });
    expect(result.code).toBe(2);
    expect(result.asked).toEqual([]);
    expect(result.stderr).toContain('Missing Client ID');
    expect(result.stderr).toContain('--client-id or set PINGONE_CLIENT_ID');
    expect(result.stderr).not.toContain('Applications > Applications');
    expect(readdirSync(configDir)).toEqual([]);
  });

  test('--verify in a terminal never asks: a missing value ends the run with exit 2', async () => {
    const result = await runInProcess(['pingone', '--verify', '--client-id', FAKE.clientId], {
      env: env(tempConfigDir(), { PINGONE_CLIENT_SECRET: FAKE.clientSecret }),
      answers: [],
    });
    expect(result.code).toBe(2);
    expect(result.asked).toEqual([]);
    expect(result.stderr).toContain('Missing Auth Domain');
  });
});

describe('leaving after a refusal', () => {
  test('"Quit" after a refusal: the diagnosis, exit 1, nothing written', async () => {
    const configDir = tempConfigDir();
    const result = await runInProcess(['pingone', '--client-id', FAKE.clientId, ...AUTHORIZATION_URL], {
      env: env(configDir, { PINGONE_CLIENT_SECRET: FAKE.wrongSecret }),
      answers: [choose('Quit')],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[invalid_client]');
    expect(readdirSync(configDir)).toEqual([]);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('--json in a terminal: the checklist and the reason for "What now?" are still shown; then one JSON document', async () => {
    const result = await runInProcess(['pingone', '--json', '--client-id', FAKE.clientId, ...AUTHORIZATION_URL], {
      env: env(tempConfigDir(), { PINGONE_CLIENT_SECRET: FAKE.wrongSecret }),
      answers: [choose('Quit')],
    });
    expect(result.code).toBe(1);
    expect(result.asked).toEqual(['What now?']);
    expect(result.stderr).toContain('Set Grant Type to Client Credentials');
    expect(result.stderr).toContain('✖ PingOne rejected the Client ID or Client Secret.');
    expect(JSON.parse(result.stdout).error.code).toBe('invalid_client');
    expectNoSecrets(result.stdout + result.stderr);
  });
});
