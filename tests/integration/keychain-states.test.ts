// No state of the keychain loses a credential or leaves a run hanging. Against a real gnome-keyring on a private
// D-Bus: unlocked; running with no unlocked collection (the prompt fails at once, or never answers); a locked
// login keyring (the same two prompts); killed in the middle of a run; its bus found only at $XDG_RUNTIME_DIR/bus;
// and no session bus to reach it on. In each, a PingOne setup saves and a later --verify reads it, and an Invenias
// create keeps its one-time secret for `profiles show --show-secrets`.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { BIN, type CliResult, baseEnv, runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import { type InveniasServer, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';
import { type KeyringState, type SecretService, startSecretService } from '../helpers/secret-service.js';

const USERNAME = 'cyclr.integration';
/** A run may wait for the keychain once (3 s) and for its own start; past this it is killed and the test fails. */
const RUN_LIMIT_MS = 20_000;

let pingone: PingOneServer;
let invenias: InveniasServer;
/**
 * The one run here that waits out the real 3 s keychain deadline, in the built CLI: started before everything else
 * in this file and checked after it (the last test), so the others run while it waits. Its keyring and PingOne are
 * its own, so nothing another test does to theirs (a hook on token requests) reaches it.
 */
let realDeadline: { keyring: SecretService; pingone: PingOneServer; configDir: string; run: Promise<CliResult> } | undefined;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: USERNAME, password: FAKE.inveniasPassword }] });
  const keyring = await startSecretService('locked-prompt-never-answers');
  const own = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  const configDir = tempConfigDir();
  const run = runCliProcess(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', own.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'], {
    configDir,
    // Debugging, so its one notice gives the keychain's own reason.
    env: { ...keyring.env, CONNECTOR_SETUP_DEBUG: '1' },
    stdin: `${FAKE.clientSecret}\n`,
    timeoutMs: RUN_LIMIT_MS,
  });
  // Read by the last test; until then a failure to start is not an unhandled rejection.
  run.catch(() => undefined);
  realDeadline = { keyring, pingone: own, configDir, run };
});

afterAll(async () => {
  await realDeadline?.run.catch(() => undefined);
  await realDeadline?.keyring.stop();
  await realDeadline?.pingone.close();
  await pingone?.close();
  await invenias?.close();
});

function pingoneSetup(configDir: string, env: Record<string, string | undefined>, environmentId: string = FAKE.environmentId, deadlines?: Deadlines): Promise<CliResult> {
  return runCli(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort, '--environment-id', environmentId, '--client-secret-stdin'], {
    configDir,
    env,
    stdin: `${FAKE.clientSecret}\n`,
    timeoutMs: RUN_LIMIT_MS,
    deadlines,
  });
}

