// Every Invenias path (create, renew, verify; success and each kind of failure) with the API key, the Client
// Secret and the password coming from the environment and from --*-stdin, against an origin that echoes what it
// was sent back in its error text: no stdout or stderr ever holds a secret, whole or cut short.
import { afterAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, faults } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import { type Handler, type RecordedRequest, sendJson } from '../helpers/https-server.js';
import { CREATED_CLIENT_ID, type InveniasFaultServer, startInveniasFaults } from '../helpers/invenias-faults.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN];
const INVENIAS_SECRETS = [FAKE.inveniasApiKey, FAKE.inveniasClientSecret, FAKE.inveniasPassword];
const USERNAME = 'cyclr.integration';
const servers: InveniasFaultServer[] = [];

async function serve(routes: { create?: Handler; token?: Handler; renew?: Handler }): Promise<InveniasFaultServer> {
  const server = await startInveniasFaults(routes);
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

/** Everything a careless server could repeat: the Authorization header, the raw body, and each form field. */
function echoOf(request: RecordedRequest): string {
  const form = new URLSearchParams(request.body);
  return [
    `auth=${String(request.headers.authorization ?? '')}`,
    `body=${request.body}`,
    `password=${form.get('password') ?? ''}`,
    `secret=${form.get('client_secret') ?? ''}`,
  ].join(' ');
}

/** Pads so that a secret in the echo straddles `cutAt`: a message cut short there must not keep part of it. */
function straddling(request: RecordedRequest, cutAt: number, secret: string): string {
  const echo = echoOf(request);
  const at = echo.indexOf(secret);
  if (at < 0) return echo;
  return `${'p'.repeat(Math.max(0, cutAt - 20 - at))}${echo}`;
}

/** A JSON answer built from the request it answers. */
function echoing(status: number, body: (request: RecordedRequest) => unknown, headers: Record<string, string> = {}): Handler {
  return (request, response) => sendJson(response, status, body(request), headers);
}

const echoes = {
  /** ASP.NET validation answer repeating the request, in Message and in ModelState. */
  create400: echoing(400, (request) => ({
    Message: `The request is invalid: ${echoOf(request)}`,
    ModelState: { 'request.Name': [straddling(request, 300, FAKE.inveniasApiKey)] },
  })),
  create401: echoing(401, (request) => ({ Message: `Denied for ${echoOf(request)}` })),
  create403: echoing(403, (request) => ({ Message: `Forbidden ${echoOf(request)}` })),
  create500: ((request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`Exception: ${echoOf(request)}`);
  }) as Handler,
  create429: echoing(429, (request) => ({ Message: echoOf(request) }), { 'retry-after': '3600' }),
  tokenInvalidGrant: echoing(400, (request) => ({ error: 'invalid_grant', error_description: straddling(request, 500, FAKE.inveniasPassword) })),
  tokenInvalidClient: echoing(400, (request) => ({ error: 'invalid_client', error_description: straddling(request, 500, FAKE.inveniasClientSecret) })),
  /** An OAuth error code made of the secret itself. */
  tokenErrorIsSecret: echoing(400, (request) => ({ error: `x_${new URLSearchParams(request.body).get('client_secret') ?? ''}`, error_description: echoOf(request) })),
  token503: echoing(503, (request) => ({ Message: echoOf(request) })),
  token200NoToken: echoing(200, (request) => ({ note: echoOf(request) })),
  renew400: echoing(400, (request) => ({ Message: 'The request is invalid.', ModelState: { expiration: [straddling(request, 300, FAKE.inveniasApiKey)] } })),
  redirectWithSecret: ((request, response) => faults.redirect(`https://127.0.0.1:1/?leak=${encodeURIComponent(echoOf(request))}`)(request, response, undefined as never)) as Handler,
};

/** No secret whole, and none cut short to its first 18 characters (a message truncated in its middle). */
function expectNoSecretAtAll(text: string): void {
  expectNoSecrets(text, SECRETS);
  for (const secret of INVENIAS_SECRETS) {
    expect(text).not.toContain(secret.slice(0, 18));
    // An identifier-shaped rewrite of it (as an error code would be).
    expect(text).not.toContain(secret.replace(/[^a-z_]/gi, '').slice(0, 14));
  }
}

type Way = 'env' | 'stdin';
interface Path {
  name: string;
  kind: 'create' | 'renew' | 'verify';
  /** `deadlines`: the run's time limits, for a server that ends them when it holds a request. */
  routes: (deadlines: Deadlines) => { create?: Handler; token?: Handler; renew?: Handler };
  code: number;
  json?: boolean;
  /** Only for a server that never answers (it ends the time limit itself): a short timeout elsewhere could fail on a busy machine. */
  timeout?: boolean;
}

