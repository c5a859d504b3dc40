// `pingone --verify` against token endpoints that misbehave the ways real networks do. Each case: the exit
// code of docs/contract.md, a stable error code, a sentence a person can act on, no stack trace, no secret.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
import { type RunDocument, expectFailedRun, expectNoStackTrace } from '../helpers/cli-process.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE_ACCESS_TOKEN, closedPort, faults, startFaultServer } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import type { Handler, TestServer } from '../helpers/https-server.js';
import { seedProfiles } from '../helpers/profiles.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
const servers: TestServer[] = [];

async function serve(handler: Handler, kind: 'trusted' | 'untrusted' = 'trusted'): Promise<TestServer> {
  const server = await startFaultServer(handler, kind);
  servers.push(server);
  return server;
}

/**
 * The one time limit in these suites that runs out in real time, in the built CLI (elsewhere the test ends it:
 * Deadlines): started before the other tests of this file and checked by its own, so they run while it waits.
 */
let realTimeout: { server: TestServer; run: Promise<CliResult> } | undefined;

beforeAll(async () => {
  const server = await serve(faults.hang());
  const run = verify(server.hostPort, { extra: ['--timeout', '3'], killAfterMs: 30_000, ownProcess: true });
  run.catch(() => undefined);
  realTimeout = { server, run };
});

afterAll(async () => {
  await realTimeout?.run.catch(() => undefined);
  // Whatever a server saw, the secret only ever travelled in a request body, never in a URL or header.
  for (const server of servers) {
    for (const request of server.requests) expectNoSecrets(`${request.url} ${JSON.stringify(request.headers)}`, SECRETS);
  }
  await Promise.all(servers.map((server) => server.close()));
});


function verify(authDomain: string, options: { extra?: string[]; env?: Record<string, string>; killAfterMs?: number; ownProcess?: boolean } = {}): Promise<CliResult> {
  return (options.ownProcess ? runCliProcess : runCli)(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', authDomain, ...(options.extra ?? [])], {
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId, ...options.env },
    timeoutMs: options.killAfterMs ?? 45_000,
  });
}

/** The shared checks of every failing case; returns the error for case-specific ones. */
function expectFailure(result: CliResult, exitCode: number, code: string): { code: string; message: string; hint: string } {
  return expectFailedRun(result, exitCode, code, SECRETS);
}

function expectSuccess(result: CliResult): void {
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as RunDocument).ok).toBe(true);
  expectNoSecrets(result.stdout + result.stderr, SECRETS);
}

describe('the connection fails', () => {
  test('connection reset after the request: exit 3, unreachable, "connection lost"', async () => {
    const server = await serve(faults.resetBeforeAnswer());
    const error = expectFailure(await verify(server.hostPort), 3, 'unreachable');
    expect(error.message).toContain('connection');
    expect(error.message).toContain(server.hostPort);
    expect(server.requests).toHaveLength(1);
  });

  test('connection reset in the middle of the answer: exit 3, unreachable', async () => {
    const server = await serve(faults.resetMidAnswer());
    const error = expectFailure(await verify(server.hostPort), 3, 'unreachable');
    expect(error.message).toContain('connection');
    expect(server.requests).toHaveLength(1);
  });

  test('a host name that does not resolve (.invalid): exit 3, unreachable, DNS named', async () => {
    const error = expectFailure(await verify('no-such-host.invalid'), 3, 'unreachable');
    expect(error.message).toContain('no-such-host.invalid');
    expect(error.message).toContain('DNS');
  });

  test('nothing listening on the port: exit 3, unreachable, "connection refused"', async () => {
    const port = await closedPort();
    const error = expectFailure(await verify(`127.0.0.1:${port}`), 3, 'unreachable');
    expect(error.message).toContain('connection refused');
  });
});

