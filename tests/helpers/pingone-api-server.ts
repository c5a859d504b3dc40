// A PingOne Management API stand-in: real HTTPS on 127.0.0.1, reached as api.pingone.{tld} through the CONNECT
// proxy, answering as docs/partners.md records (P-APPS-*, P-ROLES-*, P-APP-CREATE-*, P-ROLE-ASSIGN-*, P-SECRET-*,
// P-MGMT-*). It shares its applications with the PingOne token stand-in (pingone-server.ts): an admin's token comes
// from there, an application created here can then get a token there, and a rotated secret is accepted there next
// to the previous one until previous.expiresAt, on the token stand-in's clock.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type RecordedRequest, type TestServer, sendJson, startHttpsServer } from './https-server.js';
import type { PingOneServer, WorkerApp } from './pingone-server.js';

/** docs/partners.md P-ROLES-200: built-in role names (model_enum_role_name.go); the IDs are the stand-in's own. */
export const ROLES = [
  'Application Owner',
  'Client Application Developer',
  'Configuration Read Only',
  'Custom Roles Admin',
  'DaVinci Admin',
  'Environment Admin',
  'Help Desk Admin',
  'Identity Data Admin',
  'Identity Data Read Only',
  'Organization Admin',
].map((name, index) => ({ id: `0a7f${String(index).padStart(4, '0')}-0000-4000-8000-00000000${String(index).padStart(4, '0')}`, name }));

/** docs/partners.md P-GRANT-LIMIT: which roles a holder of each role may grant. */
function mayGrant(adminRoles: readonly string[], role: string): boolean {
  if (adminRoles.includes('Organization Admin')) return true;
  if (adminRoles.includes('Environment Admin') && role !== 'Organization Admin') return true;
  return adminRoles.includes('Identity Data Admin') && ['Identity Data Admin', 'Identity Data Read Only'].includes(role);
}

/** docs/partners.md P-APPS-LIST-NEEDS: listing and creating applications. */
function mayManageApplications(adminRoles: readonly string[]): boolean {
  return ['Organization Admin', 'Environment Admin', 'Client Application Developer'].some((role) => adminRoles.includes(role));
}

/**
 * The Worker application body docs/contract.md and P-APP-CREATE-REQ (docs/partners.md) give, written out here
 * rather than taken from the client, so a test compares what was sent with the contract, not with itself.
 */
export function contractWorkerApp(name: string): Record<string, unknown> {
  return {
    name,
    enabled: true,
    type: 'WORKER',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['CLIENT_CREDENTIALS'],
    tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
    assignActorRoles: false,
  };
}

/** docs/partners.md P-MGMT-ERROR. */
function p1Error(code: string, message: string, details?: Array<{ code: string; message: string; target?: string }>): object {
  return { id: randomUUID(), code, message, ...(details ? { details } : {}) };
}