function inveniasCreate(configDir: string, env: Record<string, string | undefined>, deadlines?: Deadlines): Promise<CliResult> {
  return runCli(['invenias', '--json', '--subdomain', 'acme', '--base-url', invenias.origin, '--username', USERNAME], {
    configDir,
    env: { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', ...env },
    timeoutMs: RUN_LIMIT_MS,
    deadlines,
  });
}

const savedIn = (configDir: string, connector: string): string =>
  JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles[connector].default.secretStore;

const fallbackNotices = (stderr: string): string[] => stderr.split('\n').filter((line) => /keychain unavailable/i.test(line));

/** A keyring in a state, and what happens to it while the run is under way. */
interface Situation {
  title: string;
  state: KeyringState;
  /** Kill the daemon when the partner is asked (after the values are known, before anything is saved). */
  killMidRun?: boolean;
  /** Where the secret ends up. */
  store: 'keychain' | 'file';
  /** What the one notice says when it ends up in the file. */
  reason?: RegExp;
  /** The bus is found only where systemd puts it, $XDG_RUNTIME_DIR/bus (DBUS_SESSION_BUS_ADDRESS unset). */
  busInRuntimeDir?: boolean;
  /**
   * Each run would wait out the keychain's 3 s deadline: the test ends it (Deadlines) the moment the run asks for
   * the prompt that will never answer, as the bus sees it.
   */
  promptNeverAnswers?: boolean;
}

const situations: Situation[] = [
  { title: 'unlocked', state: 'unlocked', store: 'keychain' },
  { title: 'unlocked, its bus only at $XDG_RUNTIME_DIR/bus', state: 'unlocked', store: 'keychain', busInRuntimeDir: true },
  { title: 'running with no unlocked collection; the prompt fails at once (no display)', state: 'no-collection', store: 'file', reason: /no default keyring/ },
  { title: 'running with no unlocked collection; the prompt never answers', state: 'prompt-never-answers', store: 'file', reason: /no default keyring/ },
  { title: 'with a locked login keyring; the unlock prompt fails at once (no display)', state: 'locked', store: 'file', reason: /prompt to unlock the keyring was dismissed/ },
  { title: 'with a locked login keyring; the unlock prompt never answers', state: 'locked-prompt-never-answers', store: 'file', reason: /no answer within 3 s/, promptNeverAnswers: true },
  { title: 'killed in the middle of the run', state: 'unlocked', killMidRun: true, store: 'file', reason: /org\.freedesktop\.secrets/ },
];

describe.each(situations)('keychain $title', ({ state, killMidRun, store, reason, busInRuntimeDir, promptNeverAnswers }) => {
  let keyring: SecretService;
  let env: Record<string, string | undefined>;
  // Without a prompt that never answers, the run's time limits are the real ones.
  const deadlines = promptNeverAnswers ? new Deadlines() : undefined;
  beforeAll(async () => {
    keyring = await startSecretService(state);
    env = busInRuntimeDir ? { ...keyring.env, DBUS_SESSION_BUS_ADDRESS: undefined } : keyring.env;
    if (deadlines) await keyring.onPrompt(() => deadlines.expire());
  });
  afterAll(async () => {
    pingone.onTokenRequest(undefined);
    invenias.onApplicationRequest(undefined);
    await keyring?.stop();
  });

  const flows: Array<[string, () => Promise<void>]> = [
    [
      'PingOne setup saves the secret and a later --verify reads it',
      async () => {
        const configDir = tempConfigDir();
        if (killMidRun) pingone.onTokenRequest(() => keyring.kill());
        // The keychain's own words are shown when debugging: each fallback is checked for its reason.
        const saved = await pingoneSetup(configDir, { ...env, CONNECTOR_SETUP_DEBUG: '1' }, FAKE.environmentId, deadlines);
        pingone.onTokenRequest(undefined);
        expect(saved).toMatchObject({ code: 0, signal: null });
        expectNoSecrets(saved.stdout + saved.stderr);
        expect(savedIn(configDir, 'pingone')).toBe(store);
        const notices = fallbackNotices(saved.stderr);
        if (store === 'file') {
          expect(notices).toHaveLength(1);
          expect(notices[0]).toContain('CONNECTOR_SETUP_SECRET_STORE');
          expect(notices[0]).toMatch(reason!);
          expect(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')).toContain(FAKE.clientSecret);
        } else {
          expect(notices).toHaveLength(0);
        }

        const verified = await runCli(['pingone', '--verify', '--json'], { configDir, env, timeoutMs: RUN_LIMIT_MS, deadlines });
        expect(verified).toMatchObject({ code: 0, signal: null });
        expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, profile: 'default' });
        expectNoSecrets(verified.stdout + verified.stderr);
      },
    ],
    [
      'an Invenias create keeps the one-time secret and profiles show --show-secrets gives it back',
      async () => {
        const configDir = tempConfigDir();
        if (killMidRun) invenias.onApplicationRequest(() => keyring.kill());
        const created = await inveniasCreate(configDir, env, deadlines);
        invenias.onApplicationRequest(undefined);
        expect(created).toMatchObject({ code: 0, signal: null });
        expectNoSecrets(created.stdout + created.stderr);
        expect(savedIn(configDir, 'invenias')).toBe(store);
        const { clientId } = JSON.parse(created.stdout).values as { clientId: string };
        const issued = invenias.apps.get(clientId)?.clientSecret;
        expect(issued).toMatch(/^FAKE-invenias-client-secret/);

        const shown = await runCli(['profiles', 'show', 'invenias', '--show-secrets', '--json'], { configDir, env, timeoutMs: RUN_LIMIT_MS, deadlines });
        expect(shown.code).toBe(0);
        expect(JSON.parse(shown.stdout)).toMatchObject({ connector: 'invenias', profile: 'default', name: 'default', secretStore: store, values: { clientId, clientSecret: issued } });
      },
    ],
  ];
  if (state !== 'unlocked') {
    flows.push([
      'a keychain forced with CONNECTOR_SETUP_SECRET_STORE=keychain that cannot store: exit 2 before anything is sent',
      async () => {
        const configDir = tempConfigDir();
        // An environment of its own, so that no other run's request is counted.
        const refused = await pingoneSetup(configDir, { ...env, CONNECTOR_SETUP_SECRET_STORE: 'keychain' }, FAKE.otherEnvironmentId, deadlines);
        expect(refused).toMatchObject({ code: 2, signal: null });
        expect(refused.stderr).toContain('keychain_unavailable');
        expect(pingone.requests.filter((request) => request.url.includes(FAKE.otherEnvironmentId))).toEqual([]);
      },
    ]);
  }

  for (const [title, flow] of flows) test(title, flow);
});

