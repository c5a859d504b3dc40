// A PingOne stand-in: real HTTPS on 127.0.0.1, a real OAuth 2.0 server (@node-oauth/oauth2-server) per
// environment at /{environmentId}/as, answering as docs/partners.md records: it enforces each application's
// token endpoint auth method and grant types, refuses Worker apps without roles and disabled apps, answers a
// token request for an environment it does not host with 401 invalid_client (as the real one does), serves the
// discovery document of each environment it hosts, and has none for any other.
// (oidc-provider did this job before; loading it took ~0.8 s in each test file, this library ~0.03 s.)
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import OAuth2Server from '@node-oauth/oauth2-server';
import { type CertificateKind, type TestServer, sendJson, startHttpsServer } from './https-server.js';

export interface WorkerApp {
  clientId: string;
  clientSecret: string;
  environmentId: string;
  authMethod?: 'client_secret_post' | 'client_secret_basic';
  grantTypes?: string[];
  roles?: string[];
  enabled?: boolean;
  /** After a rotation (docs/partners.md P-SECRET-OVERLAP): the old secret, accepted until previousExpiresAt. */
  previousSecret?: string;
  previousExpiresAt?: number;
  /** Given by the Management API stand-in to the applications it creates. */
  name?: string;
}

export interface PingOneServer extends TestServer {
  /** Token requests that reached an environment, in order. */
  tokenRequests(): { path: string; form: URLSearchParams; authorization: string | undefined }[];
  /** Called when a token request arrives, before it is answered (e.g. to break the keychain mid-run). */
  onTokenRequest(hook: (() => void | Promise<void>) | undefined): void;
  /** The applications, shared with the Management API stand-in: an app it creates can then get a token. */
  apps: WorkerApp[];
  /** The application an access token was issued to. */
  tokenOwner(accessToken: string): WorkerApp | undefined;
  /** The stand-in's clock (the test's, or the run's it mirrors): a previous secret stops at its expiresAt on it. */
  clock: { now: () => number };
}

export interface PingOneOptions {
  kind?: CertificateKind;
  /** When a previous secret stops being accepted is measured on this clock (Date.now by default). */
  now?: () => number;
}

/** A secret the application accepts now: its current one, or the previous one until it expires. */
function acceptsSecret(app: WorkerApp, secret: string, now: number): boolean {
  if (app.clientSecret === secret) return true;
  return app.previousSecret !== undefined && app.previousSecret === secret && now < (app.previousExpiresAt ?? 0);
}

/**
 * One environment's authorization server: the library checks the client, its secret and its grant types. `apps` is
 * read at each request, so applications created meanwhile (through the Management API stand-in) are known.
 */
function tokenServerFor(apps: () => WorkerApp[], now: () => number, issued: Map<string, string>): OAuth2Server {
  return new OAuth2Server({
    model: {
      getClient: async (clientId: string, clientSecret: string) => {
        const app = apps().find((candidate) => candidate.clientId === clientId);
        return app && acceptsSecret(app, clientSecret, now()) ? { id: app.clientId, grants: app.grantTypes ?? ['client_credentials'] } : false;
      },
      getUserFromClient: async (client: OAuth2Server.Client) => ({ id: client.id }),
      saveToken: async (token: OAuth2Server.Token, client: OAuth2Server.Client, user: OAuth2Server.User) => {
        issued.set(token.accessToken, String(client.id));
        return { ...token, client, user };
      },
      validateScope: async () => [],
      getAccessToken: async () => false,
      verifyScope: async () => false,
    },
    accessTokenLifetime: 3600,
  });
}

/** docs/partners.md P-TOKEN-*: the library's answer, in PingOne's words where the CLI's diagnoses read them. */
async function answerToken(server: OAuth2Server, apps: WorkerApp[], form: URLSearchParams, headers: Record<string, string>): Promise<{ status: number; body: object }> {
  const request = new OAuth2Server.Request({ method: 'POST', headers, query: {}, body: Object.fromEntries(form) });
  const response = new OAuth2Server.Response({ headers: {} });
  try {
    await server.token(request, response);
  } catch {
    // The library has written the OAuth error into the response.
  }
  const body = (response.body ?? {}) as { error?: string; access_token?: string };
  if (body.error === 'invalid_client') return { status: 401, body: ANSWERS.invalidClient() };
  if (body.error === 'unauthorized_client') {
    // docs/partners.md P-TOKEN-400-GRANT (assumed)
    return { status: 400, body: { error: 'unauthorized_client', error_description: `Request denied: Unsupported grant type for this application ${correlation()}` } };
  }
  if (response.status !== 200 || !body.access_token) return { status: response.status ?? 500, body };
  const app = apps.find((candidate) => candidate.clientId === clientIdOf(form, headers.authorization));
  if (app?.enabled === false) {
    // docs/partners.md P-TOKEN-401-DISABLED (unconfirmed): answered as a wrong secret, the worst case for a diagnosis.
    return { status: 401, body: ANSWERS.invalidClient() };
  }
  if (app && (app.roles ?? ['Identity Data Admin']).length === 0) {
    // docs/partners.md P-TOKEN-NO-ROLES (wording from one third-party report; code and status assumed)
    return { status: 400, body: { error: 'access_denied', error_description: `Request denied: Application does not have any role assignments ${correlation()}` } };
  }
  // docs/partners.md P-TOKEN-200
  return { status: 200, body: { access_token: body.access_token, token_type: 'Bearer', expires_in: 3600 } };
}

