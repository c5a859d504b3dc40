// src/core/net/transport.ts on its own against misbehaving servers: how long it waits between retries (a recording
// sleep instead of a clock), what it does with huge answers, and that undici's error text never gets out.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { systemClock } from '../../src/core/clock.js';
import { CliError, InterruptedError, UnreachableError } from '../../src/core/errors.js';
import { describeNetworkError } from '../../src/core/net/network-errors.js';
import { HttpClient, MAX_BODY_BYTES } from '../../src/core/net/transport.js';
import { Redactor } from '../../src/core/redact.js';
import { closedPort, faults, startFaultServer, waitUntil } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import type { Handler, TestServer } from '../helpers/https-server.js';
import { Deadlines } from '../helpers/in-process.js';

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startFaultServer(handler);
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

/** A client whose waits are recorded instead of slept, so tests read the schedule without a clock. */
function recordingClient(options: { timeoutMs?: number; signal?: AbortSignal; deadlines?: Deadlines } = {}): { http: HttpClient; waits: number[] } {
  const waits: number[] = [];
  let now = Date.now();
  const http = new HttpClient({
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal ?? new AbortController().signal,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      deadline: (ms: number) => options.deadlines?.create() ?? systemClock.deadline(ms),
    },
    env: {},
    redactor: new Redactor(),
  });
  return { http, waits };
}

