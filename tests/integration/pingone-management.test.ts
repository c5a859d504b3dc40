// The Management API client against the stand-ins, reached under their real host names (auth.pingone.eu,
// api.pingone.eu) through a real CONNECT proxy: what it sends, what it makes of each answer, and that an
// application it creates can then get a token as Cyclr asks for one.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ManagementApi, ManagementRateLimited, adminToken, apiOriginFor, createApplicationBody } from '../../src/connectors/pingone/management.js';
import { type Clock, systemClock } from '../../src/core/clock.js';
import type { CliError } from '../../src/core/errors.js';
import { HttpClient } from '../../src/core/net/transport.js';
import { requestToken } from '../../src/core/net/oauth.js';
import { Redactor } from '../../src/core/redact.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE } from '../helpers/fixtures.js';
import { API_ANSWERS, type ManagementApiServer, contractWorkerApp, startManagementApi } from '../helpers/pingone-api-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const ADMIN = { clientId: '22222222-3333-4444-8555-666666666666', clientSecret: 'FAKE-admin-secret-do-not-use-0006', environmentId: FAKE.environmentId, authDomain: 'auth.pingone.eu' };
const WEAK_ADMIN = { ...ADMIN, clientId: '33333333-4444-4555-8666-777777777777', clientSecret: 'FAKE-weak-admin-secret-do-not-use-0007' };
const GRANTLESS_ADMIN = { ...ADMIN, clientId: '44444444-5555-4666-8777-888888888888', clientSecret: 'FAKE-grantless-admin-secret-0008' };

let pingone: PingOneServer;
let api: ManagementApiServer;
let proxy: ConnectProxy;
let now = Date.parse('2026-11-24T12:00:00Z');

beforeAll(async () => {
  pingone = await startPingOne(
    [
      { clientId: ADMIN.clientId, clientSecret: ADMIN.clientSecret, environmentId: ADMIN.environmentId, roles: ['Environment Admin', 'Identity Data Admin'] },
      // May list and create applications, but grant only Identity Data roles (docs/partners.md P-GRANT-LIMIT).
      { clientId: WEAK_ADMIN.clientId, clientSecret: WEAK_ADMIN.clientSecret, environmentId: ADMIN.environmentId, roles: ['Client Application Developer', 'Identity Data Admin'] },
      { clientId: GRANTLESS_ADMIN.clientId, clientSecret: GRANTLESS_ADMIN.clientSecret, environmentId: ADMIN.environmentId, roles: ['Identity Data Read Only'] },
    ],
    { now: () => now },
  );
  api = await startManagementApi(pingone, { pageSize: 2 });
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': pingone.port, 'api.pingone.eu:443': api.port });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([pingone.close(), api.close()]);
});

function session() {
  const slept: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    deadline: (ms) => systemClock.deadline(ms),
  };
  const redactor = new Redactor();
  const http = new HttpClient({ timeoutMs: 15_000, signal: new AbortController().signal, clock, env: { HTTPS_PROXY: proxy.url }, redactor });
  return { http, redactor, slept };
}

async function signIn(admin = ADMIN) {
  const { http, redactor, slept } = session();
  const token = await adminToken(http, redactor, admin);
  const origin = apiOriginFor(admin.authDomain) ?? '';
  return { http, redactor, slept, client: new ManagementApi(http, redactor, token, origin, FAKE.environmentId) };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: CliError) => error,
  );
}

