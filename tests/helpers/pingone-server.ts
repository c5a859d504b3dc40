// A PingOne stand-in: real HTTPS on 127.0.0.1, one real OAuth 2.0 authorization server (oidc-provider) per
// environment at /{environmentId}/as, answering as docs/partners.md records: it enforces each application's
// token endpoint auth method and grant types, refuses Worker apps without roles and disabled apps, answers a
// token request for an environment it does not host with 401 invalid_client (as the real one does), and has
// no discovery document for such an environment.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { type CertificateKind, type TestServer, sendJson, startHttpsServer } from './https-server.js';

export interface WorkerApp {
  clientId: string;
  clientSecret: string;
  environmentId: string;
  authMethod?: 'client_secret_post' | 'client_secret_basic';
  grantTypes?: string[];
  roles?: string[];
  enabled?: boolean;
}

export interface PingOneServer extends TestServer {
  /** Token requests that reached an environment, in order. */
  tokenRequests(): { path: string; form: URLSearchParams; authorization: string | undefined }[];
  /** Called when a token request arrives, before it is answered (e.g. to break the keychain mid-run). */
  onTokenRequest(hook: (() => void | Promise<void>) | undefined): void;
}

/** The library's storage, in memory for the life of a test (its own default says the same, noisily). */
class MemoryAdapter {
  private static readonly store = new Map<string, { payload: Record<string, unknown>; expires: number }>();
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    MemoryAdapter.store.set(this.key(id), { payload, expires: Date.now() + expiresIn * 1000 });
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = MemoryAdapter.store.get(this.key(id));
    return entry && entry.expires > Date.now() ? entry.payload : undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(id: string): Promise<void> {
    MemoryAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(): Promise<void> {}
}

const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

function providerFor(origin: string, environmentId: string, apps: WorkerApp[]): Provider {
  // docs/partners.md P-DISC-200: the issuer, and so the discovery document, is https://{host}/{envId}/as.
  const provider = new Provider(`${origin}/${environmentId}/as`, {
    clients: apps.map((app) => {
      const grantTypes = app.grantTypes ?? ['client_credentials'];
      const usesCode = grantTypes.includes('authorization_code');
      return {
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_types: grantTypes,
        response_types: usesCode ? ['code'] : [],
        redirect_uris: usesCode ? ['https://app.example.test/callback'] : [],
        token_endpoint_auth_method: app.authMethod ?? 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      };
    }),
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    jwks: { keys: [{ ...signingKey, kid: 'test', use: 'sig', alg: 'ES256' }] },
    cookies: { keys: ['test-only-cookie-key'] },
    adapter: MemoryAdapter,
    ttl: { ClientCredentials: 3600 },
  });
  const details = new WeakMap<object, string>();
  provider.on('grant.error', (ctx: object, error: { error_detail?: string }) => details.set(ctx, error.error_detail ?? ''));
  // PingOne's wording, which the CLI's diagnoses read, on top of the library's standard answers.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token') return;
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    const detail = details.get(ctx) ?? '';
    if (body?.error === 'invalid_client' && /authentication mechanism does not match/.test(detail)) {
      ctx.body = ANSWERS.unsupportedAuthMethod();
    } else if (body?.error === 'invalid_client') {
      ctx.body = ANSWERS.invalidClient();
    } else if (body?.error === 'unauthorized_client' || /grant type is not allowed/.test(body?.error_description ?? '')) {
      // docs/partners.md P-TOKEN-400-GRANT (assumed)
      ctx.status = 400;
      ctx.body = { error: 'unauthorized_client', error_description: `Request denied: Unsupported grant type for this application ${correlation()}` };
    } else if (ctx.status === 200) {
      const app = apps.find((candidate) => candidate.clientId === ctx.oidc?.client?.clientId);
      if (app?.enabled === false) {
        // docs/partners.md P-TOKEN-401-DISABLED (unconfirmed): answered as a wrong secret, the worst case for a diagnosis.
        ctx.status = 401;
        ctx.body = ANSWERS.invalidClient();
      } else if (app && (app.roles ?? ['Identity Data Admin']).length === 0) {
        // docs/partners.md P-TOKEN-NO-ROLES (wording from one third-party report; code and status assumed)
        ctx.status = 400;
        ctx.body = { error: 'access_denied', error_description: `Request denied: Application does not have any role assignments ${correlation()}` };
      }
    }
  });
  return provider;
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

export async function startPingOne(apps: WorkerApp[], kind: CertificateKind = 'trusted'): Promise<PingOneServer> {
  const environments = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
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
    // The library accepts either secret method for a secret client; PingOne holds an app to its setting.
    if (match[2] === '/token') {
      await tokenHook?.();
      const form = new URLSearchParams(request.body);
      const app = apps.find((candidate) => candidate.clientId === form.get('client_id'));
      const usedPost = form.has('client_secret') && raw.headers.authorization === undefined;
      if (app && usedPost !== ((app.authMethod ?? 'client_secret_post') === 'client_secret_post')) {
        return sendJson(response, 401, ANSWERS.unsupportedAuthMethod());
      }
    }
    // The host the client used (a region name through the proxy, or 127.0.0.1:port) is the issuer.
    const callback =
      environments.get(environmentId) ??
      providerFor(`https://${request.host || origin}`, environmentId, apps.filter((app) => app.environmentId === environmentId)).callback();
    environments.set(environmentId, callback);
    // The body was read for the record; hand the library a fresh message with the same bytes.
    const replay = new IncomingMessage(raw.socket);
    Object.assign(replay, {
      headers: raw.headers,
      rawHeaders: raw.rawHeaders,
      method: raw.method,
      url: match[2],
      originalUrl: request.url,
      httpVersion: raw.httpVersion,
      httpVersionMajor: raw.httpVersionMajor,
      httpVersionMinor: raw.httpVersionMinor,
      complete: true,
    });
    replay.push(Buffer.from(request.body));
    replay.push(null);
    callback(replay, response);
  }, kind);
  origin = server.hostPort;
  return {
    ...server,
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
