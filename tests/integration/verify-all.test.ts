// `connector-setup verify`: the CI check of record, against real local HTTPS servers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { type SeedProfile, openStore, seedProfiles } from '../helpers/profiles.js';
import { startPty } from '../helpers/pty.js';

const COUNT = 32;
const clientIdOf = (index: number): string => `bbbbbbbb-0000-4000-8000-${String(index).padStart(12, '0')}`;
const secretOf = (index: number): string => `FAKE-batch-secret-do-not-use-${String(index).padStart(4, '0')}`;
const BATCH_SECRETS = Array.from({ length: COUNT }, (_, index) => secretOf(index));

let pingone: PingOneServer;
/**
 * The batch that waits out a real Retry-After in the built CLI (see 'a 429 with Retry-After pauses the whole batch'):
 * started before the other tests of this file and checked by that one, so they run while it waits.
 */
let batchPause: { slow: SlowTokenServer; run: Promise<CliResult> } | undefined;

beforeAll(async () => {
  pingone = await startPingOne(
    Array.from({ length: COUNT }, (_, index) => ({ clientId: clientIdOf(index), clientSecret: secretOf(index), environmentId: FAKE.environmentId })),
  );
  // The first request is refused with Retry-After: 1 while the second is still held; the worker that finishes the
  // second must not start the third before the pause is over.
  const slow = await startSlowTokenServer({ holdMs: 300 }, (index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
  const configDir = tempConfigDir();
  await seedProfiles(configDir, Array.from({ length: 5 }, (_, index) => pingoneProfile(index, slow.server.hostPort)));
  // A child process with the real clock: the test reads the pause from when the server saw each request.
  const run = runCliProcess(['verify', '--all', '--concurrency', '2', '--json'], { configDir });
  run.catch(() => undefined);
  batchPause = { slow, run };
});

afterAll(async () => {
  await batchPause?.run.catch(() => undefined);
  await batchPause?.slow.server.close();
  await pingone.close();
});

function pingoneProfile(index: number, authDomain: string, extra: Partial<SeedProfile> = {}): SeedProfile {
  return {
    connector: 'pingone',
    name: `customer-${String(index).padStart(2, '0')}`,
    values: { clientId: clientIdOf(index), authDomain, environmentId: FAKE.environmentId },
    secrets: { clientSecret: secretOf(index) },
    ...extra,
  };
}

const inDays = (days: number): string => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();

describe('verify --all', () => {
  test(`${COUNT} profiles: all pass, one token request each, only lastVerified written, JUnit report`, async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, Array.from({ length: COUNT }, (_, index) => pingoneProfile(index, pingone.hostPort)));
    const before = await openStore(configDir).list();
    const sentBefore = pingone.tokenRequests().length;
    const junit = path.join(configDir, 'report.xml');

    const result = await runCli(['verify', '--all', '--json', '--junit', junit], { configDir });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(true);
    expect(document.results).toHaveLength(COUNT);
    for (const [index, entry] of (document.results as { ok: boolean; profile: string; checks: unknown[]; error: unknown }[]).entries()) {
      expect(entry).toMatchObject({ ok: true, connector: 'pingone', profile: pingoneProfile(index, '').name, error: null });
      expect(entry.checks).toHaveLength(1);
    }
    const sent = pingone.tokenRequests().slice(sentBefore);
    expect(sent).toHaveLength(COUNT);
    expect(new Set(sent.map((request) => request.form.get('client_id'))).size).toBe(COUNT);

    const after = await openStore(configDir).list();
    for (const [index, profile] of after.entries()) {
      expect(profile.lastVerified).not.toBeNull();
      expect({ ...profile, lastVerified: null }).toEqual({ ...before[index], lastVerified: null });
    }
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuite name="connector-setup verify" tests="${COUNT}" failures="0" errors="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(COUNT);
    expectNoSecrets(result.stdout + result.stderr + xml, BATCH_SECRETS);
  });

  test('a profile whose server is gone: exit 3, every other profile still reported; the table names it with a hint', async () => {
    const configDir = tempConfigDir();
    const gone = await startHttpsServer(() => undefined);
    await gone.close();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort), pingoneProfile(1, gone.hostPort), pingoneProfile(2, pingone.hostPort)]);
    const junit = path.join(configDir, 'junit.xml');
    const result = await runCli(['verify', '--all', '--junit', junit], { configDir });
    expect(result.code).toBe(3);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PROFILE\s+RESULT\s+TIME\s+HINT$/);
    expect(lines[1]).toMatch(/^pingone\/customer-00\s+ok\s+\d+ ms$/);
    expect(lines[2]).toMatch(/^pingone\/customer-01\s+unreachable\s+\d+ ms\s+Nothing is listening at 127\.0\.0\.1:\d+.*Check the host name and port\.$/);
    expect(lines[3]).toMatch(/^pingone\/customer-02\s+ok\s+\d+ ms$/);
    expect(result.stderr).toContain('2 of 3 profiles passed');
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="pingone" name="pingone\/customer-01"[^>]*>\s*<error type="unreachable"/);
    const store = openStore(configDir);
    expect((await store.get('pingone', 'customer-01'))?.lastVerified).toBeNull();
    expect((await store.get('pingone', 'customer-00'))?.lastVerified).not.toBeNull();
    expectNoSecrets(result.stdout + result.stderr, BATCH_SECRETS);
  });

  test('a rejected secret beside an unreachable server: exit 1 (rejected wins), --json has both', async () => {
    const configDir = tempConfigDir();
    const gone = await startHttpsServer(() => undefined);
    await gone.close();
    await seedProfiles(configDir, [
      pingoneProfile(0, pingone.hostPort, { secrets: { clientSecret: FAKE.wrongSecret } }),
      pingoneProfile(1, gone.hostPort),
      pingoneProfile(2, pingone.hostPort),
    ]);
    const result = await runCli(['verify', '--all', '--json'], { configDir });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.results.map((entry: { error: { code: string } | null }) => entry.error?.code ?? 'ok')).toEqual(['invalid_client', 'unreachable', 'ok']);
    expectNoSecrets(result.stdout + result.stderr, [...BATCH_SECRETS, FAKE.wrongSecret]);
  });

  test('on a terminal: a live progress line, then the table', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort), pingoneProfile(1, pingone.hostPort)]);
    const terminal = startPty(['verify', '--all'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
    expect(await terminal.exit).toBe(0);
    const screen = terminal.screen();
    expect(screen).toMatch(/Verifying profiles: \d\/2 done/);
    expect(screen).toMatch(/pingone\/customer-01\s+ok/);
    expect(screen).toContain('2 of 2 profiles passed');
    expectNoSecrets(screen, BATCH_SECRETS);
  });

  test('--connector and --profile narrow the batch; nothing matching or an unknown connector is exit 2', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort), pingoneProfile(1, pingone.hostPort)]);
    const one = await runCli(['verify', '--connector', 'pingone', '--profile', 'customer-01', '--json'], { configDir });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).results.map((entry: { profile: string }) => entry.profile)).toEqual(['customer-01']);
    const none = await runCli(['verify', '--profile', 'nope', '--json'], { configDir });
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout).error.code).toBe('profile_not_found');
    const unknown = await runCli(['verify', '--connector', 'salesforce'], { configDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown connector');
    const badConcurrency = await runCli(['verify', '--all', '--concurrency', '0'], { configDir });
    expect(badConcurrency.code).toBe(2);
    // A bad --timeout is reported in verify's own document, like any other bad input.
    const badTimeout = await runCli(['verify', '--all', '--json', '--timeout', 'soon'], { configDir });
    expect(badTimeout.code).toBe(2);
    expect(JSON.parse(badTimeout.stdout)).toMatchObject({ ok: false, results: [], error: { code: 'invalid_input' } });
  });
});