describe('the answer is not a token', () => {
  test('200 with an HTML page: exit 3, bad_response', async () => {
    const server = await serve(faults.text(200, '<!doctype html><html><body>Sign in</body></html>', 'text/html'));
    const error = expectFailure(await verify(server.hostPort), 3, 'bad_response');
    expect(error.message).toContain('not JSON');
  });

  test('200 with invalid JSON: exit 3, bad_response', async () => {
    const server = await serve(faults.text(200, '{"access_token": "abc', 'application/json'));
    expectFailure(await verify(server.hostPort), 3, 'bad_response');
  });

  test('an answer that is not HTTP at all: exit 3, bad_response', async () => {
    const server = await serve(faults.notHttp());
    const result = await verify(server.hostPort);
    const error = expectFailure(result, 3, 'bad_response');
    expect(error.message).toContain('not valid HTTP');
  });

  test('200 KB of response headers: exit 3, bad_response', async () => {
    const server = await serve(faults.hugeHeaders());
    const result = await verify(server.hostPort);
    expectFailure(result, 3, 'bad_response');
  });

  test('200 with JSON lacking access_token: exit 3, bad_response', async () => {
    const server = await serve(faults.json(200, { token_type: 'Bearer', expires_in: 3600 }));
    const error = expectFailure(await verify(server.hostPort), 3, 'bad_response');
    expect(error.message).toContain('without an access token');
  });

  test('an answer of hundreds of MB sent chunked: refused past the 1 MiB cap, the client hangs up', async () => {
    const { handler, stats } = faults.hugeBody(512 * 1024 * 1024, false);
    const server = await serve(handler);
    const error = expectFailure(await verify(server.hostPort), 3, 'bad_response');
    expect(error.message).toContain('larger than 1024 KiB');
    await stats.ended;
    expect(stats.clientClosed).toBe(true);
    // Memory stays flat: the client stopped reading, so the server could only push what fits in buffers.
    expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
  });

  test('an answer declaring hundreds of MB (Content-Length): refused before reading it', async () => {
    const { handler, stats } = faults.hugeBody(512 * 1024 * 1024, true);
    const server = await serve(handler);
    expectFailure(await verify(server.hostPort), 3, 'bad_response');
    await stats.ended;
    expect(stats.clientClosed).toBe(true);
    expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('server errors and rate limits: bounded retries, never a tight loop', () => {
  test('503 every time: exit 3, server_error after 2-5 attempts, well under 20 s', async () => {
    const server = await serve(faults.json(503, { error: 'unavailable' }));
    // The safety net at 20 s would show as signal SIGKILL.
    const error = expectFailure(await verify(server.hostPort, { killAfterMs: 20_000 }), 3, 'server_error');
    expect(error.message).toContain('503');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThanOrEqual(5);
  });

  test('503 once, then a token: exit 0 after exactly two requests', async () => {
    const server = await serve(faults.sequence(faults.json(503, { error: 'unavailable' }), faults.token()));
    expectSuccess(await verify(server.hostPort));
    expect(server.requests).toHaveLength(2);
  });

  test('500 (not a passing outage): exit 3, server_error, not retried', async () => {
    const server = await serve(faults.json(500, { error: 'boom' }));
    expectFailure(await verify(server.hostPort), 3, 'server_error');
    expect(server.requests).toHaveLength(1);
  });

  test('429 with Retry-After: 1 every time: exit 3, rate_limited after 2-5 requests', async () => {
    const server = await serve(faults.json(429, { error: 'too_many_requests' }, { 'retry-after': '1' }));
    const error = expectFailure(await verify(server.hostPort, { killAfterMs: 20_000 }), 3, 'rate_limited');
    expect(error.message).toContain('429');
    expect(error.hint).toMatch(/[Ww]ait/);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThanOrEqual(5);
  });

  test('429 without Retry-After every time: exit 3, rate_limited after 2-5 requests', async () => {
    const server = await serve(faults.json(429, { error: 'too_many_requests' }));
    expectFailure(await verify(server.hostPort, { killAfterMs: 20_000 }), 3, 'rate_limited');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThanOrEqual(5);
  });

  // The spacing itself (never shorter than the backoff) is checked in faults-http without a clock.
  test('429 with Retry-After: 0 every time: exit 3, rate_limited, still bounded', async () => {
    const server = await serve(faults.json(429, { error: 'too_many_requests' }, { 'retry-after': '0' }));
    expectFailure(await verify(server.hostPort, { killAfterMs: 20_000 }), 3, 'rate_limited');
    expect(server.requests.length).toBeLessThanOrEqual(5);
  });

  test('429 asking to wait an hour: exit 3 at once, one request, the wait named', async () => {
    const server = await serve(faults.json(429, { error: 'too_many_requests' }, { 'retry-after': '3600' }));
    const error = expectFailure(await verify(server.hostPort, { killAfterMs: 20_000 }), 3, 'rate_limited');
    expect(error.message).toContain('3600 s');
    expect(server.requests).toHaveLength(1);
  });

  test('429 once with Retry-After: 1, then a token: exit 0 after two requests', async () => {
    const server = await serve(faults.sequence(faults.json(429, {}, { 'retry-after': '1' }), faults.token()));
    expectSuccess(await verify(server.hostPort));
    expect(server.requests).toHaveLength(2);
  });
});

describe('redirects are never followed', () => {
  test.each([301, 302, 303, 307, 308])('%i to another host: exit 3, redirected, the other host never asked', async (status) => {
    const elsewhere = await serve(faults.token());
    const server = await serve(faults.redirect(`${elsewhere.origin}/steal?from=${FAKE.environmentId}`, status));
    const error = expectFailure(await verify(server.hostPort), 3, 'redirected');
    expect(error.message).toContain(String(status));
    expect(error.message).toContain(elsewhere.origin);
    expect(error.message).not.toContain('/steal');
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('certificates', () => {
  test('a certificate this machine does not trust: exit 3, tls_error, nothing reaches the server', async () => {
    const server = await serve(faults.token(), 'untrusted');
    const error = expectFailure(await verify(server.hostPort), 3, 'tls_error');
    expect(error.message).toContain('certificate');
    expect(error.message).toContain('nothing was sent');
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(server.requests).toHaveLength(0);
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off: still exit 3, tls_error', async () => {
    const server = await serve(faults.token(), 'untrusted');
    expectFailure(await verify(server.hostPort, { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } }), 3, 'tls_error');
    expect(server.requests).toHaveLength(0);
  });

  test('through a proxy, an untrusted certificate is still refused (and with NODE_TLS_REJECT_UNAUTHORIZED=0)', async () => {
    const server = await serve(faults.token(), 'untrusted');
    const proxy = await startConnectProxy({ 'auth.pingone.eu:443': server.port });
    try {
      const envs: Record<string, string>[] = [{ HTTPS_PROXY: proxy.url }, { HTTPS_PROXY: proxy.url, NODE_TLS_REJECT_UNAUTHORIZED: '0' }];
      for (const env of envs) {
        expectFailure(await verify('auth.pingone.eu', { env }), 3, 'tls_error');
      }
      expect(proxy.targets).toEqual(['auth.pingone.eu:443', 'auth.pingone.eu:443']);
      expect(server.requests).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  test('the same server is trusted once its CA is given in NODE_EXTRA_CA_CERTS', async () => {
    const server = await serve(faults.token(), 'untrusted');
    const caFile = `${process.env.TEST_CERT_DIR ?? ''}/untrusted-ca.pem`;
    // NODE_EXTRA_CA_CERTS is read when a process starts: this run needs one of its own.
    expectSuccess(await verify(server.hostPort, { env: { NODE_EXTRA_CA_CERTS: caFile }, ownProcess: true }));
    expect(server.requests).toHaveLength(1);
  });
});

describe('proxies', () => {
  test('HTTPS_PROXY: the request goes through the CONNECT proxy to the named host', async () => {
    const server = await serve(faults.token());
    const proxy = await startConnectProxy({ 'auth.pingone.eu:443': server.port });
    try {
      expectSuccess(await verify('auth.pingone.eu', { env: { HTTPS_PROXY: proxy.url } }));
      expect(proxy.targets).toEqual(['auth.pingone.eu:443']);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.host).toBe('auth.pingone.eu');
    } finally {
      await proxy.close();
    }
  });

  test('NO_PROXY bypasses HTTPS_PROXY for the hosts it names', async () => {
    const server = await serve(faults.token());
    const proxy = await startConnectProxy();
    try {
      expectSuccess(await verify(server.hostPort, { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }));
      expect(proxy.targets).toEqual([]);
      expect(server.requests).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  test('a proxy that cannot reach the host (502 to CONNECT): exit 3, unreachable, proxy password never shown', async () => {
    const proxy = await startConnectProxy();
    const withPassword = proxy.url.replace('http://', 'http://proxyuser:FAKE-proxy-password-0010@');
    try {
      const result = await verify('auth.pingone.eu', { env: { HTTPS_PROXY: withPassword } });
      const error = expectFailure(result, 3, 'unreachable');
      expect(error.message).toContain('auth.pingone.eu');
      expect(proxy.targets).toEqual(['auth.pingone.eu:443']);
      expectNoSecrets(result.stdout + result.stderr, ['FAKE-proxy-password-0010']);
    } finally {
      await proxy.close();
    }
  });

  test('HTTPS_PROXY pointing where nothing listens: exit 3, unreachable', async () => {
    const port = await closedPort();
    expectFailure(await verify('auth.pingone.eu', { env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } }), 3, 'unreachable');
  });
});

describe('a server that echoes what it was sent', () => {
  test('the secret echoed in error_description (raw and form-encoded) is redacted: exit 1', async () => {
    const server = await serve((request, response) => {
      const form = new URLSearchParams(request.body);
      const description = `bad secret ${form.get('client_secret') ?? ''} (raw body ${request.body})`;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'invalid_client', error_description: description }));
    });
    const result = await verify(server.hostPort);
    // This server has no discovery document either, so the environment is not there (docs/partners.md P-DISC-BAD).
    const error = expectFailure(result, 1, 'environment_not_found');
    expect(error.message).toContain('[redacted]');
    const human = await runCli(['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
    });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('[redacted]');
    expectNoSecrets(human.stdout + human.stderr, SECRETS);
  });
});

describe('a server that dribbles its answer', () => {
  test.each([
    ['headers, then one body byte at a time', (deadlines: Deadlines) => faults.trickle(20, (sent) => sent === 3 && deadlines.expire())],
    ['103 Early Hints over and over, never the answer', (deadlines: Deadlines) => faults.earlyHints(20, (sent) => sent === 3 && deadlines.expire())],
  ])('%s: exit 3, timeout, once the time limit runs out', async (_name, tarpit) => {
    const deadlines = new Deadlines();
    const server = await serve(tarpit(deadlines));
    const result = await runCli(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
      deadlines,
    });
    const error = expectFailure(result, 3, 'timeout');
    expect(error.message).toBe(`${server.hostPort} did not answer within 15 s.`);
    expect(server.requests).toHaveLength(1);
  });

  test('verify --all behind a tarpit, as CI runs it: every profile ends with timeout, the batch with exit 3', async () => {
    const deadlines = new Deadlines();
    const trickling = await serve(faults.trickle(20, (sent) => sent === 3 && deadlines.expire()));
    const hinting = await serve(faults.earlyHints(20, (sent) => sent === 3 && deadlines.expire()));
    const configDir = tempConfigDir();
    await seedProfiles(
      configDir,
      [trickling, hinting].map((server, index) => ({
        connector: 'pingone',
        name: `tarpit-${index}`,
        values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: FAKE.environmentId },
        secrets: { clientSecret: FAKE.clientSecret },
      })),
    );
    const result = await runCli(['verify', '--all', '--json'], { configDir, deadlines });
    expect(result.code).toBe(3);
    const document = JSON.parse(result.stdout) as { results: Array<{ profile: string; error?: { code: string } }> };
    expect(document.results.map((entry) => [entry.profile, entry.error?.code])).toEqual([
      ['tarpit-0', 'timeout'],
      ['tarpit-1', 'timeout'],
    ]);
  });
});

describe('in human mode', () => {
  test('a failure is one readable line and a fix on stderr; stdout stays empty', async () => {
    const deadlines = new Deadlines();
    const server = await serve(faults.hang(() => deadlines.expire()));
    const result = await runCli(['pingone', '--verify', '--timeout', '1', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
      deadlines,
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`✖ ${server.hostPort} did not answer within 1 s. [timeout]`);
    expect(result.stderr).toContain('Fix: ');
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stderr, SECRETS);
  });
});

describe('the real time limit, in the built CLI (started when this file began)', () => {
  test('a server that never answers, --timeout 3: exit 3, timeout, one request, the run ends by itself', async () => {
    // Started in beforeAll (above). Without a working timeout the run would hang until the safety net kills it
    // (signal SIGKILL).
    const { server, run } = realTimeout!;
    const error = expectFailure(await run, 3, 'timeout');
    expect(error.message).toContain('did not answer within 3 s');
    expect(error.hint).toContain('--timeout');
    expect(server.requests).toHaveLength(1);
  });
});