describe('creating the Worker app', () => {
  test('token, roles paged, create with exactly the contract body, grant, secret: the new app then gets a token', async () => {
    const { client, http, redactor } = await signIn();
    const before = api.calls().length;
    const roles = await client.roles(['Identity Data Admin']);
    const app = await client.createApplication('Cyclr');
    await client.grantRole(app.id, roles[0] ?? { id: '', name: '' });
    const secret = await client.readSecret(app.id);
    const calls = api.calls().slice(before);
    // Ten roles two to a page: five pages, each asked for by its `next` link, all on api.pingone.eu.
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /v1/roles',
      'GET /v1/roles?cursor=2',
      'GET /v1/roles?cursor=4',
      'GET /v1/roles?cursor=6',
      'GET /v1/roles?cursor=8',
      `POST /v1/environments/${FAKE.environmentId}/applications`,
      `POST /v1/environments/${FAKE.environmentId}/applications/${app.id}/roleAssignments`,
      `GET /v1/environments/${FAKE.environmentId}/applications/${app.id}/secret`,
    ]);
    expect(calls.every((call) => call.host === 'api.pingone.eu' && call.bearer !== undefined)).toBe(true);
    expect(calls[5]?.body).toEqual(createApplicationBody('Cyclr'));
    expect(calls[5]?.body).toEqual(contractWorkerApp('Cyclr'));
    expect(calls[6]?.body).toEqual({ role: { id: roles[0]?.id }, scope: { id: FAKE.environmentId, type: 'ENVIRONMENT' } });
    expect(secret).toBe(api.created().at(-1)?.clientSecret);
    expect(redactor.redact(`x ${secret} y`)).toBe('x [redacted] y');
    const token = await requestToken(http, { url: `https://auth.pingone.eu/${FAKE.environmentId}/as/token`, form: { grant_type: 'client_credentials', client_id: app.id, client_secret: secret } }, redactor);
    expect(token.kind).toBe('token');
  });

  test('the applications list follows its pages and gives each id and name', async () => {
    const { client } = await signIn();
    const listed = await client.applications();
    expect(listed.map((app) => app.id)).toEqual(pingone.apps.filter((app) => app.environmentId === FAKE.environmentId).map((app) => app.clientId));
    expect(listed.find((app) => app.id === api.created()[0]?.clientId)?.name).toBe('Cyclr');
  });
});

describe('what the admin may not do', () => {
  test('a wrong admin secret: admin_rejected (exit 1), PingOne\'s words quoted, the secret nowhere', async () => {
    const { http, redactor } = session();
    const error = await failure(adminToken(http, redactor, { ...ADMIN, clientSecret: FAKE.wrongSecret }));
    expect([error.code, error.exitCode]).toEqual(['admin_rejected', 1]);
    expect(error.message).toContain('Invalid client credentials');
    expect(error.hint).toContain('--admin-client-id');
    expect(`${error.message} ${error.hint}`).not.toContain(FAKE.wrongSecret);
  });

  test('a token the API does not accept: admin_rejected', async () => {
    const { http, redactor } = session();
    const client = new ManagementApi(http, redactor, 'not-a-token-we-issued', 'https://api.pingone.eu', FAKE.environmentId);
    const error = await failure(client.applications());
    expect([error.code, error.exitCode]).toEqual(['admin_rejected', 1]);
  });

  test('an admin that may not create applications: admin_forbidden naming the action and the role it needs', async () => {
    const { client } = await signIn(GRANTLESS_ADMIN);
    const error = await failure(client.createApplication('Cyclr'));
    expect([error.code, error.exitCode]).toEqual(['admin_forbidden', 1]);
    expect(error.message).toContain(`The admin worker may not create an application in environment ${FAKE.environmentId}: it needs Client Application Developer or Environment Admin.`);
    expect(error.message).toContain('PingOne said: "ACCESS_FAILED: The request could not be completed. You do not have access to this resource.');
    expect(error.hint).toContain('the admin worker > Roles');
  });

  test('a role the admin cannot grant: admin_forbidden naming the role and the role the admin would need', async () => {
    const { client } = await signIn(WEAK_ADMIN);
    const [environmentAdmin] = await client.roles(['Environment Admin']);
    const app = await client.createApplication('Cyclr grant test');
    const error = await failure(client.grantRole(app.id, environmentAdmin ?? { id: '', name: '' }));
    expect([error.code, error.exitCode]).toEqual(['admin_forbidden', 1]);
    expect(error.message).toContain('The admin worker may not grant the role Environment Admin: it needs Environment Admin.');
  });

  test('a role name PingOne does not list: role_not_found (exit 2), with the names it does list', async () => {
    const { client } = await signIn();
    const error = await failure(client.roles(['Identity Data Admin', 'identity data admin']));
    expect([error.code, error.exitCode]).toEqual(['role_not_found', 2]);
    expect(error.message).toBe('PingOne has no role named "identity data admin" (names are matched exactly).');
    expect(error.hint).toContain('Identity Data Read Only');
  });

  test('an environment PingOne does not have: environment_not_found', async () => {
    const { http, redactor } = session();
    const token = await adminToken(http, redactor, ADMIN);
    const client = new ManagementApi(http, redactor, token, 'https://api.pingone.eu', FAKE.otherEnvironmentId);
    const error = await failure(client.applications());
    expect([error.code, error.exitCode]).toEqual(['environment_not_found', 1]);
    expect(error.message).toContain(`No environment ${FAKE.otherEnvironmentId} at api.pingone.eu`);
  });
});