describe('application expiry', () => {
  test('expiring within 30 days: a warning, still exit 0; --expiring-within makes it expiring_soon, exit 1', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort, { expiresOn: inDays(10.5) }), pingoneProfile(1, pingone.hostPort, { expiresOn: inDays(400) })]);
    const warned = await runCli(['verify', '--all', '--json'], { configDir });
    expect(warned.code).toBe(0);
    const [soon, later] = JSON.parse(warned.stdout).results;
    expect(soon.warnings).toEqual([expect.stringMatching(/expires on \d{4}-\d\d-\d\d \(in 10 days\)/)]);
    expect(later.warnings).toEqual([]);

    const failed = await runCli(['verify', '--all', '--json', '--expiring-within', '30'], { configDir });
    expect(failed.code).toBe(1);
    const results = JSON.parse(failed.stdout).results;
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'expiring_soon' } });
    expect(results[1]).toMatchObject({ ok: true });

    const human = await runCli(['verify', '--all', '--expiring-within', '30'], { configDir });
    expect(human.stdout).toMatch(/pingone\/customer-00\s+expiring_soon\s+\d+ ms\s+The application expires on/);
  });

  test('an expired application: app_expired, exit 1, and no request spent on it', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort, { expiresOn: inDays(-1) })]);
    const before = pingone.requests.length;
    const result = await runCli(['verify', '--all', '--json'], { configDir });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).results[0].error.code).toBe('app_expired');
    expect(pingone.requests.length).toBe(before);
  });
});

