// `connector-setup pingone --create` and `--rotate` as a user runs them, against the PingOne token stand-in and the
// Management API stand-in, both reached under their real host names (auth.pingone.eu, api.pingone.eu) through a
// real CONNECT proxy: what is sent and in which order, what is saved, and what Cyclr's token request then gets.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { waitUntil } from '../helpers/fault-server.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { ENTER, choose, pressCtrlC, runInProcess } from '../helpers/in-process.js';
import { API_ANSWERS, type ApiCall, type ManagementApiServer, contractWorkerApp, startManagementApi } from '../helpers/pingone-api-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { makeUnwritable } from '../helpers/unwritable.js';

const ADMIN = { clientId: '22222222-3333-4444-8555-666666666666', clientSecret: 'FAKE-admin-secret-do-not-use-0006' };
const WEAK_ADMIN = { clientId: '33333333-4444-4555-8666-777777777777', clientSecret: 'FAKE-weak-admin-secret-do-not-use-0007' };
const TARGET = ['--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId];

/** The hand-off after a secret was issued: Cyclr's values offered to copy; Enter is done. */
const handOff = [ENTER];

let pingone: PingOneServer;
let api: ManagementApiServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  pingone = await startPingOne([
    { clientId: ADMIN.clientId, clientSecret: ADMIN.clientSecret, environmentId: FAKE.environmentId, roles: ['Environment Admin', 'Identity Data Admin'] },
    // May create applications but grant only Identity Data roles (docs/partners.md P-GRANT-LIMIT).
    { clientId: WEAK_ADMIN.clientId, clientSecret: WEAK_ADMIN.clientSecret, environmentId: FAKE.environmentId, roles: ['Client Application Developer', 'Identity Data Admin'] },
  ]);
  api = await startManagementApi(pingone, { pageSize: 4 });
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': pingone.port, 'api.pingone.eu:443': api.port });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([pingone.close(), api.close()]);
});

function env(admin = ADMIN): Record<string, string> {
  return { HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', PINGONE_ADMIN_CLIENT_ID: admin.clientId, PINGONE_ADMIN_CLIENT_SECRET: admin.clientSecret };
}

/** Every secret a run must never print: the admin's and every application secret the stand-in issued. */
function secrets(): string[] {
  return [ADMIN.clientSecret, WEAK_ADMIN.clientSecret, FAKE.clientSecret, ...pingone.apps.flatMap((app) => [app.clientSecret, app.previousSecret ?? app.clientSecret])];
}

function apiLinesSince(before: number): string[] {
  return api.lines().slice(before).map((line) => line.replace(FAKE.environmentId, '{env}'));
}

async function exported(configDir: string, profile = 'default'): Promise<Record<string, string>> {
  const result = await runCli(['profiles', 'export', 'pingone', profile, '--format', 'json'], { configDir, env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } });
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { values: Record<string, string> }).values;
}