describe.each([
  { title: 'no session bus (no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus)', reason: /no D-Bus session bus/, bus: (): Record<string, string | undefined> => ({ DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: undefined }) },
  // An abstract socket nobody listens on: the connection is refused at once.
  { title: 'a session bus address that refuses', reason: /cannot connect to the session bus at .*ECONNREFUSED/, bus: () => ({ DBUS_SESSION_BUS_ADDRESS: `unix:abstract=connector-setup-test-nobody-${process.pid}` }) },
])('keychain unreachable: $title', ({ reason, bus }) => {
  let keyring: SecretService;
  beforeAll(async () => {
    keyring = await startSecretService('unlocked');
  });
  afterAll(() => keyring?.stop());

  // A working keyring runs on its own bus all the while: the run must not find it any other way.
  const unreachable = (): Record<string, string | undefined> => ({ ...keyring.env, ...bus() });

  test('PingOne setup falls back to the file with one notice; verify reads it', async () => {
    const configDir = tempConfigDir();
    const saved = await pingoneSetup(configDir, unreachable());
    expect(saved).toMatchObject({ code: 0, signal: null });
    const notices = fallbackNotices(saved.stderr);
    expect(notices).toEqual([`! OS keychain unavailable: secrets saved in ${path.join(configDir, 'secrets.json')} (mode 0600).`]);
    const debugging = await pingoneSetup(tempConfigDir(), { ...unreachable(), CONNECTOR_SETUP_DEBUG: '1' });
    const detailed = fallbackNotices(debugging.stderr);
    expect(detailed).toHaveLength(1);
    expect(detailed[0]).toMatch(reason);
    expect(detailed[0]).toContain('CONNECTOR_SETUP_SECRET_STORE=file');
    expect(savedIn(configDir, 'pingone')).toBe('file');
    const verified = await runCli(['pingone', '--verify', '--json'], { configDir, env: unreachable(), timeoutMs: RUN_LIMIT_MS });
    expect(verified.code).toBe(0);
  });

  test('an Invenias create keeps the secret in the file', async () => {
    const configDir = tempConfigDir();
    const created = await inveniasCreate(configDir, unreachable());
    expect(created.code).toBe(0);
    expect(savedIn(configDir, 'invenias')).toBe('file');
    const shown = await runCli(['profiles', 'show', 'invenias', '--show-secrets', '--json'], { configDir, env: unreachable() });
    expect(JSON.parse(shown.stdout).values.clientSecret).toMatch(/^FAKE-invenias-client-secret/);
  });
});