/** A token endpoint that takes its time, counting requests in flight and TLS connections. */
/**
 * A token endpoint that holds each 200 answer: `holdMs` of real time, or (`together`) until that many requests are
 * in flight or all `total` have arrived, so overlap is proven by the requests themselves, not by a timer.
 */
type SlowTokenServer = Awaited<ReturnType<typeof startSlowTokenServer>>;

async function startSlowTokenServer(
  hold: { holdMs: number } | { together: number; total: number },
  answer?: (index: number) => { status: number; headers?: Record<string, string> },
) {
  let inFlight = 0;
  let maxInFlight = 0;
  const sockets = new Set<Socket>();
  const arrivals: number[] = [];
  const waiting: Array<() => void> = [];
  const releaseIfDue = (): void => {
    if ('together' in hold && (inFlight >= hold.together || arrivals.length >= hold.total)) waiting.splice(0).forEach((release) => release());
  };
  const server: TestServer = await startHttpsServer(async (_request, response, raw) => {
    const index = arrivals.push(Date.now()) - 1;
    sockets.add(raw.socket);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const planned = answer?.(index) ?? { status: 200 };
    if (planned.status === 200) {
      await new Promise<void>((resolve) => {
        if ('holdMs' in hold) setTimeout(resolve, hold.holdMs);
        else {
          waiting.push(resolve);
          releaseIfDue();
        }
      });
    }
    inFlight -= 1;
    if (planned.status === 200) sendJson(response, 200, { access_token: 'FAKE-access-token-0009', token_type: 'Bearer', expires_in: 3600 });
    else sendJson(response, planned.status, { error: 'too_many_requests' }, planned.headers);
  });
  return { server, arrivals, maxInFlight: () => maxInFlight, connections: () => sockets.size };
}

describe('a batch shares its connections and its back-off', () => {
  test('--concurrency bounds the requests in flight, and connections are reused', async () => {
    const slow = await startSlowTokenServer({ together: 2, total: 16 });
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, Array.from({ length: 16 }, (_, index) => pingoneProfile(index, slow.server.hostPort)));
      const result = await runCli(['verify', '--all', '--concurrency', '4', '--json'], { configDir });
      expect(result.code).toBe(0);
      expect(slow.arrivals).toHaveLength(16);
      expect(slow.maxInFlight()).toBeLessThanOrEqual(4);
      expect(slow.maxInFlight()).toBeGreaterThan(1);
      expect(slow.connections()).toBeLessThanOrEqual(4);
    } finally {
      await slow.server.close();
    }
  });

  test('a 429 with Retry-After pauses the whole batch, then every profile passes', async () => {
    // Started in beforeAll (above), in the built CLI with the real clock.
    const { slow, run } = batchPause!;
    const result = await run;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results.every((entry: { ok: boolean }) => entry.ok)).toBe(true);
    expect(slow.arrivals).toHaveLength(6);
    const refusedAt = slow.arrivals[0] as number;
    // Everything after the two first requests waited out the Retry-After (a lower bound: load only delays).
    for (const arrival of slow.arrivals.slice(2)) expect(arrival - refusedAt).toBeGreaterThanOrEqual(950);
  });
});

describe('verify --junit in CI', () => {
  test('a report in a directory that does not exist yet (reports/x.xml): the directory is created, the report written', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort)]);
    const junit = path.join(configDir, 'reports', 'nested', 'x.xml');
    const result = await runCli(['verify', '--all', '--junit', junit], { configDir });
    expect(result.stderr).not.toContain('Could not write');
    expect(result.code).toBe(0);
    expect(readFileSync(junit, 'utf8')).toContain('<testcase classname="pingone" name="pingone/customer-00"');
  });

  test('a report under a regular file (no directory can be made there): exit 2 before any request', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [pingoneProfile(0, pingone.hostPort)]);
    const blocker = path.join(configDir, 'not-a-directory');
    writeFileSync(blocker, 'a file');
    const sentBefore = pingone.tokenRequests().length;
    const result = await runCli(['verify', '--all', '--junit', path.join(blocker, 'x.xml')], { configDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Could not write the JUnit report');
    expect(pingone.tokenRequests().length).toBe(sentBefore);
    expect(existsSync(path.join(blocker, 'x.xml'))).toBe(false);
  });
});
