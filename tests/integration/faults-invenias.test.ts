// Invenias against an origin that misbehaves the ways real networks do: the token endpoint (`invenias --verify`)
// and the create call (`POST /api/v1/thirdpartyapplications`, which must never be repeated unless Invenias said
// 429). Each case: the exit code of docs/contract.md, a stable error code, a sentence a person can act on, no stack
// trace, no secret.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { type RunDocument, expectFailedRun, expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, closedPort, faults } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import type { Handler } from '../helpers/https-server.js';
import {
  COUNTRIES_PATH,
  CREATED_CLIENT_ID,
  CREATE_PATH,
  type InveniasFaultServer,
  MAINTENANCE,
  createdApp,
  quotaUsedUp,
  startInveniasFaults,
} from '../helpers/invenias-faults.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
const CLIENT_ID = '2f6d8a1e-5b7c-4d3e-8f9a-0b1c2d3e4f50';
const USERNAME = 'cyclr.integration';
const servers: InveniasFaultServer[] = [];

async function serve(routes: { create?: Handler; token?: Handler; countries?: Handler }, kind: 'trusted' | 'untrusted' = 'trusted'): Promise<InveniasFaultServer> {
  const server = await startInveniasFaults(routes, kind);
  servers.push(server);
  return server;
}

afterAll(async () => {
  // Secrets only ever travelled in request bodies, and the API key only in the create call's Authorization header.
  for (const server of servers) {
    for (const request of server.requests) {
      const { authorization, ...headers } = request.headers;
      expectNoSecrets(`${request.url} ${JSON.stringify(headers)}`, SECRETS);
      if (authorization !== undefined) {
        // The API key goes only to the create call; the token only to the API call made with it.
        if (request.url === COUNTRIES_PATH) expect(authorization).toBe(`Bearer ${FAKE_ACCESS_TOKEN}`);
        else {
          expect(request.url.startsWith(CREATE_PATH)).toBe(true);
          expect(authorization).toBe(`Bearer ${FAKE.inveniasApiKey}`);
        }
      }
    }
  }
  await Promise.all(servers.map((server) => server.close()));
});


interface RunOptions {
  extra?: string[];
  env?: Record<string, string | undefined>;
  killAfterMs?: number;
  configDir?: string;
  stdin?: string;
  deadlines?: Deadlines;
}

/** `invenias --verify --json` with an existing application and user, against `origin`. */
function verify(origin: string, options: RunOptions = {}): Promise<CliResult> {
  return runCli(
    ['invenias', '--verify', '--json', '--subdomain', 'acme', '--base-url', origin, '--client-id', CLIENT_ID, '--username', USERNAME, ...(options.extra ?? [])],
    {
      env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword, ...options.env },
      timeoutMs: options.killAfterMs ?? 45_000,
      deadlines: options.deadlines,
      ...(options.configDir ? { configDir: options.configDir } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    },
  );
}