describe('a keychain item is never left without a profile pointing to it', () => {
  let keyring: SecretService;
  beforeAll(async () => {
    keyring = await startSecretService('unlocked');
  });
  afterAll(() => keyring?.stop());

  const LIMIT_BYTES = 2_048;

  /** A setup whose process may write no file larger than LIMIT_BYTES (`ulimit -f`); the keychain is another process. */
  function setupWithFileSizeLimit(configDir: string, profile: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    writeFileSync(path.join(configDir, 'stdin'), `${FAKE.clientSecret}\n`);
    const args = ['pingone', '--no-input', '--profile', profile, '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'];
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', `ulimit -f ${LIMIT_BYTES / 512}; exec "$0" "$@" < "$CONNECTOR_SETUP_CONFIG_DIR/stdin"`, process.execPath, BIN, ...args], {
        env: baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: configDir, ...keyring.env }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  test('profiles.json cannot be written after the keychain took the secret: the item is removed again', async () => {
    const configDir = tempConfigDir();
    const profilesFile = path.join(configDir, 'profiles.json');
    // An existing profile sized so that noting the pending item still fits under the limit and saving the
    // new profile's record does not (EFBIG), between the keychain write and the record.
    const seed = (note: string) => seedProfiles(configDir, [{ connector: 'pingone', name: 'big', values: { note }, secrets: { clientSecret: FAKE.wrongSecret } }]);
    await seed('');
    await seed('x'.repeat(LIMIT_BYTES - 150 - statSync(profilesFile).size));
    const failed = await setupWithFileSizeLimit(configDir, 'orphan');
    expect(failed.signal).toBeNull();
    expect(failed.code).not.toBe(0);
    expectNoSecrets(failed.stderr);
    expect(await keyring.lookup({ service: 'connector-setup', username: 'pingone/orphan' })).toBeUndefined();
    const left = JSON.parse(readFileSync(profilesFile, 'utf8'));
    expect(left.profiles.pingone.orphan).toBeUndefined();
    expect(left.profiles.pingone.big.values.note).toMatch(/^x+$/);
  });

  test('an item a killed writer left (noted as pending, no record) is removed by the next save', async () => {
    const configDir = tempConfigDir();
    const profilesFile = path.join(configDir, 'profiles.json');
    // What a writer killed between its keychain write and its record leaves behind.
    await seedProfiles(configDir, [{ connector: 'pingone', name: 'other', values: { clientId: FAKE.clientId }, secrets: { clientSecret: FAKE.wrongSecret } }]);
    const state = JSON.parse(readFileSync(profilesFile, 'utf8'));
    writeFileSync(profilesFile, JSON.stringify({ ...state, pendingKeychainItems: ['pingone/orphan'] }));
    await keyring.store({ service: 'connector-setup', username: 'pingone/orphan' }, JSON.stringify({ clientSecret: FAKE.wrongSecret }));
    expect(await keyring.lookup({ service: 'connector-setup', username: 'pingone/orphan' })).toBeDefined();

    const next = await pingoneSetup(configDir, keyring.env);
    expect(next.code).toBe(0);
    expect(await keyring.lookup({ service: 'connector-setup', username: 'pingone/orphan' })).toBeUndefined();
    const after = JSON.parse(readFileSync(profilesFile, 'utf8'));
    expect(after.pendingKeychainItems).toBeUndefined();
    expect(after.profiles.pingone.default.secretStore).toBe('keychain');
    expect(after.profiles.pingone.other.secretStore).toBe('file');
  });
});

describe('the real 3 s deadline, in the built CLI (started when this file began)', () => {
  test('a locked keyring whose unlock prompt never answers: the setup falls back to the file and the run ends by itself', async () => {
    const saved = await realDeadline!.run;
    expect(saved).toMatchObject({ code: 0, signal: null });
    expect(fallbackNotices(saved.stderr)).toEqual([expect.stringMatching(/no answer within 3 s/)]);
    expect(savedIn(realDeadline!.configDir, 'pingone')).toBe('file');
    expectNoSecrets(saved.stdout + saved.stderr);
  });
});
