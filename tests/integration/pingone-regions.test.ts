// PingOne answers a wrong secret and an environment it does not hold alike: 401 invalid_client at the token URL
// (docs/partners.md P-TOKEN-401-UNKNOWN-ENV). Only then are the public discovery documents asked: the chosen
// domain's, and, when it does not serve the environment, the other five regions' at once. Each region is a
// local server reached under its real host name through a real CONNECT proxy.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { faults } from '../helpers/fault-server.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';
import { type Handler, type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { ANSWERS, type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const REGIONS = ['auth.pingone.com', 'auth.pingone.ca', 'auth.pingone.eu', 'auth.pingone.com.au', 'auth.pingone.sg', 'auth.pingone.asia'];
const HOME = 'auth.pingone.eu';
const discoveryPath = (environmentId: string): string => `/${environmentId}/as/.well-known/openid-configuration`;

/**
 * A TCP gate in front of a server: connections wait until `needed` connections have reached any gate of
 * the group, then all pass. Lookups made one after another would never open the gate; only concurrent
 * ones do (and the gate stays open afterwards).
 */
interface GateGroup {
  gate(targetPort: number): Promise<number>;
  close(): void;
}

function gateGroup(needed: number): GateGroup {
  const waiting: Array<() => void> = [];
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  let arrived = 0;
  return {
    async gate(targetPort) {
      const server = net.createServer((client) => {
        sockets.add(client);
        client.pause();
        const pass = (): void => {
          const upstream = net.connect(targetPort, '127.0.0.1', () => {
            client.pipe(upstream);
            upstream.pipe(client);
            client.resume();
          });
          sockets.add(upstream);
          const destroy = (): void => {
            client.destroy();
            upstream.destroy();
          };
          upstream.on('error', destroy);
          client.on('error', destroy);
        };
        arrived += 1;
        if (arrived < needed) return void waiting.push(pass);
        waiting.splice(0).forEach((release) => release());
        pass();
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    close() {
      sockets.forEach((socket) => socket.destroy());
      servers.forEach((server) => server.close());
    },
  };
}

let home: PingOneServer;
let elsewhere: PingOneServer;
let proxy: ConnectProxy;
const gates: GateGroup[] = [];
const extra: TestServer[] = [];

beforeAll(async () => {
  home = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  // A region that holds none of the test's environments: 401 invalid_client at the token URL, no discovery document.
  elsewhere = await startPingOne([]);
  proxy = await startConnectProxy();
});

afterAll(async () => {
  gates.forEach((group) => group.close());
  await proxy.close();
  await Promise.all([home, elsewhere, ...extra].map((server) => server.close()));
});

/** Routes every region through the proxy; the five regions other than `asked` sit behind one gate group. */
async function routeRegions(asked: string, hostOf: (region: string) => number): Promise<void> {
  const group = gateGroup(5);
  gates.push(group);
  for (const region of REGIONS) {
    const port = region === asked ? hostOf(region) : await group.gate(hostOf(region));
    proxy.route(`${region}:443`, port);
  }
}

/** Routes every region straight to its server (no gate). */
function routeDirect(hostOf: (region: string) => number): void {
  for (const region of REGIONS) proxy.route(`${region}:443`, hostOf(region));
}

function verifyAt(authDomain: string, environmentId: string = FAKE.environmentId, options: { secret?: string; extra?: string[]; deadlines?: Deadlines } = {}) {
  return runCli(
    ['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', authDomain, '--environment-id', environmentId, ...(options.extra ?? [])],
    { env: { PINGONE_CLIENT_SECRET: options.secret ?? FAKE.clientSecret, HTTPS_PROXY: proxy.url }, deadlines: options.deadlines },
  );
}

function checksOf(stdout: string): Array<[string, boolean]> {
  return JSON.parse(stdout).checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok]);
}

describe('the success path', () => {
  test('good credentials in the right region: one request, no look-up', async () => {
    routeDirect((region) => (region === HOME ? home.port : elsewhere.port));
    const homeBefore = home.requests.length;
    const targetsBefore = proxy.targets.length;
    const result = await verifyAt(HOME);
    expect(result.code).toBe(0);
    expect(home.requests.slice(homeBefore).map((request) => [request.method, request.url])).toEqual([['POST', `/${FAKE.environmentId}/as/token`]]);
    expect(proxy.targets.slice(targetsBefore)).toEqual([`${HOME}:443`]);
  });
});

describe('invalid_client at a regional domain', () => {
  test('wrong region: the other five regions are asked at once, and the message names Europe: auth.pingone.eu', async () => {
    await routeRegions('auth.pingone.com', (region) => (region === HOME ? home.port : elsewhere.port));
    const elsewhereBefore = elsewhere.requests.length;
    const homeBefore = home.requests.length;
    const targetsBefore = proxy.targets.length;
    const result = await verifyAt('auth.pingone.com');
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('environment_in_other_region');
    expect(document.error.message).toMatch(
      new RegExp(`^Environment ${FAKE.environmentId} is not in North America \\(auth\\.pingone\\.com\\): it is in Europe, at auth\\.pingone\\.eu\\. PingOne said: "Request denied: Invalid client credentials \\(Correlation ID: [0-9a-f-]{36}\\)"$`),
    );
    expect(document.error.hint).toContain('--auth-domain auth.pingone.eu');
    expect(document.error.hint).not.toMatch(/Client Secret/);
    expect(checksOf(result.stdout)).toEqual([
      ['Token request (client credentials, Client Secret Post)', false],
      // Not at the domain given (a cross), found in another region (a tick).
      ['Looking for the environment at auth.pingone.com', false],
      ['Looking for the environment in the other regions', true],
    ]);
    // The token request and the first look-up went to the domain given; the others asked the discovery documents.
    const asked = elsewhere.requests.slice(elsewhereBefore);
    expect(asked[0]).toMatchObject({ method: 'POST', host: 'auth.pingone.com', url: `/${FAKE.environmentId}/as/token` });
    expect(asked[1]).toMatchObject({ method: 'GET', host: 'auth.pingone.com', url: discoveryPath(FAKE.environmentId) });
    const lookups = asked.slice(2);
    expect(lookups.every((request) => request.method === 'GET' && request.url === discoveryPath(FAKE.environmentId))).toBe(true);
    expect(home.requests.slice(homeBefore).map((request) => [request.method, request.host, request.url])).toEqual([
      ['GET', HOME, discoveryPath(FAKE.environmentId)],
    ]);
    // Every region was reached (the gate opened only once all five connected); the run may end before the
    // slower regions' requests are read, so which requests arrived is checked above, not that all did.
    expect(new Set(proxy.targets.slice(targetsBefore))).toEqual(new Set(REGIONS.map((region) => `${region}:443`)));
    // The secret only went to the domain the user named, never to the regions asked for the environment.
    expect([...asked.slice(1), ...home.requests.slice(homeBefore)].every((request) => request.body === '' && request.headers.authorization === undefined)).toBe(true);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('an environment no region holds: environment_not_found, the Environment ID and the Auth Domain are the suspects', async () => {
    await routeRegions('auth.pingone.ca', () => elsewhere.port);
    const result = await verifyAt('auth.pingone.ca', FAKE.otherEnvironmentId);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('environment_not_found');
    expect(error.message).toContain(`No environment ${FAKE.otherEnvironmentId} was found in any PingOne region (auth.pingone.ca and the five others were asked).`);
    expect(error.message).toContain('Correlation ID:');
    expect(error.hint).toContain('Check the Environment ID and the Auth Domain');
    // Look-ups that found nothing are not ticks: no ✔ stands before "No environment ... was found".
    expect(checksOf(result.stdout).slice(1)).toEqual([
      ['Looking for the environment at auth.pingone.ca', false],
      ['Looking for the environment in the other regions', false],
    ]);
    expect(result.stderr).toMatch(/^✖ Looking for the environment in the other regions \(\d+ ms\)$/m);
    expect(result.stderr).not.toMatch(/✔ Looking for/);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a wrong secret in the right region: only the chosen domain is looked at, and the diagnosis is invalid_client', async () => {
    routeDirect((region) => (region === HOME ? home.port : elsewhere.port));
    const targetsBefore = proxy.targets.length;
    const result = await verifyAt(HOME, FAKE.environmentId, { secret: FAKE.wrongSecret });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('invalid_client');
    expect(error.hint).toContain('switched on');
    expect(new Set(proxy.targets.slice(targetsBefore))).toEqual(new Set([`${HOME}:443`]));
    expectNoSecrets(result.stdout + result.stderr, [FAKE.wrongSecret, FAKE.clientSecret]);
  });
});

describe('a custom domain', () => {
  test('no region is asked; the message says the environment is not at this domain', async () => {
    const targetsBefore = proxy.targets.length;
    const result = await runCli(
      ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', home.hostPort, '--environment-id', FAKE.otherEnvironmentId],
      { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No environment ${FAKE.otherEnvironmentId} was found at ${home.hostPort}: it answered 404.`);
    expect(result.stderr).toContain('[environment_not_found]');
    expect(result.stderr).toContain('Fix: Check the Environment ID, and that the Auth Domain is a custom domain of that environment');
    expect(result.stderr).not.toContain('other regions');
    expect(result.stderr).toMatch(new RegExp(`^✖ Looking for the environment at ${home.hostPort.replace(/\./g, '\\.')} \\(\\d+ ms\\)$`, 'm'));
    expect(proxy.targets.length).toBe(targetsBefore);
    expectNoSecrets(result.stdout + result.stderr);
  });
});

/**
 * The chosen region's server: the token URL refuses with invalid_client (as PingOne does), and the discovery
 * document answers with `discovery` (docs/partners.md P-DISC-BAD).
 */
async function badDiscoveryRegion(discovery: Handler): Promise<TestServer> {
  const server = await startHttpsServer((request, response, raw) => {
    if (request.method === 'POST') return sendJson(response, 401, ANSWERS.invalidClient());
    return discovery(request, response, raw);
  });
  extra.push(server);
  return server;
}

// The test asks for FAKE.otherEnvironmentId: this is the document of another environment.
const otherIssuer = `https://${HOME}/${FAKE.environmentId}/as`;

describe('discovery answers of every bad kind never crash and never blame the secret alone', () => {
  test.each([
    ['404', faults.json(404, { code: 'NOT_FOUND', message: 'The requested resource was not found.' })],
    ['400', faults.json(400, { code: 'INVALID_REQUEST', message: 'Bad request' })],
    ['an HTML page with 200', faults.text(200, '<html><body>Sign in to the network</body></html>', 'text/html')],
    ['JSON without an issuer', faults.json(200, { hello: 'world' })],
    ['another environment\'s document', faults.json(200, { issuer: otherIssuer })],
    ['a JSON array', faults.json(200, [1, 2, 3])],
  ])('%s: no region holds it, environment_not_found', async (_name, discovery) => {
    const bad = await badDiscoveryRegion(discovery);
    routeDirect((region) => (region === 'auth.pingone.sg' ? bad.port : elsewhere.port));
    const result = await verifyAt('auth.pingone.sg', FAKE.otherEnvironmentId);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('environment_not_found');
    expect(error.message).toContain('in any PingOne region');
    expect(error.hint).not.toMatch(/Client Secret/);
    // One refusal and one look-up at the chosen domain; the other regions were asked next.
    expect(bad.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a discovery document that hangs: the question stays open and both suspects are named', async () => {
    // The look-up's time limit runs out once the discovery request is held; the token request before it has ended.
    const deadlines = new Deadlines();
    const bad = await badDiscoveryRegion(faults.hang(() => deadlines.expire()));
    routeDirect((region) => (region === 'auth.pingone.sg' ? bad.port : elsewhere.port));
    const result = await verifyAt('auth.pingone.sg', FAKE.otherEnvironmentId, { extra: ['--timeout', '1'], deadlines });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.message).toContain(`whether environment ${FAKE.otherEnvironmentId} is at auth.pingone.sg could not be checked (auth.pingone.sg did not answer within 1 s)`);
    expect(error.hint).toMatch(/^Check the Environment ID and the Auth Domain.*Then: Copy the Client ID and Client Secret again/);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a discovery document that redirects: not followed, the question stays open', async () => {
    const bad = await badDiscoveryRegion(faults.redirect('https://login.example.test/'));
    routeDirect((region) => (region === 'auth.pingone.sg' ? bad.port : elsewhere.port));
    const result = await verifyAt('auth.pingone.sg', FAKE.otherEnvironmentId);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.message).toContain('could not be checked');
    expect(bad.requests.filter((request) => request.method === 'GET')).toHaveLength(1);
  });

  test('the other regions answer badly too, one holds it: still found', async () => {
    const bad = await badDiscoveryRegion(faults.text(503, '<html>down</html>', 'text/html'));
    const htmlRegion = await badDiscoveryRegion(faults.text(200, '<html>captive portal</html>', 'text/html'));
    routeDirect((region) => (region === 'auth.pingone.sg' ? bad.port : region === HOME ? home.port : htmlRegion.port));
    const result = await verifyAt('auth.pingone.sg');
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('environment_in_other_region');
    expect(error.message).toContain('it is in Europe, at auth.pingone.eu');
  });
});