/** A scripted setup that creates an application (API key from the environment), secrets kept in the file. */
function create(origin: string, options: RunOptions = {}): Promise<CliResult> {
  return runCli(['invenias', '--json', '--no-input', '--subdomain', 'acme', '--base-url', origin, ...(options.extra ?? [])], {
    env: {
      INVENIAS_API_KEY: FAKE.inveniasApiKey,
      INVENIAS_USERNAME: USERNAME,
      INVENIAS_PASSWORD: FAKE.inveniasPassword,
      CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
      CONNECTOR_SETUP_SECRET_STORE: 'file',
      ...options.env,
    },
    timeoutMs: options.killAfterMs ?? 45_000,
    deadlines: options.deadlines,
    configDir: options.configDir ?? tempConfigDir(),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
}

/** The shared checks of every failing case; returns the error for case-specific ones. */
function expectFailure(result: CliResult, exitCode: number, code: string): { code: string; message: string; hint: string } {
  return expectFailedRun(result, exitCode, code, SECRETS);
}

function expectSuccess(result: CliResult): RunDocument {
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  const document = JSON.parse(result.stdout) as RunDocument;
  expect(document.ok).toBe(true);
  expectNoStackTrace(result.stderr);
  expectNoSecrets(result.stdout + result.stderr, SECRETS);
  return document;
}

function savedSecrets(configDir: string): Record<string, string> | undefined {
  const file = path.join(configDir, 'secrets.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { secrets: { invenias?: Record<string, Record<string, string>> } }).secrets.invenias?.default;
}

/** docs/partners.md I-503-MAINTENANCE */
const unavailable = faults.text(503, MAINTENANCE);

describe('the token endpoint (invenias --verify)', () => {
  describe('the connection fails', () => {
    test('connection reset after the request: exit 3, unreachable, "connection lost", one request', async () => {
      const server = await serve({ token: faults.resetBeforeAnswer() });
      const error = expectFailure(await verify(server.origin), 3, 'unreachable');
      expect(error.message).toContain('connection');
      expect(error.message).toContain(server.hostPort);
      expect(server.tokens()).toHaveLength(1);
    });

    test('connection reset in the middle of the answer: exit 3, unreachable', async () => {
      const server = await serve({ token: faults.resetMidAnswer() });
      expect(expectFailure(await verify(server.origin), 3, 'unreachable').message).toContain('connection');
      expect(server.tokens()).toHaveLength(1);
    });

    test('a host name that does not resolve (.invalid): exit 3, unreachable, DNS named', async () => {
      const error = expectFailure(await verify('https://acme.no-such-host.invalid'), 3, 'unreachable');
      expect(error.message).toContain('acme.no-such-host.invalid');
      expect(error.message).toContain('DNS');
    });

    test('nothing listening on the port: exit 3, unreachable, "connection refused"', async () => {
      const port = await closedPort();
      expect(expectFailure(await verify(`https://127.0.0.1:${port}`), 3, 'unreachable').message).toContain('connection refused');
    });

    test('a server that never answers, --timeout 1: exit 3, timeout, one request, the run ends by itself', async () => {
      // The time limit runs out once the request is held (Deadlines), not a second later.
      const deadlines = new Deadlines();
      const server = await serve({ token: faults.hang(() => deadlines.expire()) });
      const error = expectFailure(await verify(server.origin, { extra: ['--timeout', '1'], killAfterMs: 30_000, deadlines }), 3, 'timeout');
      expect(error.message).toContain('did not answer within 1 s');
      expect(error.hint).toContain('--timeout');
      expect(server.tokens()).toHaveLength(1);
    });
  });

  describe('the answer is not a token', () => {
    test('200 with an HTML page: exit 3, bad_response, "not JSON"', async () => {
      const server = await serve({ token: faults.text(200, '<!doctype html><html><body>Sign in to Invenias</body></html>', 'text/html') });
      expect(expectFailure(await verify(server.origin), 3, 'bad_response').message).toContain('not JSON');
    });

    test('200 with invalid JSON: exit 3, bad_response', async () => {
      const server = await serve({ token: faults.text(200, '{"access_token": "abc', 'application/json') });
      expectFailure(await verify(server.origin), 3, 'bad_response');
    });

    test('200 with JSON lacking access_token: exit 3, bad_response, "without an access token"', async () => {
      const server = await serve({ token: faults.json(200, { token_type: 'Bearer', expires_in: 3600 }) });
      expect(expectFailure(await verify(server.origin), 3, 'bad_response').message).toContain('without an access token');
    });

    test('an answer of hundreds of MB: refused past the 1 MiB cap, the client hangs up', async () => {
      const { handler, stats } = faults.hugeBody(512 * 1024 * 1024, false);
      const server = await serve({ token: handler });
      expect(expectFailure(await verify(server.origin), 3, 'bad_response').message).toContain('larger than 1024 KiB');
      await stats.ended;
      expect(stats.clientClosed).toBe(true);
      expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    });
  });

  describe('server errors and rate limits: bounded retries', () => {
    test('503 every time: exit 3, server_error after 2-5 requests, the maintenance notice shown', async () => {
      const server = await serve({ token: unavailable });
      const error = expectFailure(await verify(server.origin, { killAfterMs: 20_000 }), 3, 'server_error');
      expect(error.message).toContain(`503 (a server error) 3 time(s). It said: "${MAINTENANCE}"`);
      expect(server.tokens().length).toBeGreaterThanOrEqual(2);
      expect(server.tokens().length).toBeLessThanOrEqual(5);
    });

    test('503 once, then a token: exit 0 after exactly two requests', async () => {
      const server = await serve({ token: faults.sequence(unavailable, faults.token()) });
      expectSuccess(await verify(server.origin));
      expect(server.tokens()).toHaveLength(2);
    });

    test('429 with Retry-After: 1 every time: exit 3, rate_limited after 2-5 requests, told to wait', async () => {
      const server = await serve({ token: faults.json(429, { Message: 'Too many requests' }, { 'retry-after': '1' }) });
      const error = expectFailure(await verify(server.origin, { killAfterMs: 20_000 }), 3, 'rate_limited');
      expect(error.message).toContain('429');
      expect(error.hint).toMatch(/[Ww]ait/);
      expect(server.tokens().length).toBeGreaterThanOrEqual(2);
      expect(server.tokens().length).toBeLessThanOrEqual(5);
    });

    test('429 without Retry-After (docs/partners.md I-RATE-LIMIT): exit 3 after one request, when to try again named', async () => {
      const server = await serve({ token: quotaUsedUp() });
      const error = expectFailure(await verify(server.origin), 3, 'rate_limited');
      expect(error.message).toContain('resets within 5 minutes');
      expect(server.tokens()).toHaveLength(1);
      expect(server.apiCalls()).toHaveLength(0);
    });

    test('429 asking to wait an hour: exit 3 at once, one request, the wait named', async () => {
      const server = await serve({ token: faults.json(429, {}, { 'retry-after': '3600' }) });
      expect(expectFailure(await verify(server.origin), 3, 'rate_limited').message).toContain('3600 s');
      expect(server.tokens()).toHaveLength(1);
    });

    test('429 once with Retry-After: 1, then a token: exit 0 after two requests', async () => {
      const server = await serve({ token: faults.sequence(faults.json(429, {}, { 'retry-after': '1' }), faults.token()) });
      expectSuccess(await verify(server.origin));
      expect(server.tokens()).toHaveLength(2);
    });
  });

  test('a 302 to another host: exit 3, redirected, the other host never asked (password and secret never reach it)', async () => {
    const elsewhere = await serve({});
    const server = await serve({ token: faults.redirect(`${elsewhere.origin}/identity/connect/token?from=acme`) });
    const error = expectFailure(await verify(server.origin), 3, 'redirected');
    expect(error.message).toContain(elsewhere.origin);
    expect(error.message).not.toContain('from=acme');
    expect(server.tokens()).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('a certificate this machine does not trust: exit 3, tls_error, nothing reaches the server', async () => {
    const server = await serve({}, 'untrusted');
    const error = expectFailure(await verify(server.origin), 3, 'tls_error');
    expect(error.message).toContain('certificate');
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(server.requests).toHaveLength(0);
  });
});

describe('the create call (POST /api/v1/thirdpartyapplications)', () => {
  /** A failed create that may have reached Invenias: sent once, never again, and the user told where to look. */
  function expectSentOnce(server: InveniasFaultServer, error: { message: string; hint: string }, configDir?: string): void {
    expect(server.creates()).toHaveLength(1);
    expect(server.tokens()).toHaveLength(0);
    expect(error.message).toContain('not sent again');
    expect(error.hint).toContain('Run again to create another');
    expect(error.hint).toContain('--renew');
    if (configDir) expect(savedSecrets(configDir)).toBeUndefined();
  }

  describe('never retried after it may have reached Invenias', () => {
    test.each([
      ['503 every time', () => unavailable, 'server_error'],
      ['503 once, then a created application', () => faults.sequence(unavailable, createdApp()), 'server_error'],
      ['500', () => faults.json(500, { Message: 'An error has occurred.' }), 'server_error'],
      ['502', () => faults.text(502, '<html>Bad Gateway</html>', 'text/html'), 'server_error'],
      ['504', () => faults.json(504, {}), 'server_error'],
      ['a connection reset after the request', () => faults.resetBeforeAnswer(), 'unreachable'],
      ['a connection reset in the middle of the answer', () => faults.resetMidAnswer(), 'unreachable'],
    ])('%s: exit 3 after exactly one create, saying the application may exist and how to go on', async (_what, handler, code) => {
      const configDir = tempConfigDir();
      const server = await serve({ create: handler() });
      const error = expectFailure(await create(server.origin, { configDir }), 3, code);
      expectSentOnce(server, error, configDir);
    });

    test('no answer within --timeout 1: exit 3, timeout, exactly one create, the run ends by itself', async () => {
      const deadlines = new Deadlines();
      const server = await serve({ create: faults.hang(() => deadlines.expire()) });
      const error = expectFailure(await create(server.origin, { extra: ['--timeout', '1'], killAfterMs: 30_000, deadlines }), 3, 'timeout');
      expect(error.message).toContain('did not answer within 1 s');
      expectSentOnce(server, error);
    });
  });

  describe('retried only after 429 (nothing was created), bounded', () => {
    test('429 with Retry-After: 1, then created: exit 0 after two creates, the second after waiting a second', async () => {
      const server = await serve({ create: faults.sequence(faults.json(429, { Message: 'Too many requests' }, { 'retry-after': '1' }), createdApp()) });
      const result = await create(server.origin);
      const document = expectSuccess(result);
      expect(document.values.clientId).toBe(CREATED_CLIENT_ID);
      expect(server.creates()).toHaveLength(2);
      expect(server.tokens()).toHaveLength(1);
      // The run's clock returns at once in-process; what it was asked to wait is the Retry-After.
      expect(result.slept).toEqual([1000]);
    });

    test('429 with Retry-After: 1, then created: exit 0 after two creates (a short Retry-After is honoured)', async () => {
      const server = await serve({ create: faults.sequence(faults.json(429, {}, { 'retry-after': '1' }), createdApp()) });
      expectSuccess(await create(server.origin));
      expect(server.creates()).toHaveLength(2);
    });

    test('429 with Retry-After: 1 every time: exit 3, rate_limited after 2-5 creates, "Nothing was created"', async () => {
      const configDir = tempConfigDir();
      const server = await serve({ create: faults.json(429, {}, { 'retry-after': '1' }) });
      const error = expectFailure(await create(server.origin, { configDir, killAfterMs: 20_000 }), 3, 'rate_limited');
      expect(error.message).toContain('Nothing was created');
      expect(error.hint).toMatch(/[Ww]ait/);
      expect(server.creates().length).toBeGreaterThanOrEqual(2);
      expect(server.creates().length).toBeLessThanOrEqual(5);
      expect(server.tokens()).toHaveLength(0);
      expect(savedSecrets(configDir)).toBeUndefined();
    });

    test('429 without Retry-After: exit 3 after one create, "Nothing was created", when to try again named', async () => {
      const server = await serve({ create: quotaUsedUp() });
      const error = expectFailure(await create(server.origin), 3, 'rate_limited');
      expect(error.message).toContain('resets within 5 minutes');
      expect(error.message).toContain('Nothing was created');
      expect(server.creates()).toHaveLength(1);
    });

    test('429 asking to wait an hour: exit 3 at once, one create, the wait named', async () => {
      const server = await serve({ create: faults.json(429, {}, { 'retry-after': '3600' }) });
      const error = expectFailure(await create(server.origin), 3, 'rate_limited');
      expect(error.message).toContain('3600 s');
      expect(server.creates()).toHaveLength(1);
    });
  });

  describe('an answer that cannot be read', () => {
    test.each([
      ['JSON without a ClientSecret', () => faults.json(201, { ClientId: CREATED_CLIENT_ID, ExpiresOn: '2031-01-01T00:00:00Z' })],
      ['an empty ClientSecret', () => faults.json(201, { ClientId: CREATED_CLIENT_ID, ClientSecret: '' })],
      ['a ClientSecret that is not a string', () => faults.json(201, { ClientId: CREATED_CLIENT_ID, ClientSecret: 12345 })],
      ['200 with an HTML page', () => faults.text(200, '<!doctype html><html><body>Swagger UI</body></html>', 'text/html')],
      ['200 with invalid JSON', () => faults.text(200, '{"ClientId": "abc", "ClientSecret": "FAKE', 'application/json')],
    ])('%s: exit 3, bad_response, one create, saying the application may exist and how to go on', async (_what, handler) => {
      const configDir = tempConfigDir();
      const server = await serve({ create: handler() });
      const error = expectFailure(await create(server.origin, { configDir }), 3, 'bad_response');
      expect(error.message).toContain('ClientSecret');
      expect(error.hint).toContain('Run again to create another');
      expect(server.creates()).toHaveLength(1);
      expect(server.tokens()).toHaveLength(0);
      expect(savedSecrets(configDir)).toBeUndefined();
    });

    test('an answer of hundreds of MB: refused past the cap, one create, saying the application may exist and how to go on', async () => {
      const { handler, stats } = faults.hugeBody(512 * 1024 * 1024, false);
      const server = await serve({ create: handler });
      const error = expectFailure(await create(server.origin), 3, 'bad_response');
      expect(error.message).toContain('larger than 1024 KiB');
      expectSentOnce(server, error);
      await stats.ended;
      expect(stats.clientClosed).toBe(true);
      expect(stats.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    });

    test('a secret but no ClientId: the secret is kept, exit 3, bad_response saying to create another (no way to look it up)', async () => {
      const configDir = tempConfigDir();
      const server = await serve({ create: faults.json(201, { ClientSecret: FAKE.inveniasClientSecret, ExpiresOn: '2031-01-01T00:00:00Z' }) });
      const error = expectFailure(await create(server.origin, { configDir }), 3, 'bad_response');
      expect(error.hint).toContain('--new-app');
      expect(error.hint).not.toMatch(/Swagger|\(GET\)|delete/);
      expect(savedSecrets(configDir)?.clientSecret).toBe(FAKE.inveniasClientSecret);
      expect(server.creates()).toHaveLength(1);
    });
  });

  describe('the connection cannot be made (nothing was sent)', () => {
    test('a host name that does not resolve: exit 3, unreachable, DNS named', async () => {
      const error = expectFailure(await create('https://acme.no-such-host.invalid'), 3, 'unreachable');
      expect(error.message).toContain('DNS');
      expect(error.message).not.toContain('may have been created');
    });

    test('nothing listening: exit 3, unreachable, "connection refused"', async () => {
      const port = await closedPort();
      const error = expectFailure(await create(`https://127.0.0.1:${port}`), 3, 'unreachable');
      expect(error.message).toContain('connection refused');
      expect(error.message).not.toContain('may have been created');
    });

    test('an untrusted certificate: exit 3, tls_error, the API key never sent', async () => {
      const server = await serve({}, 'untrusted');
      const error = expectFailure(await create(server.origin), 3, 'tls_error');
      expect(error.message).toContain('nothing was sent');
      expect(server.requests).toHaveLength(0);
    });

    test('a 307 to another host: exit 3, redirected, the API key never reaches it, not sent again', async () => {
      const elsewhere = await serve({});
      const server = await serve({ create: faults.redirect(`${elsewhere.origin}${CREATE_PATH}`, 307) });
      const error = expectFailure(await create(server.origin), 3, 'redirected');
      expect(error.message).toContain(elsewhere.origin);
      expect(server.creates()).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    });
  });

  test('created, then the token endpoint fails (503): exit 3, and the one-time secret is kept in the profile', async () => {
    const configDir = tempConfigDir();
    const server = await serve({ token: unavailable });
    expectFailure(await create(server.origin, { configDir, killAfterMs: 20_000 }), 3, 'server_error');
    expect(server.creates()).toHaveLength(1);
    expect(savedSecrets(configDir)?.clientSecret).toBe(FAKE.inveniasClientSecret);
    const profiles = JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8'));
    expect(profiles.profiles.invenias.default.values.clientId).toBe(CREATED_CLIENT_ID);
  });
});
