// Every connector (tests/kits) pointed at a partner that misbehaves the ways real networks do: the connection drops,
// the answer is not HTTP or not a token, the server fails, asks to wait an hour, redirects, shows a certificate this
// machine does not trust, or never answers. Each ends the way docs/contract.md says whatever the connector (exit 3,
// a stable code, a sentence a person can act on), with no stack trace and no secret.
import { afterAll, describe, expect, test } from '@jest/globals';
import { expectFailedRun } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, closedPort, faults, startFaultServer } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import type { CertificateKind, Handler, TestServer } from '../helpers/https-server.js';
import { KIT_SECRETS, kits } from '../kits/index.js';
import { runKit } from '../kits/kit.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN, ...KIT_SECRETS];
const servers: TestServer[] = [];

async function serve(handler: Handler, kind: CertificateKind = 'trusted'): Promise<TestServer> {
  const server = await startFaultServer(handler, kind);
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

interface Fault {
  what: string;
  handler: () => Handler;
  kind?: CertificateKind;
  code: string;
  /** Words the message must contain. */
  says?: string;
  /** How many requests reach the server (undefined: not checked). */
  requests?: number;
}

const FAULTS: Fault[] = [
  { what: 'the connection reset after the request', handler: () => faults.resetBeforeAnswer(), code: 'unreachable', says: 'connection', requests: 1 },
  { what: 'an answer that is not HTTP at all', handler: () => faults.notHttp(), code: 'bad_response', says: 'not valid HTTP' },
  { what: '200 with an HTML page', handler: () => faults.text(200, '<!doctype html><html><body>Sign in</body></html>', 'text/html'), code: 'bad_response', says: 'not JSON' },
  { what: '200 with JSON lacking access_token', handler: () => faults.json(200, { token_type: 'Bearer', expires_in: 3600 }), code: 'bad_response' },
  { what: '500', handler: () => faults.json(500, { message: 'boom' }), code: 'server_error' },
  { what: '503 every time', handler: () => faults.json(503, { message: 'down' }), code: 'server_error' },
  { what: '429 asking to wait an hour', handler: () => faults.json(429, {}, { 'retry-after': '3600' }), code: 'rate_limited', requests: 1 },
  { what: 'a redirect elsewhere', handler: () => faults.redirect('https://127.0.0.1:1/token'), code: 'redirected', requests: 1 },
  { what: 'a certificate this machine does not trust', handler: () => faults.token(), kind: 'untrusted', code: 'tls_error', requests: 0 },
];

describe.each(kits)('$connector.name against a partner that misbehaves: exit 3, a stable code, no secret', (kit) => {
  test.each(FAULTS)('$what: $code', async (fault) => {
    const server = await serve(fault.handler(), fault.kind);
    const error = expectFailedRun(await runKit(kit, server, { mode: 'verify' }), 3, fault.code, SECRETS);
    if (fault.says) expect(error.message).toContain(fault.says);
    if (fault.requests !== undefined) expect(server.requests).toHaveLength(fault.requests);
  });

  test('nothing listening on the port: unreachable, "connection refused"', async () => {
    const port = await closedPort();
    const address = { hostPort: `127.0.0.1:${port}`, origin: `https://127.0.0.1:${port}` };
    const error = expectFailedRun(await runKit(kit, address, { mode: 'verify' }), 3, 'unreachable', SECRETS);
    expect(error.message).toContain('connection refused');
  });

  test('a server that never answers, --timeout 1: timeout, one request, the run ends by itself', async () => {
    const deadlines = new Deadlines();
    const server = await serve(faults.hang(() => deadlines.expire()));
    const error = expectFailedRun(await runKit(kit, server, { mode: 'verify', extra: ['--timeout', '1'] }, { deadlines }), 3, 'timeout', SECRETS);
    expect(error.message).toContain(server.hostPort);
    expect(server.requests).toHaveLength(1);
  });
});