function post(server: TestServer, retry: 'safe' | 'rate-limit-only' = 'safe') {
  return {
    method: 'POST' as const,
    url: `${server.origin}/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: FAKE.clientSecret }).toString(),
    retry,
  };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expectNoSecrets(`${(error as CliError).message} ${(error as CliError).hint}`);
    return error as CliError;
  }
  throw new Error('expected the request to fail');
}

describe('retry schedule', () => {
  test('429 with Retry-After: 1 waits 1 s between attempts, three attempts in all', async () => {
    const server = await serve(faults.json(429, {}, { 'retry-after': '1' }));
    const { http, waits } = recordingClient();
    expect((await failure(http.send(post(server)))).code).toBe('rate_limited');
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
    await http.close();
  });

  test('429 without Retry-After backs off 0.5 s then 1 s', async () => {
    const server = await serve(faults.json(429, {}));
    const { http, waits } = recordingClient();
    expect((await failure(http.send(post(server)))).code).toBe('rate_limited');
    expect(waits).toEqual([500, 1000]);
    await http.close();
  });

  test('429 with Retry-After: 0 or a date in the past is never a tight loop: the backoff still applies', async () => {
    for (const retryAfter of ['0', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const server = await serve(faults.json(429, {}, { 'retry-after': retryAfter }));
      const { http, waits } = recordingClient();
      await failure(http.send(post(server)));
      expect(waits).toEqual([500, 1000]);
      expect(server.requests).toHaveLength(3);
      await http.close();
    }
  });

  test('429 with a Retry-After over 20 s: no wait at all, one request, the wait named', async () => {
    const server = await serve(faults.json(429, {}, { 'retry-after': '120' }));
    const { http, waits } = recordingClient();
    const error = await failure(http.send(post(server)));
    expect(error.message).toContain('120 s');
    expect(waits).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await http.close();
  });

  test('503 is retried for a safe request, but not for a create (rate-limit-only)', async () => {
    const safeServer = await serve(faults.json(503, {}));
    const safe = recordingClient();
    expect((await failure(safe.http.send(post(safeServer)))).code).toBe('server_error');
    expect(safeServer.requests).toHaveLength(3);
    const createServer = await serve(faults.json(503, {}));
    const create = recordingClient();
    expect((await failure(create.http.send(post(createServer, 'rate-limit-only')))).code).toBe('server_error');
    expect(createServer.requests).toHaveLength(1);
    expect(create.waits).toEqual([]);
    await Promise.all([safe.http.close(), create.http.close()]);
  });

  test('a lost connection is never retried (the server may have acted on it)', async () => {
    const server = await serve(faults.resetBeforeAnswer());
    const { http, waits } = recordingClient();
    expect((await failure(http.send(post(server)))).code).toBe('unreachable');
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    await http.close();
  });
});

describe('fixed rate-limit windows (Invenias, docs/partners.md I-RATE-LIMIT)', () => {
  const FIVE_MINUTES = 5 * 60_000;

  test('429 without Retry-After: no retry, one request, the end of the window named; that host is then held back', async () => {
    const limited = await serve(faults.json(429, {}, { 'x-request-quota-remaining': '0' }));
    const other = await serve(faults.token());
    const { http, waits } = recordingClient();
    const error = await failure(http.send({ ...post(limited), rateLimitWindowMs: FIVE_MINUTES }));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/resets within 5 minutes, by \d\d:\d\d:\d\d UTC at the latest\.$/);
    expect(waits).toEqual([]);
    expect(limited.requests).toHaveLength(1);
    // Every later request to that host, whatever its kind, is not sent at all.
    const held = await failure(http.send({ method: 'GET', url: `${limited.origin}/api/v1/countries`, retry: 'safe' }));
    expect(held.code).toBe('rate_limited');
    expect(held.message).toMatch(/^Not sent: /);
    expect(limited.requests).toHaveLength(1);
    // Another host is asked as usual.
    expect((await http.send(post(other))).status).toBe(200);
    await http.close();
  });

  test('a short Retry-After is still honoured', async () => {
    const server = await serve(faults.sequence(faults.json(429, {}, { 'retry-after': '1' }), faults.token()));
    const { http, waits } = recordingClient();
    expect((await http.send({ ...post(server), rateLimitWindowMs: FIVE_MINUTES })).status).toBe(200);
    expect(waits).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
    await http.close();
  });

  test('a long Retry-After: no retry, the wait it asked for named', async () => {
    const server = await serve(faults.json(429, {}, { 'retry-after': '600' }));
    const { http, waits } = recordingClient();
    const error = await failure(http.send({ ...post(server), rateLimitWindowMs: FIVE_MINUTES }));
    expect(error.message).toMatch(/It asked to wait 600 s, until \d\d:\d\d:\d\d UTC\.$/);
    expect(waits).toEqual([]);
    await http.close();
  });
});

describe("a 5xx repeats the server's own words, cleaned and bounded", () => {
  test.each([
    ['plain text', faults.text(500, 'Tenant is in Maintenance Mode - Upgrade in progress'), ' It said: "Tenant is in Maintenance Mode - Upgrade in progress"'],
    ['a JSON message', faults.json(500, { Message: 'An error has occurred.' }), ' It said: "An error has occurred."'],
    ['a JSON string', faults.json(500, 'Down for maintenance'), ' It said: "Down for maintenance"'],
    ['an HTML page', faults.text(500, '<html><body>Internal Server Error</body></html>', 'text/html'), ''],
    ['an empty body', faults.text(500, ''), ''],
  ])('%s', async (_kind, handler, said) => {
    const server = await serve(handler);
    const { http } = recordingClient();
    const error = await failure(http.send(post(server)));
    expect(error.message).toBe(`${server.hostPort} answered 500 (a server error).${said}`);
    await http.close();
  });
});

describe('answers', () => {
  test('a chunked answer of 300 MB: bad_response once past the cap; the client stops reading', async () => {
    const { handler, stats } = faults.hugeBody(300 * 1024 * 1024, false);
    const server = await serve(handler);
    const { http } = recordingClient();
    const error = await failure(http.send(post(server)));
    expect(error.code).toBe('bad_response');
    await stats.ended;
    expect(stats.clientClosed).toBe(true);
    expect(stats.bytesWritten).toBeGreaterThan(MAX_BODY_BYTES);
    expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    await http.close();
  });

  test('a redirect is returned as an error; its Location path and query are not repeated', async () => {
    const server = await serve(faults.redirect(`https://elsewhere.example/collect?secret=${FAKE.clientSecret}`, 307));
    const { http } = recordingClient();
    const error = await failure(http.send(post(server)));
    expect(error.code).toBe('redirected');
    expect(error.message).toContain('https://elsewhere.example');
    expect(error.message).not.toContain('collect');
    await http.close();
  });

  test('the answer of a working server is read whole', async () => {
    const server = await serve(faults.token());
    const { http } = recordingClient();
    const response = await http.send(post(server));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ token_type: 'Bearer' });
    await http.close();
  });
});