/** The client a token request names: in the form (Client Secret Post) or in the Basic Authorization header. */
function clientIdOf(form: URLSearchParams, authorization: string | undefined): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!basic) return form.get('client_id') ?? undefined;
  return decodeURIComponent(Buffer.from(basic, 'base64').toString('utf8').split(':')[0] ?? '');
}

/**
 * docs/partners.md P-DISC-200: what the CLI reads is the issuer, https://{host}/{envId}/as. The other members are
 * the standard OpenID discovery names with PingOne's paths; the CLI reads none of them (their values are assumed).
 */
function discoveryDocument(host: string, environmentId: string): object {
  const issuer = `https://${host}/${environmentId}/as`;
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  };
}

/** docs/partners.md P-TOKEN-CORRELATION: every refusal ends with a Correlation ID. */
function correlation(): string {
  return `(Correlation ID: ${randomUUID()})`;
}

export const ANSWERS = {
  /** docs/partners.md P-TOKEN-401-INVALID-CLIENT (vendor tests), also P-TOKEN-401-UNKNOWN-ENV. */
  invalidClient: () => ({ error: 'invalid_client', error_description: `Request denied: Invalid client credentials ${correlation()}` }),
  /** docs/partners.md P-TOKEN-401-AUTH-METHOD (wording from the vendor SDK; status assumed). */
  unsupportedAuthMethod: () => ({ error: 'invalid_client', error_description: `Request denied: Unsupported authentication method ${correlation()}` }),
} as const;

/** docs/partners.md P-DISC-UNKNOWN-ENV (assumed): no discovery document, nor anything else, for an unknown environment. */
function notFound(response: ServerResponse): void {
  sendJson(response, 404, { id: randomUUID(), code: 'NOT_FOUND', message: 'The requested resource was not found.' });
}

export async function startPingOne(apps: WorkerApp[], options: CertificateKind | PingOneOptions = 'trusted'): Promise<PingOneServer> {
  const { kind = 'trusted', now = Date.now } = typeof options === 'string' ? { kind: options } : options;
  const clock = { now };
  const issued = new Map<string, string>();
  const environments = new Map<string, OAuth2Server>();
  let origin = '';
  let tokenHook: (() => void | Promise<void>) | undefined;
  const server = await startHttpsServer(async (request, response, raw) => {
    const match = /^\/([0-9a-f-]{36})\/as(\/.*)$/i.exec(request.url);
    const environmentId = match?.[1]?.toLowerCase();
    if (!match || !environmentId || !apps.some((app) => app.environmentId === environmentId)) {
      // docs/partners.md P-TOKEN-401-UNKNOWN-ENV: the token URL of an unknown environment says invalid_client, like a wrong secret.
      if (request.method === 'POST' && match?.[2] === '/token') return sendJson(response, 401, ANSWERS.invalidClient());
      return notFound(response);
    }
    // The host the client used (a region name through the proxy, or 127.0.0.1:port) is the issuer's.
    if (request.method === 'GET' && match[2] === '/.well-known/openid-configuration') return sendJson(response, 200, discoveryDocument(request.host || origin, environmentId));
    if (request.method !== 'POST' || match[2] !== '/token') return notFound(response);
    await tokenHook?.();
    const form = new URLSearchParams(request.body);
    // The library accepts either secret method for a secret client; PingOne holds an app to its setting.
    const app = apps.find((candidate) => candidate.clientId === clientIdOf(form, raw.headers.authorization));
    const usedPost = form.has('client_secret') && raw.headers.authorization === undefined;
    if (app && usedPost !== ((app.authMethod ?? 'client_secret_post') === 'client_secret_post')) {
      return sendJson(response, 401, ANSWERS.unsupportedAuthMethod());
    }
    let tokenServer = environments.get(environmentId);
    if (!tokenServer) {
      tokenServer = tokenServerFor(() => apps.filter((candidate) => candidate.environmentId === environmentId), () => clock.now(), issued);
      environments.set(environmentId, tokenServer);
    }
    const answer = await answerToken(tokenServer, apps, form, raw.headers as Record<string, string>);
    return sendJson(response, answer.status, answer.body);
  }, kind);
  origin = server.hostPort;
  return {
    ...server,
    apps,
    clock,
    tokenOwner: (accessToken) => {
      const clientId = issued.get(accessToken);
      return clientId === undefined ? undefined : apps.find((app) => app.clientId === clientId);
    },
    onTokenRequest: (hook) => {
      tokenHook = hook;
    },
    tokenRequests: () =>
      server.requests
        .filter((request) => /\/as\/token$/.test(request.url))
        .map((request) => ({
          path: request.url,
          form: new URLSearchParams(request.body),
          authorization: request.headers.authorization as string | undefined,
        })),
  };
}