describe('rate limits (docs/partners.md P-MGMT-429)', () => {
  test('429 REQUEST_LIMITED on the create is handed to the step with its Retry-After, not waited out unseen; nothing created', async () => {
    const { client, slept } = await signIn();
    const createdBefore = api.created().length;
    const before = api.calls().length;
    api.interject({ method: 'POST', path: /\/applications$/, status: 429, body: API_ANSWERS.rateLimited(), headers: { 'retry-after': '3' } });
    const error = await failure(client.createApplication('Cyclr after a wait'));
    expect(error).toBeInstanceOf(ManagementRateLimited);
    expect((error as ManagementRateLimited).retryAfter).toBe('3');
    expect([error.code, error.exitCode]).toEqual(['rate_limited', 3]);
    expect(error.message).toContain('would not create an application');
    expect(error.message).toContain('REQUEST_LIMITED');
    expect(slept).toEqual([]);
    expect(api.calls().length - before).toBe(1);
    expect(api.created().length).toBe(createdBefore);
  });

  test('a 503 on the create is not sent again (something may have been created)', async () => {
    const { client } = await signIn();
    const before = api.calls().length;
    api.interject({ method: 'POST', path: /\/applications$/, status: 503, body: { id: 'x', code: 'UNEXPECTED_ERROR', message: 'Try later' } });
    const error = await failure(client.createApplication('Cyclr'));
    expect([error.code, error.exitCode]).toEqual(['server_error', 3]);
    expect(api.calls().length - before).toBe(1);
  });
});

describe('rotating the secret', () => {
  test('old and new both get tokens until previous.expiresAt; then only the new one', async () => {
    const { client, http, redactor } = await signIn();
    const app = await client.createApplication('Cyclr rotate');
    const [role] = await client.roles(['Identity Data Admin']);
    await client.grantRole(app.id, role ?? { id: '', name: '' });
    const old = await client.readSecret(app.id);
    const expiresAt = new Date(now + 24 * 3_600_000).toISOString();
    const rotated = await client.rotateSecret(app.id, expiresAt);
    expect(api.calls().at(-1)?.body).toEqual({ previous: { expiresAt } });
    expect(rotated.previousExpiresAt).toBe(expiresAt);
    expect(rotated.secret).not.toBe(old);
    const token = (secret: string) =>
      requestToken(http, { url: `https://auth.pingone.eu/${FAKE.environmentId}/as/token`, form: { grant_type: 'client_credentials', client_id: app.id, client_secret: secret } }, redactor).then((answer) => answer.kind);
    expect([await token(old), await token(rotated.secret)]).toEqual(['token', 'token']);
    const started = now;
    now = Date.parse(expiresAt) + 1;
    try {
      expect([await token(old), await token(rotated.secret)]).toEqual(['oauth_error', 'token']);
    } finally {
      now = started;
    }
  });

  test('dropping the previous secret: the old one stops at once', async () => {
    const { client, http, redactor } = await signIn();
    const app = await client.createApplication('Cyclr finish');
    const old = await client.readSecret(app.id);
    const rotated = await client.rotateSecret(app.id, new Date(now + 3_600_000).toISOString());
    await client.dropPreviousSecret(app.id);
    expect(api.calls().at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/environments/${FAKE.environmentId}/applications/${app.id}/secret` });
    // No role was granted: a token request with the right secret says "no roles", a wrong one invalid_client.
    const refused = async (secret: string) => {
      const answer = await requestToken(http, { url: `https://auth.pingone.eu/${FAKE.environmentId}/as/token`, form: { grant_type: 'client_credentials', client_id: app.id, client_secret: secret } }, redactor);
      return answer.kind === 'oauth_error' ? answer.error : answer.kind;
    };
    expect(await refused(old)).toBe('invalid_client');
    expect(await refused(rotated.secret)).toBe('access_denied');
  });

  test('an application that is gone: app_not_found', async () => {
    const { client } = await signIn();
    const error = await failure(client.rotateSecret(FAKE.clientId, new Date(now + 3_600_000).toISOString()));
    expect([error.code, error.exitCode]).toEqual(['app_not_found', 1]);
  });
});

test('the API origin of each regional Auth Domain; none for a custom domain', () => {
  expect(apiOriginFor('auth.pingone.com.au')).toBe('https://api.pingone.com.au');
  expect(apiOriginFor('auth.pingone.eu')).toBe('https://api.pingone.eu');
  expect(apiOriginFor('login.example.com')).toBeUndefined();
});