describe('interruption', () => {
  test('aborting the run signal during a request that never ends: InterruptedError (exit 130)', async () => {
    const server = await serve(faults.hang());
    const controller = new AbortController();
    const { http } = recordingClient({ signal: controller.signal, timeoutMs: 600_000 });
    const pending = http.send(post(server));
    await waitUntil(() => server.requests.length === 1, 'the request reached the server');
    controller.abort();
    const error = await failure(pending);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.exitCode).toBe(130);
    await http.close();
  });

  test('aborting during a Retry-After wait ends the wait (real sleep)', async () => {
    const server = await serve(faults.json(429, {}, { 'retry-after': '15' }));
    const controller = new AbortController();
    const http = new HttpClient({ timeoutMs: 60_000, signal: controller.signal, env: {}, redactor: new Redactor() });
    const pending = http.send(post(server));
    await waitUntil(() => server.requests.length === 1, 'the first request was answered');
    controller.abort();
    expect(await failure(pending)).toBeInstanceOf(InterruptedError);
    expect(server.requests).toHaveLength(1);
    await http.close();
  });
});

describe('a request ends at its time limit, however the server dribbles its answer', () => {
  test('headers, then one body byte at a time: timeout once the limit runs out, not when the bytes stop', async () => {
    const deadlines = new Deadlines();
    const server = await serve(faults.trickle(20, (sent) => sent === 3 && deadlines.expire()));
    const { http } = recordingClient({ timeoutMs: 1000, deadlines });
    const error = await failure(http.send(post(server)));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`${server.hostPort} did not answer within 1 s.`);
    expect(server.requests).toHaveLength(1);
    await http.close();
  });

  test('103 Early Hints over and over, never the answer: timeout once the limit runs out', async () => {
    const deadlines = new Deadlines();
    const server = await serve(faults.earlyHints(20, (sent) => sent === 3 && deadlines.expire()));
    const { http } = recordingClient({ timeoutMs: 1000, deadlines });
    expect((await failure(http.send(post(server)))).code).toBe('timeout');
    expect(server.requests).toHaveLength(1);
    await http.close();
  });

  test('a request that has ended, answered or not, leaves no time limit running', async () => {
    const deadlines = new Deadlines();
    const answered = await serve(faults.json(200, { access_token: 'FAKE-access-token', token_type: 'Bearer' }));
    const failing = await serve(faults.json(503, { message: 'Down for maintenance' }));
    const { http } = recordingClient({ deadlines });
    expect((await http.send(post(answered))).status).toBe(200);
    expect((await failure(http.send(post(failing)))).code).toBe('server_error');
    expect(failing.requests.length).toBeGreaterThan(1);
    expect(deadlines.running).toBe(0);
    await http.close();
  });

  test('a retry whose wait would end past the time limit is not made: the server\'s answer so far is the outcome', async () => {
    const server = await serve(faults.json(503, { message: 'Down for maintenance' }, { 'retry-after': '2' }));
    const { http, waits } = recordingClient({ timeoutMs: 1000 });
    const error = await failure(http.send(post(server)));
    expect(error.code).toBe('server_error');
    expect(error.message).toBe(`${server.hostPort} answered 503 (a server error) 1 time(s). It said: "Down for maintenance"`);
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    await http.close();
  });

  test('retries and their waits count against the one limit: 429, 0.5 s, 429, then no 1 s wait in a 1.2 s limit', async () => {
    const server = await serve(faults.json(429, {}));
    const { http, waits } = recordingClient({ timeoutMs: 1200 });
    const error = await failure(http.send(post(server)));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('2 time(s)');
    expect(waits).toEqual([500]);
    expect(server.requests).toHaveLength(2);
    await http.close();
  });
});