const paths: Path[] = [
  { name: 'create, verified', kind: 'create', routes: () => ({}), code: 0 },
  { name: 'create, verified (human)', kind: 'create', routes: () => ({}), code: 0, json: false },
  { name: 'create refused 400, echoing key and body', kind: 'create', routes: () => ({ create: echoes.create400 }), code: 1 },
  { name: 'create refused 400, echoing (human)', kind: 'create', routes: () => ({ create: echoes.create400 }), code: 1, json: false },
  { name: 'create refused 401, echoing the key', kind: 'create', routes: () => ({ create: echoes.create401 }), code: 1 },
  { name: 'create refused 403, echoing the key', kind: 'create', routes: () => ({ create: echoes.create403 }), code: 1 },
  { name: 'create 500, echoing the key', kind: 'create', routes: () => ({ create: echoes.create500 }), code: 3 },
  { name: 'create 429, echoing the key', kind: 'create', routes: () => ({ create: echoes.create429 }), code: 3 },
  { name: 'create redirected, the key in the Location', kind: 'create', routes: () => ({ create: echoes.redirectWithSecret }), code: 3 },
  { name: 'create hangs (timeout)', kind: 'create', routes: (deadlines) => ({ create: faults.hang(() => deadlines.expire()) }), code: 3, timeout: true },
  { name: 'created, token invalid_grant echoing the password', kind: 'create', routes: () => ({ token: echoes.tokenInvalidGrant }), code: 1 },
  { name: 'created, token invalid_grant echoing (human)', kind: 'create', routes: () => ({ token: echoes.tokenInvalidGrant }), code: 1, json: false },
  { name: 'renew, verified', kind: 'renew', routes: () => ({}), code: 0 },
  { name: 'renew refused 400, echoing the key', kind: 'renew', routes: () => ({ renew: echoes.renew400 }), code: 1 },
  { name: 'verify, token works', kind: 'verify', routes: () => ({}), code: 0 },
  { name: 'verify, invalid_client echoing the secret', kind: 'verify', routes: () => ({ token: echoes.tokenInvalidClient }), code: 1 },
  { name: 'verify, invalid_client echoing (human)', kind: 'verify', routes: () => ({ token: echoes.tokenInvalidClient }), code: 1, json: false },
  { name: 'verify, an error code made of the secret', kind: 'verify', routes: () => ({ token: echoes.tokenErrorIsSecret }), code: 1 },
  { name: 'verify, 503 echoing the body', kind: 'verify', routes: () => ({ token: echoes.token503 }), code: 3 },
  { name: 'verify, 200 without a token, echoing', kind: 'verify', routes: () => ({ token: echoes.token200NoToken }), code: 3 },
  { name: 'verify, redirected with the secret in the Location', kind: 'verify', routes: () => ({ token: echoes.redirectWithSecret }), code: 3 },
];

/** The run of `path`, with its secrets from the environment or (one of them) from stdin. */
function runPath(path: Path, origin: string, way: Way, deadlines = new Deadlines()): Promise<CliResult> {
  const json = path.json !== false ? ['--json'] : [];
  const base = ['invenias', ...json, '--subdomain', 'acme', '--base-url', origin, ...(path.timeout ? ['--timeout', '1'] : [])];
  const secretEnv: Record<string, string | undefined> = {
    INVENIAS_API_KEY: FAKE.inveniasApiKey,
    INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret,
    INVENIAS_PASSWORD: FAKE.inveniasPassword,
  };
  let args: string[];
  let stdin: string | undefined;
  if (path.kind === 'verify') {
    args = [...base, '--verify', '--client-id', CREATED_CLIENT_ID, '--username', USERNAME];
    if (way === 'stdin') {
      args.push('--client-secret-stdin');
      stdin = `${FAKE.inveniasClientSecret}\n`;
      secretEnv.INVENIAS_CLIENT_SECRET = undefined;
    }
  } else {
    args = [...base, '--no-input', '--username', USERNAME, ...(path.kind === 'renew' ? ['--renew', '--yes', '--client-id', CREATED_CLIENT_ID] : [])];
    // An existing application's secret would mean "do not create": creating and renewing go without it.
    secretEnv.INVENIAS_CLIENT_SECRET = undefined;
    if (way === 'stdin') {
      args.push(path.kind === 'renew' ? '--password-stdin' : '--api-key-stdin');
      stdin = `${path.kind === 'renew' ? FAKE.inveniasPassword : FAKE.inveniasApiKey}\n`;
      if (path.kind === 'renew') secretEnv.INVENIAS_PASSWORD = undefined;
      else secretEnv.INVENIAS_API_KEY = undefined;
    }
  }
  return runCli(args, {
    env: { ...secretEnv, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', CONNECTOR_SETUP_SECRET_STORE: 'file' },
    configDir: tempConfigDir(),
    ...(path.timeout ? { deadlines } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
  });
}

describe('invenias: no secret in any output', () => {
  const matrix = paths.flatMap((path) => (['env', 'stdin'] as const).map((way) => ({ ...path, way })));
  test.each(matrix)('$name (secrets from $way): exit $code', async (testCase) => {
    const deadlines = new Deadlines();
    const server = await serve(testCase.routes(deadlines));
    const result = await runPath(testCase, server.origin, testCase.way, deadlines);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(testCase.code);
    expect(server.requests.length).toBeGreaterThan(0);
    if (testCase.json !== false) {
      const document = JSON.parse(result.stdout) as { ok: boolean; error: { message: string } | null };
      expect(document.ok).toBe(testCase.code === 0);
    }
    expectNoStackTrace(result.stderr);
    expectNoSecretAtAll(result.stdout + result.stderr);
    // The secrets went only where they belong: no URL carries one, only create/renew carry the key, and only the
    // API call after the token carries that token.
    for (const request of server.requests) {
      expectNoSecrets(request.url, SECRETS);
      const { authorization, ...headers } = request.headers;
      expectNoSecrets(JSON.stringify(headers), SECRETS);
      if (authorization === undefined) continue;
      if (request.url === '/api/v1/countries') expect(authorization).toBe(`Bearer ${FAKE_ACCESS_TOKEN}`);
      else expect(request.url).toMatch(/^\/api\/v1\/thirdpartyapplications/);
    }
  });

  test('an echoed secret is shown as [redacted], and what Invenias said around it is kept', async () => {
    const server = await serve({ create: echoes.create400 });
    const result = await runPath(paths[2] as Path, server.origin, 'env');
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('Invenias said');
    expect(error.message).toContain('auth=Bearer [redacted]');
  });
});
