// A 404 at the token URL of one of the six regional domains: the other five regions are asked at once
// where the environment lives. Each region is a local server reached through a real CONNECT proxy.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

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
let elsewhere: TestServer;
let proxy: ConnectProxy;
const gates: GateGroup[] = [];

/** PingOne's answer for an environment a region does not host. */
async function startEmptyRegion(): Promise<TestServer> {
  return startHttpsServer((_request, response) => sendJson(response, 404, { code: 'NOT_FOUND', message: 'The requested resource was not found.' }));
}

/** Routes every region through the proxy; the five regions other than `asked` sit behind one gate group. */
async function routeRegions(asked: string, hostOf: (region: string) => number): Promise<void> {
  const group = gateGroup(5);
  gates.push(group);
  for (const region of REGIONS) {
    const port = region === asked ? hostOf(region) : await group.gate(hostOf(region));
    proxy.route(`${region}:443`, port);
  }
}

beforeAll(async () => {
  home = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  elsewhere = await startEmptyRegion();
  proxy = await startConnectProxy();
});

afterAll(async () => {
  gates.forEach((group) => group.close());
  await proxy.close();
  await home.close();
  await elsewhere.close();
});

function verifyAt(authDomain: string, environmentId: string = FAKE.environmentId) {
  return runCli(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', authDomain, '--environment-id', environmentId], {
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, HTTPS_PROXY: proxy.url },
  });
}

describe('environment_not_found on a regional domain', () => {
  test('the other five regions are asked at once, and the message says the environment lives in Europe', async () => {
    await routeRegions('auth.pingone.com', (region) => (region === HOME ? home.port : elsewhere.port));
    const elsewhereBefore = elsewhere.requests.length;
    const homeBefore = home.requests.length;
    const targetsBefore = proxy.targets.length;
    const result = await verifyAt('auth.pingone.com');
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe('environment_not_found');
    expect(document.error.message).toBe(
      `Environment ${FAKE.environmentId} is not in auth.pingone.com; it lives in Europe (auth.pingone.eu).`,
    );
    expect(document.error.hint).toContain('--auth-domain auth.pingone.eu');
    expect(document.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok])).toEqual([
      ['Token request (client credentials, Client Secret Post)', false],
      ['Looking for the environment in the other regions', true],
    ]);
    // The token request went to the domain given; the lookups asked the discovery documents of the others.
    const asked = elsewhere.requests.slice(elsewhereBefore);
    expect(asked[0]).toMatchObject({ method: 'POST', host: 'auth.pingone.com', url: `/${FAKE.environmentId}/as/token` });
    const lookups = asked.slice(1);
    expect(lookups.every((request) => request.method === 'GET' && request.url === discoveryPath(FAKE.environmentId))).toBe(true);
    expect(home.requests.slice(homeBefore).map((request) => [request.method, request.url])).toEqual([['GET', discoveryPath(FAKE.environmentId)]]);
    // Every region was reached (the gate opened only once all five connected); the run may end before the
    // slower regions' requests are read, so which requests arrived is checked above, not that all did.
    expect(new Set(proxy.targets.slice(targetsBefore))).toEqual(new Set(REGIONS.map((region) => `${region}:443`)));
    // The secret only went to the domain the user named, never to the regions asked for the environment.
    expect(lookups.every((request) => !request.body.includes('secret'))).toBe(true);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('an environment no region hosts: the Environment ID and the Auth Domain are the suspects', async () => {
    await routeRegions('auth.pingone.ca', () => elsewhere.port);
    const result = await verifyAt('auth.pingone.ca', FAKE.otherEnvironmentId);
    expect(result.code).toBe(1);
    const { error, checks } = JSON.parse(result.stdout);
    expect(error.code).toBe('environment_not_found');
    expect(error.message).toBe(`No environment ${FAKE.otherEnvironmentId} answers at auth.pingone.ca.`);
    expect(error.hint).toContain('Check the Environment ID and the Auth Domain');
    expect(checks[1]).toMatchObject({ name: 'Looking for the environment in the other regions', ok: true });
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('a custom domain: no region is asked; the Environment ID and the Auth Domain are named as suspects', async () => {
    const targetsBefore = proxy.targets.length;
    const result = await runCli(
      ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', home.hostPort, '--environment-id', FAKE.otherEnvironmentId],
      { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No environment ${FAKE.otherEnvironmentId} answers at ${home.hostPort}. [environment_not_found]`);
    expect(result.stderr).toContain('Fix: Check the Environment ID and the Auth Domain');
    expect(result.stderr).not.toContain('other regions');
    expect(proxy.targets.length).toBe(targetsBefore);
    expectNoSecrets(result.stdout + result.stderr);
  });
});