describe('the real time limit survives garbage collection (nodejs/node#57736: a collected AbortSignal.timeout never fires)', () => {
  // Real time on purpose: what is under test is the system clock's own timer. The garbage collector runs after
  // every byte the server sends, so a limit the collector can take is taken; the test ends only if the limit fires.
  v8.setFlagsFromString('--expose-gc');
  const collectGarbage = vm.runInNewContext('gc') as () => void;
  const realClient = (): HttpClient => new HttpClient({ timeoutMs: 300, signal: new AbortController().signal, clock: systemClock, env: {}, redactor: new Redactor() });

  test('a trickling server: timeout', async () => {
    const server = await serve(faults.trickle(10, () => collectGarbage()));
    const http = realClient();
    expect((await failure(http.send(post(server)))).code).toBe('timeout');
    await http.close();
  });

  test('a server sending 103 Early Hints forever: timeout', async () => {
    const server = await serve(faults.earlyHints(10, () => collectGarbage()));
    const http = realClient();
    expect((await failure(http.send(post(server)))).code).toBe('timeout');
    await http.close();
  });
});

describe('undici errors are described by their codes only', () => {
  const url = `https://auth.example.test/${FAKE.environmentId}/as/token`;
  // What undici errors can carry: the request line, headers, body, and the proxy URL with its password.
  const leaky = `POST ${url} client_secret=${FAKE.clientSecret} Authorization: Bearer ${FAKE.inveniasApiKey} http://u:${FAKE.inveniasPassword}@proxy`;

  test.each([
    ['ECONNRESET', 'unreachable'],
    ['ECONNREFUSED', 'unreachable'],
    ['ENOTFOUND', 'unreachable'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'unreachable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_error'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'bad_response'],
    ['UND_ERR_HEADERS_OVERFLOW', 'bad_response'],
    ['HPE_INVALID_CONSTANT', 'bad_response'],
    ['SOMETHING_NEW', 'unreachable'],
  ])('%s -> %s, the error text not repeated', (code, expected) => {
    const cause = Object.assign(new Error(leaky), { code });
    const error = Object.assign(new TypeError(`fetch failed: ${leaky}`, { cause }), { name: 'TypeError' });
    const described = describeNetworkError(error, url, 5000);
    expect(described).toBeInstanceOf(UnreachableError);
    expect(described.code).toBe(expected);
    expectNoSecrets(`${described.message} ${described.hint}`);
    expect(described.message).not.toContain('POST');
  });

  test('property: whatever an error says or is coded as, the description repeats none of its text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 80 }), fc.string({ minLength: 6, maxLength: 60 }), (message, code) => {
        // Secrets are not identifier-shaped (they carry hyphens, digits, mixed case), as the fake ones do.
        const marker = `FAKE-${message}`;
        const error = Object.assign(new Error(marker), { code: `${code}${marker}`, cause: Object.assign(new Error(marker), { code: marker }) });
        const described = describeNetworkError(error, url, 5000);
        expect(`${described.message} ${described.hint}`).not.toContain(marker);
        expect(described.exitCode).toBe(3);
      }),
    );
  });

  test.each(['transport.ts', 'network-errors.ts'])('%s never reads an error message (a guard for future edits: only codes are read)', (file) => {
    const source = readFileSync(fileURLToPath(new URL(`../../../src/core/net/${file}`, import.meta.url)), 'utf8');
    expect(source).not.toMatch(/\.message\b/);
    expect(source).not.toMatch(/String\(error\)|\$\{error\}/);
  });

  test('a real failure (nothing listening) is reported without the request in the text', async () => {
    const port = await closedPort();
    const { http } = recordingClient();
    const error = await failure(
      http.send({ method: 'POST', url: `https://127.0.0.1:${port}/token`, body: `client_secret=${FAKE.clientSecret}`, retry: 'safe' }),
    );
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`Nothing is listening at 127.0.0.1:${port} (connection refused).`);
    await http.close();
  });
});
