// Ctrl+C (SIGINT) while a request is in flight, while a save waits for another process's lock, or while the
// keychain does not answer: the run ends with exit 130 on its own (long before any time limit), and no profile
// file is written or half-written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { configFiles, runCli, startCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { faults, startFaultServer, waitUntil } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { Handler, TestServer } from '../helpers/https-server.js';

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startFaultServer(handler);
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

const env = { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId };


/**
 * Starts the CLI against `server`, waits until its request arrives, presses Ctrl+C. The request's timeout
 * is 300 s and the safety net 30 s: ending by itself (signal null) means the abort worked.
 */
async function interruptDuringRequest(server: TestServer, args: string[], configDir: string) {
  const before = server.requests.length;
  const running = startCli([...args, '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--timeout', '300'], {
    env,
    configDir,
    timeoutMs: 30_000,
  });
  await waitUntil(() => server.requests.length > before, 'the request reached the server');
  running.child.kill('SIGINT');
  return running.result;
}

describe('Ctrl+C during a network call', () => {
  test('--verify --json: exit 130, error "interrupted" in the one JSON document', async () => {
    const server = await serve(faults.hang());
    const result = await interruptDuringRequest(server, ['pingone', '--verify', '--json'], tempConfigDir());
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string } };
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('interrupted');
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('setup (which would save): exit 130, "Interrupted." on stderr, no profile file at all', async () => {
    const server = await serve(faults.hang());
    const configDir = tempConfigDir();
    const result = await interruptDuringRequest(server, ['pingone', '--no-input'], configDir);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted.');
    expect(result.stderr).toContain('Nothing was half-written');
    expectNoStackTrace(result.stderr);
    expect(configFiles(configDir)).toEqual({});
  });

  test('setup over an existing profile: exit 130, the saved files unchanged byte for byte', async () => {
    const good = await serve(faults.token());
    const configDir = tempConfigDir();
    const first = await runCli(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', good.hostPort], { env, configDir });
    expect(first.code).toBe(0);
    const before = configFiles(configDir);
    expect(Object.keys(before).sort()).toEqual(['profile-names', 'profiles.json', 'secrets.json']);
    const hanging = await serve(faults.hang());
    const result = await interruptDuringRequest(hanging, ['pingone', '--no-input'], configDir);
    expect(result.code).toBe(130);
    expect(configFiles(configDir)).toEqual(before);
  });

  test('during a Retry-After wait: exit 130 without a second request', async () => {
    const server = await serve(faults.json(429, {}, { 'retry-after': '15' }));
    const result = await interruptDuringRequest(server, ['pingone', '--verify', '--json'], tempConfigDir());
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(server.requests).toHaveLength(1);
  });
});

describe('Ctrl+C during a TLS handshake that never finishes', () => {
  test('a server that accepts TCP and never speaks TLS: exit 130 on its own, long before the 300 s timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const running = startCli(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', `127.0.0.1:${port}`, '--timeout', '300'], {
        env,
        timeoutMs: 30_000,
      });
      await waitUntil(() => sockets.length > 0, 'the CLI opened a connection');
      running.child.kill('SIGINT');
      const result = await running.result;
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('interrupted');
      expectNoStackTrace(result.stderr);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('Ctrl+C while a save waits', () => {
  test('for profiles.lock, held by a live process: the wait is said, and Ctrl+C ends it with exit 130, nothing saved', async () => {
    const server = await serve(faults.token());
    const configDir = tempConfigDir();
    // This test's own process is the live owner: it holds the lock for as long as the test runs.
    const lock = path.join(configDir, 'profiles.lock');
    writeFileSync(lock, `${process.pid}\n`);
    const running = startCli(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], { env, configDir, timeoutMs: 30_000 });
    await waitUntil(() => running.stderr().includes(`Waiting for another connector-setup (process ${process.pid}) to finish saving profiles`), 'the run said it waits for the lock');
    running.child.kill('SIGINT');
    const result = await running.result;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted.');
    expectNoStackTrace(result.stderr);
    expect(configFiles(configDir)).toEqual({});
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
  });

  test('for the keychain, on a session bus that never answers: exit 130 at once, no secret in a file instead', async () => {
    const server = await serve(faults.token());
    const configDir = tempConfigDir();
    const socketPath = path.join(mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bus-')), 'bus');
    const sockets: Socket[] = [];
    let heard = '';
    const silentBus = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (chunk: Buffer) => (heard += chunk.toString('latin1')));
    });
    await new Promise<void>((resolve) => silentBus.listen(socketPath, resolve));
    try {
      const running = startCli(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
        env: { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socketPath}` },
        configDir,
        timeoutMs: 30_000,
      });
      await waitUntil(() => heard.includes('AUTH EXTERNAL'), 'the run asked the bus to authenticate');
      running.child.kill('SIGINT');
      const result = await running.result;
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expectNoStackTrace(result.stderr);
      // The keychain was not declared broken: no notice that secrets went to the file, and no file holds them.
      expect(result.stderr).not.toContain('OS keychain unavailable');
      expect(Object.keys(configFiles(configDir)).filter((name) => name !== 'profiles.json' && name !== 'profile-names')).toEqual([]);
      const listed = await runCli(['profiles', 'list', '--json'], { configDir });
      expect((JSON.parse(listed.stdout) as { profiles: unknown[] }).profiles).toEqual([]);
      expectNoSecrets(Object.values(configFiles(configDir)).join('\n'));
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silentBus.close(() => resolve()));
    }
  });
});