export const API_ANSWERS = {
  /** P-MGMT-403 (vendor tests). */
  forbidden: (detail = 'The actor attempting to perform the request is not authorized.') =>
    p1Error('ACCESS_FAILED', 'The request could not be completed. You do not have access to this resource.', [{ code: 'INSUFFICIENT_PERMISSIONS', message: detail }]),
  /** P-MGMT-404-ENV. */
  notFound: () => p1Error('NOT_FOUND', 'The requested resource was not found.'),
  /** P-MGMT-401 (code assumed). */
  invalidToken: () => p1Error('INVALID_TOKEN', 'The request could not be completed. The access token is invalid or has expired.'),
  /** P-MGMT-429. */
  rateLimited: () => p1Error('REQUEST_LIMITED', 'The request could not be completed. Too many requests.'),
  invalidData: (message: string, target?: string) =>
    p1Error('INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [{ code: 'INVALID_VALUE', message, ...(target ? { target } : {}) }]),
} as const;

/** The body the CONTRACT says a create sends, and nothing else (P-APP-CREATE-REQ). */
const CREATE_BODY_KEYS = ['name', 'enabled', 'type', 'protocol', 'grantTypes', 'tokenEndpointAuthMethod', 'assignActorRoles'];

export interface ApiCall {
  method: string;
  /** Path and query, e.g. /v1/roles?cursor=1. */
  path: string;
  host: string;
  /** The JSON body, parsed (undefined without one). */
  body: unknown;
  bearer: string | undefined;
}

/** A scripted answer given instead of the real one, to the next request that matches. */
export interface Interjection {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ManagementApiServer extends TestServer {
  /** Every request received, in order, with its JSON body. */
  calls(): ApiCall[];
  /** `METHOD path` of each request, with the environment and application IDs as given. */
  lines(): string[];
  /** The next request matching answers this way (once). */
  interject(answer: Interjection): void;
  /** Called with each request before it is answered; the answer waits for it (a held request stays held). */
  onRequest(hook: ((call: ApiCall) => void | Promise<void>) | undefined): void;
  /** The applications the stand-in created, in order. */
  created(): WorkerApp[];
}

export interface ManagementApiOptions {
  /** Environments that exist (besides those holding an application). */
  environments?: string[];
  /** Items per page of GET applications and GET roles (docs/partners.md: both are paged). */
  pageSize?: number;
}

let secretCounter = 0;
/** Obviously fake, and each one different. */
function newSecret(): string {
  secretCounter += 1;
  return `FAKE-issued-secret-do-not-use-${String(secretCounter).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function applicationJson(app: WorkerApp, environmentId: string): object {
  return {
    _links: { self: { href: `/v1/environments/${environmentId}/applications/${app.clientId}` } },
    id: app.clientId,
    environment: { id: environmentId },
    name: app.name ?? `Worker ${app.clientId.slice(0, 8)}`,
    enabled: app.enabled ?? true,
    type: 'WORKER',
    protocol: 'OPENID_CONNECT',
    grantTypes: (app.grantTypes ?? ['client_credentials']).map((grant) => grant.toUpperCase()),
    tokenEndpointAuthMethod: (app.authMethod ?? 'client_secret_post').toUpperCase(),
  };
}

/** A page of a paged list (P-APPS-LIST-200): `_links.next` while more follow. */
function page(request: RecordedRequest, path: string, key: string, items: object[], size: number): object {
  const cursor = Number(new URL(request.url, 'https://x').searchParams.get('cursor') ?? '0');
  const slice = items.slice(cursor, cursor + size);
  const origin = `https://${request.host}`;
  const links: Record<string, { href: string }> = { self: { href: `${origin}${path}${cursor ? `?cursor=${cursor}` : ''}` } };
  if (cursor + size < items.length) links.next = { href: `${origin}${path}?cursor=${cursor + size}` };
  return { _links: links, _embedded: { [key]: slice }, count: items.length, size: slice.length };
}

export async function startManagementApi(pingone: PingOneServer, options: ManagementApiOptions = {}): Promise<ManagementApiServer> {
  const apps = pingone.apps;
  const size = options.pageSize ?? 4;
  const interjections: Interjection[] = [];
  const created: WorkerApp[] = [];
  const calls: ApiCall[] = [];
  let hook: ((call: ApiCall) => void | Promise<void>) | undefined;
  const environmentExists = (id: string): boolean => (options.environments ?? []).includes(id) || apps.some((app) => app.environmentId === id);

  const server = await startHttpsServer(async (request, response, raw) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(raw.headers.authorization ?? ''))?.[1];
    const call: ApiCall = { method: request.method, path: request.url, host: request.host, body: parseBody(request.body), bearer };
    calls.push(call);
    await hook?.(call);
    const path = new URL(request.url, 'https://x').pathname;
    const scripted = interjections.findIndex((answer) => answer.method === request.method && answer.path.test(path));
    if (scripted >= 0) {
      const [answer] = interjections.splice(scripted, 1);
      if (answer) return sendJson(response, answer.status, answer.body ?? {}, answer.headers);
    }
    const admin = bearer === undefined ? undefined : pingone.tokenOwner(bearer);
    if (!admin) return sendJson(response, 401, API_ANSWERS.invalidToken());
    const adminRoles = admin.roles ?? ['Identity Data Admin'];
    answer(request, response, path, call.body, adminRoles);
  });

  function answer(request: RecordedRequest, response: ServerResponse, path: string, body: unknown, adminRoles: string[]): void {
    if (request.method === 'GET' && path === '/v1/roles') {
      return sendJson(response, 200, page(request, path, 'roles', ROLES.map((role) => ({ id: role.id, name: role.name, applicableTo: ['ENVIRONMENT'] })), size));
    }
    const match = /^\/v1\/environments\/([^/]+)\/applications(?:\/([^/]+)(\/roleAssignments|\/secret)?)?$/.exec(path);
    if (!match?.[1]) return sendJson(response, 404, API_ANSWERS.notFound());
    const [, environmentId, applicationId, sub] = match;
    if (!environmentExists(environmentId)) return sendJson(response, 404, API_ANSWERS.notFound());
    const inEnvironment = apps.filter((app) => app.environmentId === environmentId);
    if (applicationId === undefined) {
      if (!mayManageApplications(adminRoles)) return sendJson(response, 403, API_ANSWERS.forbidden());
      if (request.method === 'GET') return sendJson(response, 200, page(request, path, 'applications', inEnvironment.map((app) => applicationJson(app, environmentId)), size));
      if (request.method === 'POST') return createApplication(response, environmentId, body);
      return sendJson(response, 405, p1Error('METHOD_NOT_ALLOWED', 'Method not allowed.'));
    }
    const app = inEnvironment.find((candidate) => candidate.clientId === applicationId);
    if (!app) return sendJson(response, 404, API_ANSWERS.notFound());
    if (sub === '/roleAssignments' && request.method === 'POST') return grant(response, app, environmentId, body, adminRoles);
    if (sub === '/roleAssignments' && request.method === 'GET') {
      const held = ROLES.filter((role) => (app.roles ?? []).includes(role.name));
      const assignments = held.map((role) => ({ id: `${role.id.slice(0, 8)}-aaaa-4000-8000-${app.clientId.slice(-12)}`, role: { id: role.id }, scope: { id: environmentId, type: 'ENVIRONMENT' } }));
      return sendJson(response, 200, page(request, path, 'roleAssignments', assignments, size));
    }
    if (sub === '/secret') {
      // P-SECRET-403: an admin without every role the application holds may not touch its secret.
      if ((app.roles ?? []).some((role) => !adminRoles.includes(role) && !mayGrant(adminRoles, role))) {
        return sendJson(response, 403, API_ANSWERS.forbidden('Actor does not have permissions to access worker application client secrets'));
      }
      if (request.method === 'GET') return sendJson(response, 200, secretJson(app));
      if (request.method === 'POST') return rotate(response, app, body);
      if (request.method === 'DELETE') {
        delete app.previousSecret;
        delete app.previousExpiresAt;
        response.writeHead(204).end();
        return;
      }
    }
    return sendJson(response, 405, p1Error('METHOD_NOT_ALLOWED', 'Method not allowed.'));
  }

  function createApplication(response: ServerResponse, environmentId: string, body: unknown): void {
    const given = (body ?? {}) as Record<string, unknown>;
    const keys = Object.keys(given).sort();
    const expected = { enabled: true, type: 'WORKER', protocol: 'OPENID_CONNECT', tokenEndpointAuthMethod: 'CLIENT_SECRET_POST', assignActorRoles: false };
    const same =
      JSON.stringify(keys) === JSON.stringify([...CREATE_BODY_KEYS].sort()) &&
      typeof given.name === 'string' &&
      given.name !== '' &&
      JSON.stringify(given.grantTypes) === JSON.stringify(['CLIENT_CREDENTIALS']) &&
      Object.entries(expected).every(([key, value]) => given[key] === value);
    if (!same) return sendJson(response, 400, API_ANSWERS.invalidData(`Not the body the contract sends: ${JSON.stringify(body)}`));
    const app: WorkerApp = {
      clientId: randomUUID(),
      clientSecret: newSecret(),
      environmentId,
      name: given.name as string,
      roles: [],
      enabled: true,
      authMethod: 'client_secret_post',
      grantTypes: ['client_credentials'],
    };
    apps.push(app);
    created.push(app);
    sendJson(response, 201, applicationJson(app, environmentId));
  }

  function grant(response: ServerResponse, app: WorkerApp, environmentId: string, body: unknown, adminRoles: string[]): void {
    const given = (body ?? {}) as { role?: { id?: unknown }; scope?: { id?: unknown; type?: unknown } };
    const role = ROLES.find((candidate) => candidate.id === given.role?.id);
    if (!role) return sendJson(response, 400, API_ANSWERS.invalidData('Unknown role', 'role'));
    if (given.scope?.id !== environmentId || given.scope.type !== 'ENVIRONMENT') return sendJson(response, 400, API_ANSWERS.invalidData('Invalid scope', 'scope'));
    // P-GRANT-LIMIT; the words of this refusal are unconfirmed, so P-MGMT-403's are sent.
    if (!mayGrant(adminRoles, role.name)) return sendJson(response, 403, API_ANSWERS.forbidden());
    app.roles = [...(app.roles ?? []), role.name];
    sendJson(response, 201, { id: randomUUID(), role: { id: role.id }, scope: { id: environmentId, type: 'ENVIRONMENT' }, environment: { id: environmentId } });
  }

  function secretJson(app: WorkerApp): object {
    const previous = app.previousSecret !== undefined && (app.previousExpiresAt ?? 0) > pingone.clock.now() ? { previous: { secret: app.previousSecret, expiresAt: new Date(app.previousExpiresAt ?? 0).toISOString() } } : {};
    return { environment: { id: app.environmentId }, secret: app.clientSecret, ...previous };
  }

  function rotate(response: ServerResponse, app: WorkerApp, body: unknown): void {
    const expiresAt = Date.parse(String(((body ?? {}) as { previous?: { expiresAt?: unknown } }).previous?.expiresAt ?? ''));
    const now = pingone.clock.now();
    // P-SECRET-ROTATE-REQ: 1 minute to 30 days ahead.
    if (Number.isNaN(expiresAt) || expiresAt < now + 60_000 || expiresAt > now + 30 * 86_400_000) {
      return sendJson(response, 400, API_ANSWERS.invalidData('previous.expiresAt must be between 1 minute and 30 days from now', 'previous.expiresAt'));
    }
    app.previousSecret = app.clientSecret;
    app.previousExpiresAt = expiresAt;
    app.clientSecret = newSecret();
    sendJson(response, 200, secretJson(app));
  }

  return {
    ...server,
    calls: () => [...calls],
    lines: () => calls.map((call) => `${call.method} ${call.path}`),
    interject: (answer) => void interjections.push(answer),
    onRequest: (next) => {
      hook = next;
    },
    created: () => [...created],
  };
}