describe('pingone --create', () => {
  test('creates the Worker app with the roles, reads its secret, saves it, and Cyclr\'s token request then works', async () => {
    const configDir = tempConfigDir();
    const apiBefore = api.calls().length;
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr create test', '--json'], { configDir, env: env() });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { ok: boolean; values: Record<string, string>; error: unknown };
    expect(document.ok).toBe(true);
    const app = api.created().at(-1);
    expect(app?.name).toBe('Cyclr create test');
    const id = app?.clientId ?? '';
    expect(document.values.applicationId).toBe(id);
    expect(document.values.clientId).toBe(id);
    // docs/contract.md "PingOne: create the Worker app", steps 2-6 in order.
    expect(apiLinesSince(apiBefore)).toEqual([
      'GET /v1/environments/{env}/applications',
      'GET /v1/roles',
      'GET /v1/roles?cursor=4',
      'GET /v1/roles?cursor=8',
      'POST /v1/environments/{env}/applications',
      `POST /v1/environments/{env}/applications/${id}/roleAssignments`,
      `GET /v1/environments/{env}/applications/${id}/secret`,
    ]);
    const sent = api.calls().slice(apiBefore);
    expect(sent[4]?.body).toEqual(contractWorkerApp('Cyclr create test'));
    expect(sent[5]?.body).toEqual({ role: { id: expect.any(String) }, scope: { id: FAKE.environmentId, type: 'ENVIRONMENT' } });
    expect(app?.roles).toEqual(['Identity Data Admin']);
    // Step 1, the admin's token, then step 7, the token request exactly as Cyclr sends it, with the new app's secret.
    const tokens = pingone.tokenRequests().slice(tokensBefore);
    expect(tokens.map((request) => request.form.get('client_id'))).toEqual([ADMIN.clientId, id]);
    expect(tokens[1]?.path).toBe(`/${FAKE.environmentId}/as/token`);
    expect(tokens[1]?.authorization).toBeUndefined();
    expect(Object.fromEntries(tokens[1]?.form ?? [])).toEqual({ grant_type: 'client_credentials', client_id: id, client_secret: app?.clientSecret });
    // The profile holds the application and its secret; the admin's secret is nowhere.
    const values = await exported(configDir);
    expect(values).toMatchObject({ clientId: id, clientSecret: app?.clientSecret, environmentId: FAKE.environmentId });
    expect(JSON.stringify(values)).not.toContain(ADMIN.clientSecret);
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('run again, it reuses the application it made (no second one) and grants only what it lacks', async () => {
    const configDir = tempConfigDir();
    const first = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rerun', '--json'], { configDir, env: env() });
    expect(first.code).toBe(0);
    const createdBefore = api.created().length;
    const apiBefore = api.calls().length;
    const again = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rerun', '--json'], { configDir, env: env() });
    expect(again.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    const id = api.created().at(-1)?.clientId ?? '';
    expect(apiLinesSince(apiBefore).filter((line) => !line.includes('/v1/roles'))).toEqual([
      'GET /v1/environments/{env}/applications',
      `GET /v1/environments/{env}/applications/${id}/roleAssignments`,
      `GET /v1/environments/{env}/applications/${id}/secret`,
    ]);
    const document = JSON.parse(again.stdout) as { values: Record<string, string>; warnings: string[] };
    expect(document.values.applicationId).toBe(id);
    expect(document.warnings.join(' ')).toContain(`Reused application Cyclr rerun (${id})`);
  });

  test('a profile saved from the console: --create reuses its application (its ID is the Client ID), whatever its name', async () => {
    const configDir = tempConfigDir();
    const consoleApp = { clientId: '55555555-6666-4777-8888-999999999999', clientSecret: 'FAKE-console-app-secret-0010', environmentId: FAKE.environmentId, name: 'Made in the console', roles: ['Identity Data Admin'] };
    pingone.apps.push(consoleApp);
    const saved = await runCli(['pingone', '--no-input', ...TARGET, '--client-id', consoleApp.clientId], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: consoleApp.clientSecret } });
    expect(saved.code).toBe(0);
    const createdBefore = api.created().length;
    const result = await runCli(['pingone', '--create', '--json'], { configDir, env: env() });
    expect(result.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    expect(JSON.parse(result.stdout).values.applicationId).toBe(consoleApp.clientId);
    expectNoSecrets(result.stdout + result.stderr, [...secrets(), consoleApp.clientSecret]);
  });

  test('a verify refused for no roles, with the admin worker at hand: the roles it lacks are named, and --create grants them', async () => {
    const roleless = { clientId: '66666666-7777-4888-8999-aaaaaaaaaaaa', clientSecret: 'FAKE-roleless-app-secret-0011', environmentId: FAKE.environmentId, name: 'No roles yet', roles: [] };
    pingone.apps.push(roleless);
    const appEnv = { ...env(), PINGONE_CLIENT_ID: roleless.clientId, PINGONE_CLIENT_SECRET: roleless.clientSecret };
    const refused = await runCli(['pingone', '--verify', ...TARGET, '--json'], { env: appEnv });
    expect(refused.code).toBe(1);
    const { error } = JSON.parse(refused.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('no_roles');
    expect(error.message).toContain('It holds 0 role assignments, without Identity Data Admin.');
    expect(error.hint).toContain(`connector-setup pingone --create --client-id ${roleless.clientId}`);
    const createdBefore = api.created().length;
    const fixed = await runCli(['pingone', '--create', ...TARGET, '--client-id', roleless.clientId, '--json'], { env: env() });
    expect(fixed.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    expect(roleless.roles).toEqual(['Identity Data Admin']);
    expectNoSecrets(refused.stdout + refused.stderr + fixed.stdout + fixed.stderr, [...secrets(), roleless.clientSecret]);
  });

  test('--dry-run sends only the admin token and the GETs, prints the plan and the requests, and saves nothing', async () => {
    const configDir = tempConfigDir();
    const apiBefore = api.calls().length;
    const createdBefore = api.created().length;
    const result = await runCli(['pingone', '--create', '--dry-run', ...TARGET, '--app-name', 'Cyclr dry run', '--json'], { configDir, env: env() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, error: null });
    expect(api.calls().slice(apiBefore).every((call) => call.method === 'GET')).toBe(true);
    expect(api.created().length).toBe(createdBefore);
    expect(result.stderr).toContain('Roles         Identity Data Admin');
    expect(result.stderr).toContain(`POST to:\nhttps://api.pingone.eu/v1/environments/${FAKE.environmentId}/applications\n`);
    expect(result.stderr).toContain('"tokenEndpointAuthMethod": "CLIENT_SECRET_POST"');
    expect(result.stderr).toContain('/applications/{id}/roleAssignments');
    expect(result.stderr).toContain('Dry run: nothing was created or changed.');
    const list = await runCli(['profiles', 'list', '--json'], { configDir });
    expect(JSON.parse(list.stdout)).toEqual({ profiles: [] });
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('a wrong admin secret: admin_rejected (exit 1), nothing asked of the Management API', async () => {
    const apiBefore = api.calls().length;
    const result = await runCli(['pingone', '--create', ...TARGET, '--json'], { env: env({ clientId: ADMIN.clientId, clientSecret: FAKE.wrongSecret }) });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('admin_rejected');
    expect(api.calls().length).toBe(apiBefore);
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('a role the admin may not grant: admin_forbidden naming the role and the role the admin would need', async () => {
    const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr weak admin', '--roles', 'Environment Admin', '--json'], { env: env(WEAK_ADMIN) });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('admin_forbidden');
    expect(error.message).toContain('grant the role Environment Admin');
    expect(error.hint).toContain('Environment Admin');
  });

  test('a role PingOne does not list: role_not_found (exit 2) before anything is created', async () => {
    const createdBefore = api.created().length;
    const result = await runCli(['pingone', '--create', ...TARGET, '--roles', 'Identity Data Admin,Cyclr Operator', '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('role_not_found');
    expect(api.created().length).toBe(createdBefore);
  });

  test('without the admin secret and no terminal: exit 2 naming it, nothing sent', async () => {
    const apiBefore = api.calls().length;
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', '--create', ...TARGET, '--json'], { env: { ...env(), PINGONE_ADMIN_CLIENT_SECRET: undefined } });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('missing_input');
    expect(error.message).toContain("Admin worker's Client Secret");
    expect(error.hint).toContain('PINGONE_ADMIN_CLIENT_SECRET');
    expect(api.calls().length).toBe(apiBefore);
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });

  test.each([['--create'], ['--rotate', '--client-id', FAKE.clientId]])(
    '%s into a profile directory that cannot be written: exit 2, config_unusable, nothing sent',
    async (...flags) => {
      const configDir = tempConfigDir();
      const restore = makeUnwritable(configDir);
      try {
        const apiBefore = api.calls().length;
        const tokensBefore = pingone.tokenRequests().length;
        const result = await runCli(['pingone', ...flags, ...TARGET, '--json'], { configDir, env: env() });
        expect(result.code).toBe(2);
        expect(JSON.parse(result.stdout).error.code).toBe('config_unusable');
        expect(api.calls().length).toBe(apiBefore);
        expect(pingone.tokenRequests().length).toBe(tokensBefore);
      } finally {
        restore();
      }
    },
  );

  test('a custom Auth Domain without --api-url: exit 2, the Management API cannot be guessed', async () => {
    const result = await runCli(['pingone', '--create', '--auth-domain', 'login.example.com', '--environment-id', FAKE.environmentId, '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.hint).toContain('--api-url');
  });

  test.each([
    [['--create', '--rotate'], '--create and --rotate cannot be used together'],
    [['--dry-run'], '--dry-run goes with --create'],
    [['--rotate', '--keep-previous', '721'], '--keep-previous must be a whole number of hours from 1 to 720'],
    [['--rotate', '--keep-previous', '0'], '--keep-previous must be a whole number of hours from 1 to 720'],
    [['--finish'], '--finish goes with --rotate'],
    [['--create', '--no-save'], '--no-save does not go with --create'],
    [['--verify', '--rotate'], '--verify never creates or changes anything'],
  ])('%j: exit 2 with the reason, nothing sent', async (flags, message) => {
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', ...flags, ...TARGET, '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain(message);
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });
});

describe('Ctrl+C during --create', () => {
  /** Holds the requests `held` picks until the test lets them go (the run is interrupted meanwhile). */
  function holding(): { release: () => void; held: Promise<void> } {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    return { release, held };
  }

  /**
   * Runs the create, holds the first Management API request `picks` and presses Ctrl+C the moment it arrives, then
   * lets the request go on once the run has ended (PingOne does what it was asked, unheard): the run's result.
   * In this process (pressCtrlC); interrupt.test.ts sends real signals to the built CLI.
   */
  async function interruptedAt(args: string[], configDir: string, picks: (call: ApiCall) => boolean, extraEnv: Record<string, string> = {}) {
    const gate = holding();
    let arrived = false;
    api.onRequest((call) => {
      if (arrived || !picks(call)) return undefined;
      arrived = true;
      pressCtrlC();
      return gate.held;
    });
    try {
      const result = await runCli([...args, '--timeout', '300'], { configDir, env: { ...env(), ...extraEnv }, timeoutMs: 30_000 });
      expect(arrived).toBe(true);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expectNoStackTrace(result.stderr);
      expectNoSecrets(result.stdout + result.stderr, secrets());
      return result;
    } finally {
      api.onRequest(undefined);
      gate.release();
    }
  }

  /** Presses Ctrl+C once the run says it waits for the profile lock (another process holds it). */
  function ctrlCWhenWaitingForTheLock(): (text: string) => void {
    let said = '';
    let pressed = false;
    return (text) => {
      said += text;
      if (pressed || !said.includes('Waiting for another connector-setup')) return;
      pressed = true;
      pressCtrlC();
    };
  }

  const is = (method: string, path: RegExp) => (call: ApiCall) => call.method === method && path.test(new URL(call.path, 'https://x').pathname);

  test('while the applications are listed (nothing changed yet): exit 130, nothing created, nothing saved', async () => {
    const configDir = tempConfigDir();
    const createdBefore = api.created().length;
    const result = await interruptedAt(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCList'], configDir, is('GET', /\/applications$/));
    expect(result.stderr).toContain('Interrupted.');
    expect(result.stderr).toContain('Nothing was half-written');
    expect(api.created().length).toBe(createdBefore);
    expect(JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir })).stdout)).toEqual({ profiles: [] });
  });

  test('while PingOne creates the application: exit 130 saying it may exist; the command it gives reuses it, never a second one', async () => {
    const configDir = tempConfigDir();
    const result = await interruptedAt(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCCreate'], configDir, is('POST', /\/applications$/));
    expect(result.stderr).toContain('Interrupted while PingOne was creating application CyclrCtrlCCreate: it may exist now.');
    expect(result.stderr).toContain('pingone --create --app-name CyclrCtrlCCreate');
    await waitUntil(() => api.created().some((app) => app.name === 'CyclrCtrlCCreate'), 'PingOne made the application it was asked for');
    const createdBefore = api.created().length;
    const again = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCCreate', '--json'], { configDir, env: env() });
    expect(again.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    expect(JSON.parse(again.stdout).values.applicationId).toBe(api.created().find((app) => app.name === 'CyclrCtrlCCreate')?.clientId);
  });

  test('while a role is granted: exit 130 naming the application not saved yet, and the --create --client-id that picks it up', async () => {
    const configDir = tempConfigDir();
    const result = await interruptedAt(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCGrant'], configDir, is('POST', /\/roleAssignments$/));
    const app = api.created().find((created) => created.name === 'CyclrCtrlCGrant');
    const id = app?.clientId ?? 'none';
    expect(result.stderr).toContain(`Interrupted. Application ${id} (CyclrCtrlCGrant) is in PingOne, but not saved in profile "default" yet.`);
    expect(result.stderr).toContain(`pingone --create --client-id ${id}`);
    await waitUntil(() => (app?.roles ?? []).length > 0, 'PingOne granted the role it was asked for');
    const createdBefore = api.created().length;
    const again = await runCli(['pingone', '--create', ...TARGET, '--client-id', id, '--json'], { configDir, env: env() });
    expect(again.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    expect((await exported(configDir)).clientSecret).toBe(app?.clientSecret);
  });

  test('during --rotate, while PingOne rotates: exit 130; the old secret still works, and the --create it names saves the new one', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCRotate'], { configDir, env: env() })).code).toBe(0);
    const app = api.created().at(-1);
    const oldSecret = app?.clientSecret ?? '';
    const result = await interruptedAt(['pingone', '--rotate'], configDir, is('POST', /\/secret$/));
    expect(result.stderr).toContain(`Interrupted while PingOne was rotating the Client Secret of application ${app?.clientId ?? ''}: it may have a new one now.`);
    expect(result.stderr).toMatch(/keeps working until \d{4}-\d\d-\d\dT/);
    expect(result.stderr).toContain('pingone --create');
    expect(result.stderr).toContain('(not --rotate, which would end that overlap)');
    await waitUntil(() => app?.clientSecret !== oldSecret, 'PingOne rotated the secret');
    expect((await exported(configDir)).clientSecret).toBe(oldSecret);
    const picked = await runCli(['pingone', '--create', '--json'], { configDir, env: env() });
    expect(picked.code).toBe(0);
    expect((await exported(configDir)).clientSecret).toBe(app?.clientSecret);
    expect(JSON.parse(picked.stdout).values.previousSecretExpiresAt).toBe(new Date(app?.previousExpiresAt ?? 0).toISOString());
    const withOld = await runCli(['pingone', '--verify', '--json'], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: oldSecret } });
    expect(withOld.code).toBe(0);
  });

  test('during --rotate --finish, while PingOne drops the previous secret: exit 130, and running it again finishes', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCFinish'], { configDir, env: env() })).code).toBe(0);
    expect((await runCli(['pingone', '--rotate'], { configDir, env: env() })).code).toBe(0);
    const result = await interruptedAt(['pingone', '--rotate', '--finish'], configDir, is('DELETE', /\/secret$/));
    expect(result.stderr).toContain('Interrupted while PingOne was dropping the previous Client Secret');
    expect(result.stderr).toContain('pingone --rotate --finish');
    expect((await runCli(['pingone', '--rotate', '--finish'], { configDir, env: env() })).code).toBe(0);
  });

  test('during a 429 wait: the countdown is shown, Ctrl+C ends it with exit 130 and nothing is sent again', async () => {
    const configDir = tempConfigDir();
    api.interject({ method: 'GET', path: /\/applications$/, status: 429, body: API_ANSWERS.rateLimited(), headers: { 'retry-after': '60' } });
    const before = api.calls().length;
    // Ctrl+C during the first second of the countdown.
    const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCWait', '--timeout', '300'], { configDir, env: env(), timeoutMs: 30_000, onSleep: pressCtrlC });
    expect(result.stderr).toContain("PingOne's Management API asks to slow down (429): trying again in 60 s");
    expect(result.slept).toHaveLength(1);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(api.calls().slice(before).filter((call) => call.path.endsWith('/applications'))).toHaveLength(1);
  });

  test("while the admin worker's token is asked for: exit 130, nothing asked of the Management API", async () => {
    const gate = holding();
    const tokensBefore = pingone.tokenRequests().length;
    const apiBefore = api.calls().length;
    let held = false;
    pingone.onTokenRequest(() => {
      held = true;
      pressCtrlC();
      return gate.held;
    });
    try {
      const result = await runCli(['pingone', '--create', ...TARGET, '--timeout', '300'], { env: env(), timeoutMs: 30_000 });
      expect(held).toBe(true);
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('Interrupted.');
      expect(pingone.tokenRequests().length - tokensBefore).toBe(1);
      expect(api.calls().length).toBe(apiBefore);
    } finally {
      pingone.onTokenRequest(undefined);
      gate.release();
    }
  });

  test('while the new secret waits to be saved (another process holds the profile lock): exit 130, and the --create it names saves it', async () => {
    const configDir = tempConfigDir();
    const lock = path.join(configDir, 'profiles.lock');
    api.onRequest((call) => {
      // The process that started this test (alive, and not the run's) owns the lock from the moment PingOne is asked for the secret.
      if (call.method === 'GET' && call.path.endsWith('/secret')) writeFileSync(lock, `${process.ppid}\n`);
    });
    try {
      const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCSave'], { configDir, env: env(), timeoutMs: 30_000, onStderr: ctrlCWhenWaitingForTheLock() });
      expect(result.stderr).toContain(`Waiting for another connector-setup (process ${process.ppid})`);
      expect(result.code).toBe(130);
      const id = api.created().find((app) => app.name === 'CyclrCtrlCSave')?.clientId ?? 'none';
      expect(result.stderr).toContain(`PingOne issued a Client Secret for application ${id}, but it could not be saved: the save was interrupted (Ctrl+C)`);
      expect(result.stderr).toContain('pingone --create');
      expectNoSecrets(result.stdout + result.stderr, secrets());
    } finally {
      api.onRequest(undefined);
      rmSync(lock, { force: true });
    }
    const createdBefore = api.created().length;
    const again = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCSave', '--json'], { configDir, env: env() });
    expect(again.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
  });

  test('during the countdown while a new application settles: exit 130, its secret already saved, and --verify then passes', async () => {
    const configDir = tempConfigDir();
    // PingOne has not applied the new application's role yet: its token requests are refused for no roles.
    pingone.onTokenRequest(() => {
      const app = api.created().find((created) => created.name === 'CyclrCtrlCSettle');
      if (app) app.roles = [];
    });
    let result;
    try {
      // Ctrl+C during the first second of the countdown.
      result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCSettle', '--timeout', '300'], { configDir, env: env(), timeoutMs: 30_000, onSleep: pressCtrlC });
      expect(result.stderr).toContain('PingOne can take a few seconds to apply');
      expect(result.slept).toHaveLength(1);
    } finally {
      pingone.onTokenRequest(undefined);
    }
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    const app = api.created().find((created) => created.name === 'CyclrCtrlCSettle');
    expect(result.stderr).toContain(`Application ${app?.clientId ?? 'none'} and its Client Secret are saved in profile "default".`);
    expect((await exported(configDir)).clientSecret).toBe(app?.clientSecret);
    if (app) app.roles = ['Identity Data Admin'];
    expect((await runCli(['pingone', '--verify', '--json'], { configDir, env: env() })).code).toBe(0);
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('while --save-admin waits to save the admin worker (another process holds the profile lock): exit 130, nothing created, nothing saved', async () => {
    const configDir = tempConfigDir();
    const lock = path.join(configDir, 'profiles.lock');
    const createdBefore = api.created().length;
    const apiBefore = api.calls().length;
    // The admin worker's token is issued; from then on the process that started this test (not the run's) holds the lock.
    pingone.onTokenRequest(() => writeFileSync(lock, `${process.ppid}\n`));
    try {
      const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'CyclrCtrlCSaveAdmin', '--save-admin'], { configDir, env: env(), timeoutMs: 30_000, onStderr: ctrlCWhenWaitingForTheLock() });
      expect(result.stderr).toContain(`Waiting for another connector-setup (process ${process.ppid})`);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('Interrupted.');
      expectNoSecrets(result.stdout + result.stderr, secrets());
    } finally {
      pingone.onTokenRequest(undefined);
      rmSync(lock, { force: true });
    }
    expect(api.created().length).toBe(createdBefore);
    expect(api.calls().length).toBe(apiBefore);
    expect(JSON.parse((await runCli(['profiles', 'list', '--json'], { configDir })).stdout)).toEqual({ profiles: [] });
  });

  test('while the secret is being read: exit 130; the application is not lost, the next --create reuses it', async () => {
    const configDir = tempConfigDir();
    const gate = holding();
    let arrived = false;
    api.onRequest((call) => {
      if (call.method !== 'GET' || !call.path.endsWith('/secret')) return undefined;
      arrived = true;
      pressCtrlC();
      return gate.held;
    });
    try {
      const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr interrupted', '--timeout', '300'], { configDir, env: env(), timeoutMs: 30_000 });
      expect(arrived).toBe(true);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expectNoSecrets(result.stdout + result.stderr, secrets());
    } finally {
      api.onRequest(undefined);
      gate.release();
    }
    const createdBefore = api.created().length;
    const again = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr interrupted', '--json'], { configDir, env: env() });
    expect(again.code).toBe(0);
    expect(api.created().length).toBe(createdBefore);
    expect(JSON.parse(again.stdout).values.applicationId).toBe(api.created().find((app) => app.name === 'Cyclr interrupted')?.clientId);
  });

  test('during the token check, after the secret was saved: exit 130 naming the saved application', async () => {
    const configDir = tempConfigDir();
    const gate = holding();
    const tokensBefore = pingone.tokenRequests().length;
    let holdingCheck = false;
    pingone.onTokenRequest(() => {
      // The admin's token passes; the check with the new application's secret is held.
      if (pingone.tokenRequests().length - tokensBefore < 2) return undefined;
      holdingCheck = true;
      pressCtrlC();
      return gate.held;
    });
    try {
      const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr interrupted check', '--timeout', '300'], { configDir, env: env(), timeoutMs: 30_000 });
      expect(holdingCheck).toBe(true);
      expect(result.code).toBe(130);
      const id = api.created().find((app) => app.name === 'Cyclr interrupted check')?.clientId ?? 'none';
      expect(result.stderr).toContain(`Application ${id} and its Client Secret are saved in profile "default".`);
      expect((await exported(configDir)).clientId).toBe(id);
      expectNoSecrets(result.stdout + result.stderr, secrets());
    } finally {
      pingone.onTokenRequest(undefined);
      gate.release();
    }
  });
});

describe('pingone --rotate', () => {
  test('a new secret, saved and verified; the old one keeps working until --keep-previous ends; --finish drops it', async () => {
    const configDir = tempConfigDir();
    const created = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rotation', '--json'], { configDir, env: env() });
    expect(created.code).toBe(0);
    const app = api.created().at(-1);
    const oldSecret = app?.clientSecret ?? '';
    const started = Date.now();

    const rotated = await runCli(['pingone', '--rotate', '--keep-previous', '48', '--json'], { configDir, env: env() });
    expect(rotated.code).toBe(0);
    const document = JSON.parse(rotated.stdout) as { values: Record<string, string>; warnings: string[] };
    const until = Date.parse(document.values.previousSecretExpiresAt ?? '');
    expect(until).toBeGreaterThanOrEqual(started + 48 * 3_600_000);
    expect(until).toBeLessThan(started + 49 * 3_600_000);
    expect(document.warnings.join(' ')).toContain('run connector-setup pingone --rotate --finish');
    const newSecret = app?.clientSecret ?? '';
    expect(newSecret).not.toBe(oldSecret);
    expect((await exported(configDir)).clientSecret).toBe(newSecret);
    expect(api.calls().filter((call) => call.method === 'POST' && call.path.endsWith('/secret')).at(-1)?.body).toEqual({
      previous: { expiresAt: new Date(until).toISOString() },
    });

    // Cyclr still holding the old secret is not broken: both get tokens during the overlap.
    const withOld = await runCli(['pingone', '--verify', '--json'], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: oldSecret } });
    expect(withOld.code).toBe(0);
    const saved = await runCli(['pingone', '--verify', '--json'], { configDir, env: env() });
    expect(saved.code).toBe(0);
    expect((JSON.parse(saved.stdout) as { warnings: string[] }).warnings.join(' ')).toContain(`The previous Client Secret still works until ${new Date(until).toISOString()}`);

    const shown = await runCli(['profiles', 'show', 'pingone'], { configDir });
    expect(shown.stdout + shown.stderr).toMatch(new RegExp(`Previous secret valid until\\s+${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC`));
    const batch = await runCli(['verify', '--all', '--json'], { configDir, env: { HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file' } });
    expect(batch.code).toBe(0);
    expect(JSON.stringify(JSON.parse(batch.stdout).results[0].warnings)).toContain('--rotate --finish');

    const finished = await runCli(['pingone', '--rotate', '--finish', '--json'], { configDir, env: env() });
    expect(finished.code).toBe(0);
    expect(api.lines().at(-1)).toBe(`DELETE /v1/environments/${FAKE.environmentId}/applications/${app?.clientId ?? ''}/secret`);
    const oldNow = await runCli(['pingone', '--verify', '--json'], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: oldSecret } });
    expect(oldNow.code).toBe(1);
    const after = await runCli(['pingone', '--verify', '--json'], { configDir, env: env() });
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as { warnings: string[] }).warnings.join(' ')).not.toContain('previous Client Secret');
    expectNoSecrets([rotated, withOld, saved, shown, batch, finished, oldNow, after].map((run) => run.stdout + run.stderr).join('\n'), secrets());
  });

  test('after the overlap has ended: --finish says there is nothing to finish and sends nothing; list, show and verify no longer name the date', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr overlap ended', '--json'], { configDir, env: env() })).code).toBe(0);
    const id = api.created().at(-1)?.clientId ?? '';
    const rotated = await runCli(['pingone', '--rotate', '--keep-previous', '1', '--json'], { configDir, env: env() });
    expect(rotated.code).toBe(0);
    const until = (JSON.parse(rotated.stdout) as { values: Record<string, string> }).values.previousSecretExpiresAt ?? '';
    const later = Date.parse(until) + 60_000;
    const apiBefore = api.calls().length;
    const tokensBefore = pingone.tokenRequests().length;
    // No admin worker at hand: none is needed to learn that nothing is left to drop.
    const finished = await runCli(['pingone', '--rotate', '--finish', '--json'], { configDir, clockStart: later, env: { HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file' } });
    expect(finished.code).toBe(0);
    expect(finished.stderr).toContain(`Nothing to finish: the previous Client Secret of application ${id} already stopped working at ${until}.`);
    expect(finished.stderr).not.toContain('still works until');
    expect(api.calls().length).toBe(apiBefore);
    expect(pingone.tokenRequests().slice(tokensBefore).map((request) => request.form.get('client_id'))).toEqual([id]);

    const verified = await runCli(['pingone', '--verify', '--json'], { configDir, clockStart: later, env: { HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file' } });
    expect(verified.code).toBe(0);
    expect((JSON.parse(verified.stdout) as { warnings: string[] }).warnings).toEqual([]);
    expect(verified.stderr).not.toContain(until);
    const shown = await runCli(['profiles', 'show', 'pingone'], { configDir, clockStart: later });
    expect(shown.code).toBe(0);
    expect(shown.stdout + shown.stderr).not.toContain('Previous secret valid until');
    const listed = await runCli(['profiles', 'list', '--json'], { configDir, clockStart: later });
    expect(JSON.parse(listed.stdout).profiles[0].values.previousSecretExpiresAt).toBeUndefined();
    const listedNow = await runCli(['profiles', 'list'], { configDir });
    expect(listedNow.stdout).toMatch(new RegExp(`Previous secret valid until +${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC\\n`));
    expectNoSecrets([finished, verified, shown, listed].map((run) => run.stdout + run.stderr).join('\n'), secrets());
  });

  test('rotating again during the overlap says that the secret before the current one stops now (PingOne keeps one previous secret)', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rotated twice', '--json'], { configDir, env: env() })).code).toBe(0);
    const app = api.created().at(-1);
    const first = app?.clientSecret ?? '';
    const once = await runCli(['pingone', '--rotate', '--json'], { configDir, env: env() });
    expect(once.code).toBe(0);
    const until = (JSON.parse(once.stdout) as { values: Record<string, string> }).values.previousSecretExpiresAt ?? '';
    expect((JSON.parse(once.stdout) as { warnings: string[] }).warnings.join(' ')).not.toContain('The secret before the current one');
    const twice = await runCli(['pingone', '--rotate', '--json'], { configDir, env: env() });
    expect(twice.code).toBe(0);
    expect((JSON.parse(twice.stdout) as { warnings: string[] }).warnings.join(' ')).toContain(`The secret before the current one, which still worked until ${until}, stops working now`);
    const withFirst = await runCli(['pingone', '--verify', '--json'], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: first } });
    expect(withFirst.code).toBe(1);
    expectNoSecrets([once, twice, withFirst].map((run) => run.stdout + run.stderr).join('\n'), secrets());
  });

  test('a profile that names no application: exit 2, nothing sent', async () => {
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', '--rotate', ...TARGET, '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('names no application');
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });
});

describe('--save-admin: the admin worker kept in a profile of its own, only when asked', () => {
  const bare = (): Record<string, string> => ({ HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file' });

  function secretsFile(configDir: string): { secrets: Record<string, Record<string, Record<string, string>>> } {
    return JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8'));
  }

  test('--create --save-admin keeps it in profile "admin" (secret in the chosen store, never printed); a later --rotate needs nothing more', async () => {
    const configDir = tempConfigDir();
    const created = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr kept admin', '--save-admin', '--json'], { configDir, env: env() });
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`Saved the admin worker ${ADMIN.clientId} in profile "admin"`);
    expect(JSON.parse(created.stdout).values.adminProfile).toBe('admin');
    const kept = secretsFile(configDir).secrets.pingone;
    expect(kept?.admin).toEqual({ clientSecret: ADMIN.clientSecret });
    expect(kept?.default).toEqual({ clientSecret: api.created().at(-1)?.clientSecret });
    const shown = await runCli(['profiles', 'show', 'pingone', 'admin', '--json'], { configDir });
    expect(JSON.parse(shown.stdout).values).toMatchObject({ clientId: ADMIN.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId });

    const tokensBefore = pingone.tokenRequests().length;
    const rotated = await runCli(['pingone', '--rotate', '--json'], { configDir, env: bare() });
    expect(rotated.code).toBe(0);
    expect(pingone.tokenRequests()[tokensBefore]?.form.get('client_id')).toBe(ADMIN.clientId);
    // The admin worker is a Worker app like any other: verify --all checks its credentials too.
    const batch = await runCli(['verify', '--all', '--json'], { configDir, env: bare() });
    expect(batch.code).toBe(0);
    expect((JSON.parse(batch.stdout) as { results: Array<{ profile: string }> }).results.map((result) => result.profile).sort()).toEqual(['admin', 'default']);
    expectNoSecrets([created, shown, rotated, batch].map((run) => run.stdout + run.stderr).join('\n'), secrets());
  });

  test('without --save-admin nothing of the admin worker\'s secret is saved, and a later --rotate asks for it again (exit 2 without a terminal)', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr admin not kept', '--json'], { configDir, env: env() })).code).toBe(0);
    expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).not.toContain(ADMIN.clientSecret);
    const rotated = await runCli(['pingone', '--rotate', '--json'], { configDir, env: bare() });
    expect(rotated.code).toBe(2);
    expect(JSON.parse(rotated.stdout).error.message).toContain("Admin worker's Client Secret");
  });

  test('a kept admin worker whose secret PingOne no longer accepts: admin_rejected naming the profile it came from and how to keep the new one', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr kept admin, changed', '--save-admin', '--admin-profile', 'ops-admin'], { configDir, env: env() })).code).toBe(0);
    const admin = pingone.apps.find((app) => app.clientId === ADMIN.clientId);
    if (!admin) throw new Error('no admin worker');
    admin.clientSecret = 'FAKE-admin-secret-changed-in-console-0099';
    try {
      const result = await runCli(['pingone', '--rotate', '--json'], { configDir, env: bare() });
      expect(result.code).toBe(1);
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
      expect(error.code).toBe('admin_rejected');
      expect(error.message).toContain('It came from profile "ops-admin" (--admin-profile).');
      expect(error.hint).toContain('pingone --rotate --save-admin');
      expectNoSecrets(result.stdout + result.stderr, [...secrets(), admin.clientSecret]);
    } finally {
      admin.clientSecret = ADMIN.clientSecret;
    }
  });

  test('--admin-profile naming a profile that does not exist: exit 2 profile_not_found, nothing sent', async () => {
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', '--rotate', ...TARGET, '--client-id', FAKE.clientId, '--admin-profile', 'ops-admin', '--json'], { env: bare() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'profile_not_found', message: 'No PingOne profile "ops-admin" keeps the admin worker (--admin-profile ops-admin).' });
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });

  test.each([
    [['--save-admin'], '--save-admin goes with --create or --rotate'],
    [['--create', '--dry-run', '--save-admin'], '--dry-run saves nothing'],
    [['--create', '--save-admin', '--admin-profile', 'default'], '--save-admin needs a profile of its own'],
  ])('%j: exit 2, nothing sent', async (flags, message) => {
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', ...flags, ...TARGET, '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain(message);
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });
});

describe('429 REQUEST_LIMITED from the Management API', () => {
  const limited = (method: string, path: RegExp, retryAfter?: string) =>
    api.interject({ method, path, status: 429, body: API_ANSWERS.rateLimited(), headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });

  test('Retry-After is waited out with a countdown, then the create goes on: one application', async () => {
    const createdBefore = api.created().length;
    const apiBefore = api.calls().length;
    limited('GET', /^\/v1\/roles$/, '7');
    limited('POST', /\/applications$/, '3');
    const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rate limited'], { env: env() });
    expect(result.code).toBe(0);
    expect(api.created().length).toBe(createdBefore + 1);
    expect(apiLinesSince(apiBefore).filter((line) => line === 'POST /v1/environments/{env}/applications')).toHaveLength(2);
    expect(result.stderr).toContain("PingOne's Management API asks to slow down (429): trying again in 7 s…");
    expect(result.stderr).toContain("PingOne's Management API asks to slow down (429): trying again in 3 s…");
    // On the run's clock: 7 s, then 3 s, a second at a time.
    expect(result.slept?.reduce((sum, ms) => sum + ms, 0)).toBe(10_000);
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('a Retry-After longer than --timeout leaves: exit 3 rate_limited, saying when to try again; nothing created', async () => {
    const createdBefore = api.created().length;
    limited('POST', /\/applications$/, '30');
    const result = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr limited too long', '--json'], { env: env() });
    expect(result.code).toBe(3);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('It asked to wait 30 s, more than --timeout (15 s) leaves.');
    expect(error.message).toContain('REQUEST_LIMITED');
    expect(error.hint).toMatch(/^Try again after \d\d:\d\d:\d\d UTC, or allow longer waits with --timeout/);
    expect(api.created().length).toBe(createdBefore);
    expect(result.slept).toEqual([]);
  });

  test('with a longer --timeout the same wait is honoured; without Retry-After it backs off from 1 s, five tries at most', async () => {
    limited('POST', /\/applications$/, '30');
    const waited = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr limited, patient', '--timeout', '60', '--json'], { env: env() });
    expect(waited.code).toBe(0);
    expect(waited.slept?.reduce((sum, ms) => sum + ms, 0)).toBe(30_000);
    for (let i = 0; i < 5; i += 1) limited('GET', /^\/v1\/roles$/);
    const gaveUp = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr limited, five times', '--timeout', '60', '--json'], { env: env() });
    expect(gaveUp.code).toBe(3);
    expect(JSON.parse(gaveUp.stdout).error.message).toContain('It answered 429 5 times.');
    expect(gaveUp.slept?.reduce((sum, ms) => sum + ms, 0)).toBe(1000 + 2000 + 4000 + 8000);
  });
});

describe('--secret-out FILE with --create or --rotate', () => {
  test('--rotate, the profile directory turning unwritable as PingOne answers: the new secret is in FILE (0600), the way back is --create, the old one still works', async () => {
    const configDir = tempConfigDir();
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr secret-out rotation', '--json'], { configDir, env: env() })).code).toBe(0);
    const app = api.created().at(-1);
    const oldSecret = app?.clientSecret ?? '';
    const out = path.join(tempConfigDir(), 'pingone-secret.json');
    let restore: (() => void) | undefined;
    api.onRequest((call) => {
      if (call.method === 'POST' && call.path.endsWith('/secret')) restore = makeUnwritable(configDir);
    });
    let result;
    try {
      result = await runCli(['pingone', '--rotate', '--secret-out', out, '--json'], { configDir, env: env() });
    } finally {
      api.onRequest(undefined);
      restore?.();
    }
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('secret_not_saved');
    expect(error.message).toContain(`PingOne issued a new Client Secret for application ${app?.clientId ?? ''}, but it could not be saved`);
    expect(error.message).toContain(`It was written to ${out} (mode 0600) instead.`);
    expect(error.hint).toContain('The previous secret still works until ');
    expect(error.hint).toContain('connector-setup pingone --create');
    expect(error.hint).toContain('(not --rotate)');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(out, 'utf8')) as { values: Record<string, string>; secrets: Record<string, string> };
    expect(kept.values.clientId).toBe(app?.clientId);
    expect(kept.secrets).toEqual({ clientSecret: app?.clientSecret });
    expect(app?.clientSecret).not.toBe(oldSecret);
    const withOld = await runCli(['pingone', '--verify', '--json'], { configDir, env: { ...env(), PINGONE_CLIENT_SECRET: oldSecret } });
    expect(withOld.code).toBe(0);
    expectNoSecrets(result.stdout + result.stderr + withOld.stdout + withOld.stderr, secrets());
  });

  test('--create --secret-out naming a file that exists: exit 2, nothing sent, the file untouched', async () => {
    const out = path.join(tempConfigDir(), 'taken.json');
    writeFileSync(out, 'mine\n');
    const tokensBefore = pingone.tokenRequests().length;
    const apiBefore = api.calls().length;
    const result = await runCli(['pingone', '--create', ...TARGET, '--secret-out', out, '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toBe(`--secret-out ${out} cannot be used: it already exists.`);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
    expect(api.calls().length).toBe(apiBefore);
  });

  test('--secret-out without --create or --rotate: exit 2, nothing sent', async () => {
    const tokensBefore = pingone.tokenRequests().length;
    const result = await runCli(['pingone', ...TARGET, '--secret-out', path.join(tempConfigDir(), 'never.json'), '--json'], { env: { ...env(), PINGONE_CLIENT_ID: FAKE.clientId, PINGONE_CLIENT_SECRET: FAKE.clientSecret } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('--secret-out goes with --create or --rotate');
    expect(pingone.tokenRequests().length).toBe(tokensBefore);
  });
});

describe('the wizard', () => {
  test('"Create it for me": region, environment, admin worker, the plan, yes: verified and saved', async () => {
    const configDir = tempConfigDir();
    const createdBefore = api.created().length;
    const result = await runInProcess(['pingone', '--app-name', 'Cyclr wizard'], {
      env: { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', NO_COLOR: '1' },
      answers: [
        choose('Create it for me'),
        choose('auth.pingone.eu'),
        FAKE.environmentId,
        ADMIN.clientId,
        // Pasted with a trailing space: trimmed, and said.
        `${ADMIN.clientSecret} `,
        true,
        // The hand-off: Cyclr's values are offered to copy; done.
        ...handOff,
      ],
    });
    expect(result.code).toBe(0);
    expect(result.asked.slice(0, 6)).toEqual([
      'The Worker application for Cyclr',
      'Auth Domain (the host of the AUTHORIZATION URL)',
      'Environment ID',
      "Admin worker's Client ID",
      "Admin worker's Client Secret (used for this run only, never saved)",
      `Create Cyclr wizard in environment ${FAKE.environmentId}?`,
    ]);
    expect(api.created().length).toBe(createdBefore + 1);
    expect(result.stderr).toContain("Removed whitespace around the pasted Admin worker's Client Secret.");
    expect(result.stderr).toContain('The plan: create a Worker application');
    expect(result.stderr).toContain('PingOne setup verified');
    expect((await exported(configDir)).clientId).toBe(api.created().at(-1)?.clientId);
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });

  test('no to the plan of reusing the profile\'s application: exit 2, nothing created, another --profile suggested', async () => {
    const configDir = tempConfigDir();
    const created = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr declined reuse'], { configDir, env: env() });
    expect(created.code).toBe(0);
    const createdBefore = api.created().length;
    const apiBefore = api.calls().length;
    const result = await runInProcess(['pingone', '--create'], {
      env: { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', NO_COLOR: '1', PINGONE_ADMIN_CLIENT_SECRET: ADMIN.clientSecret },
      // The saved Auth Domain, Environment ID and admin worker are offered: Enter keeps each.
      answers: [ENTER, ENTER, ENTER, false],
    });
    expect(result.code).toBe(2);
    expect(result.asked.slice(3)).toEqual([`Reuse Cyclr declined reuse (${api.created().at(-1)?.clientId ?? ''}) and read its secret?`]);
    expect(result.stderr).toContain('Stopped before changing anything in PingOne; nothing was created.');
    expect(result.stderr).toContain('Use another --profile to create a new application instead.');
    expect(api.created().length).toBe(createdBefore);
    expect(api.calls().slice(apiBefore).every((call) => call.method === 'GET')).toBe(true);
  });

  test('--rotate --save-admin in a terminal: the admin secret\'s question says where it will be kept; the next rotate asks nothing of it', async () => {
    const configDir = tempConfigDir();
    const wizardEnv = { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', NO_COLOR: '1' };
    expect((await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr admin kept in the wizard'], { configDir, env: env() })).code).toBe(0);
    const first = await runInProcess(['pingone', '--rotate', '--save-admin'], { env: wizardEnv, clockStart: Date.now(), answers: [ADMIN.clientId, ADMIN.clientSecret, true, ...handOff] });
    expect(first.code).toBe(0);
    expect(first.asked[1]).toBe('Admin worker\'s Client Secret (kept in profile "admin")');
    const again = await runInProcess(['pingone', '--rotate'], { env: wizardEnv, clockStart: Date.now(), answers: [true, ...handOff] });
    expect(again.code).toBe(0);
    expect(again.asked[0]).toMatch(/^Give application .* a new secret/);
    expectNoSecrets(first.stdout + first.stderr + again.stdout + again.stderr, secrets());
  });

  test('--rotate in a terminal: the admin worker is asked for, the overlap is said before anything changes, yes', async () => {
    const configDir = tempConfigDir();
    const wizardEnv = { CONNECTOR_SETUP_CONFIG_DIR: configDir, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', NO_COLOR: '1' };
    const created = await runCli(['pingone', '--create', ...TARGET, '--app-name', 'Cyclr rotated in the wizard'], { configDir, env: env() });
    expect(created.code).toBe(0);
    const app = api.created().at(-1);
    const before = app?.clientSecret;
    const result = await runInProcess(['pingone', '--rotate', '--keep-previous', '2'], {
      env: wizardEnv,
      // The stand-in judges the overlap on the real clock.
      clockStart: Date.now(),
      answers: [ADMIN.clientId, ADMIN.clientSecret, true, ...handOff],
    });
    expect(result.code).toBe(0);
    expect(result.asked[2]).toMatch(new RegExp(`^Give application ${app?.clientId ?? ''} a new secret, the current one working until \\d{4}-`));
    expect(app?.clientSecret).not.toBe(before);
    expect(result.stderr).toContain(`Saved the new Client Secret of application ${app?.clientId ?? ''}`);
    expect(result.stderr).toContain('run connector-setup pingone --rotate --finish');
    expectNoSecrets(result.stdout + result.stderr, secrets());
  });
});
