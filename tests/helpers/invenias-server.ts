// An Invenias stand-in: real HTTPS on 127.0.0.1 with the documented endpoints, answering as docs/partners.md
// records. The ThirdPartyApplications API creates and renews applications (Bearer API key; 401 for an expired key,
// 403 for an account outside the System Administrator group, 400 with ASP.NET-style validation messages);
// /identity/connect/token is a real OAuth 2.0 password-grant server (@node-oauth/oauth2-server) whose clients are
// those applications; GET /api/v1/countries accepts its tokens, except those of an unlicensed user. API answers
// carry X-Request-Quota-Remaining. Tests can script the next answers of each route (429, 503, a dropped
// connection) to play a struggling service.
import { randomUUID } from 'node:crypto';
import OAuth2Server from '@node-oauth/oauth2-server';
import { FAKE } from './fixtures.js';
import { type RecordedRequest, type TestServer, sendJson, startHttpsServer } from './https-server.js';

export interface StandInApp {
  clientId: string;
  clientSecret: string;
  name: string;
  replyUrl: string;
  flowType: string;
  expiresOn: string;
  enabled: boolean;
}

/** An application made for Cyclr before this run (docs/partners.md I-CREATE-200: the shape Invenias returns). */
export function existingApp(clientId: string, clientSecret: string, expiresOn = '2030-06-30T00:00:00Z'): StandInApp {
  return { clientId, clientSecret, name: 'Integration', replyUrl: 'https://acme.cyclr.com/connector/callback', flowType: 'ResourceOwner', expiresOn, enabled: true };
}

export interface StandInUser {
  username: string;
  password: string;
  /** A single sign-on account: it cannot use the password grant (docs/partners.md I-TOKEN-SSO). */
  sso?: boolean;
  /** Gets a token, but its API calls are refused: not licensed, not enabled or not a System Administrator (I-API-401-UNLICENSED). */
  unlicensed?: boolean;
}

export type ScriptedAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';

export interface InveniasOptions {
  subdomain: string;
  /** Keys of System Administrators; any other key is expired (401) unless listed in notAdminKeys. */
  adminKeys: string[];
  notAdminKeys?: string[];
  users: StandInUser[];
  apps?: StandInApp[];
}

export interface InveniasServer extends TestServer {
  apps: Map<string, StandInApp>;
  /** The next answers of create/renew calls, used (in order) before the normal behaviour. */
  script(...answers: ScriptedAnswer[]): void;
  /** The same for the token endpoint or the API call made with a token. */
  scriptFor(route: 'token' | 'countries', ...answers: ScriptedAnswer[]): void;
  /** X-Request-Quota-Remaining of the API answers from now on (docs/partners.md I-QUOTA-HEADER). */
  setQuota(remaining: number): void;
  countriesRequests(): RecordedRequest[];
  /** The ExpiresOn of the applications created or renewed from now on; undefined: as their Expiration says. */
  issueExpiresOn(expiresOn: string | undefined): void;
  /** Called when a token request arrives, before it is answered (e.g. to see what the CLI has stored by then). */
  onTokenRequest(hook: ((form: URLSearchParams) => void | Promise<void>) | undefined): void;
  /** Called when a create or renew request arrives, before it is answered (e.g. to break the keychain mid-run). */
  onApplicationRequest(hook: (() => void | Promise<void>) | undefined): void;
  createRequests(): RecordedRequest[];
  renewRequests(): RecordedRequest[];
  tokenRequests(): URLSearchParams[];
}

const EXPIRATION_YEARS: Record<string, number> = { OneYear: 1, TwoYears: 2, FiveYears: 5 };
const SCOPES = ['openid', 'profile', 'api', 'email'];

function yearsFromNow(years: number): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString();
}

/** Every secret the stand-in issues starts with FAKE.inveniasClientSecret, so expectNoSecrets catches them all. */
function issuedSecret(count: number): string {
  return count === 1 ? FAKE.inveniasClientSecret : `${FAKE.inveniasClientSecret}-${count}`;
}

export async function startInvenias(options: InveniasOptions): Promise<InveniasServer> {
  const apps = new Map<string, StandInApp>((options.apps ?? []).map((app) => [app.clientId, app]));
  const scripted: ScriptedAnswer[] = [];
  const scriptedFor: Record<'token' | 'countries', ScriptedAnswer[]> = { token: [], countries: [] };
  const tokens = new Map<string, StandInUser>();
  let quota = 2999;
  let secretsIssued = 0;
  let chosenExpiresOn: string | undefined;
  let tokenHook: ((form: URLSearchParams) => void | Promise<void>) | undefined;
  let applicationHook: (() => void | Promise<void>) | undefined;

  const oauth = new OAuth2Server({
    model: {
      getClient: async (clientId: string, clientSecret: string) => {
        const app = apps.get(clientId);
        if (!app || app.clientSecret !== clientSecret || !app.enabled || Date.parse(app.expiresOn) <= Date.now()) return false;
        return { id: app.clientId, grants: app.flowType === 'ResourceOwner' ? ['password'] : ['authorization_code'], redirectUris: [app.replyUrl] };
      },
      getUser: async (username: string, password: string) =>
        options.users.find((user) => user.username === username && user.password === password && !user.sso) ?? false,
      saveToken: async (token: OAuth2Server.Token, client: OAuth2Server.Client, user: OAuth2Server.User) => {
        tokens.set(token.accessToken, user as StandInUser);
        return { ...token, client, user };
      },
      validateScope: async (_user: OAuth2Server.User, _client: OAuth2Server.Client, scope?: string[]) =>
        scope && scope.every((entry) => SCOPES.includes(entry)) ? scope : false,
      getAccessToken: async () => false,
      verifyScope: async () => false,
    },
    accessTokenLifetime: 3600,
    requireClientAuthentication: { password: true },
  });

  function authorize(request: RecordedRequest): 'ok' | 401 | 403 {
    const match = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''));
    const key = match?.[1];
    if (key && options.adminKeys.includes(key)) return 'ok';
    if (key && options.notAdminKeys?.includes(key)) return 403;
    return 401;
  }

  /** Plays a scripted answer if one is due; true when it did. */
  function playScript(queue: ScriptedAnswer[], response: Parameters<typeof sendJson>[0], socket: { destroy(): void }): boolean {
    const next = queue.shift();
    if (next === undefined) return false;
    // The request arrived; the answer never does (on a real server its work would be done).
    if (next === 'drop') socket.destroy();
    else sendAnswer(response, next);
    return true;
  }

  /** docs/partners.md I-QUOTA-HEADER: every API answer says how many calls are left in the window. */
  function quotaHeader(): Record<string, string> {
    quota = Math.max(0, quota - 1);
    return { 'x-request-quota-remaining': String(quota) };
  }

  const server = await startHttpsServer(async (request, response, raw) => {
    const url = new URL(request.url, 'https://stand-in');
    if (request.method === 'GET' && url.pathname === '/api/v1/countries') {
      if (playScript(scriptedFor.countries, response, raw.socket)) return;
      const user = tokens.get(/^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '');
      // docs/partners.md I-API-401-UNLICENSED (status documented, body assumed)
      if (!user || user.unlicensed) return sendJson(response, 401, { Message: 'Authorization has been denied for this request.' }, quotaHeader());
      // docs/partners.md I-COUNTRIES-200
      return sendJson(response, 200, { Items: [{ CountryCode: 'GB', CountryName: 'UNITED KINGDOM' }] }, quotaHeader());
    }
    if (request.method === 'POST' && url.pathname === '/identity/connect/token') {
      if (playScript(scriptedFor.token, response, raw.socket)) return;
      const form = new URLSearchParams(request.body);
      await tokenHook?.(form);
      if (form.get('subdomain') !== options.subdomain) {
        // docs/partners.md I-TOKEN-400-SUBDOMAIN (assumed)
        return sendJson(response, 400, { error: 'invalid_request', error_description: 'Unknown subdomain' });
      }
      const oauthRequest = new OAuth2Server.Request({ method: 'POST', headers: raw.headers as Record<string, string>, query: {}, body: Object.fromEntries(form) });
      const oauthResponse = new OAuth2Server.Response({ headers: {} });
      try {
        await oauth.token(oauthRequest, oauthResponse);
      } catch {
        // The library has written the OAuth error into the response.
      }
      return sendJson(response, oauthResponse.status ?? 500, oauthResponse.body, oauthResponse.headers as Record<string, string>);
    }

    const renew = /^\/api\/v1\/thirdpartyapplications\/([^/]+)\/renew$/.exec(url.pathname);
    if (request.method !== 'POST' || (url.pathname !== '/api/v1/thirdpartyapplications' && !renew)) {
      // docs/partners.md I-404-ROUTE (body assumed)
      return sendJson(response, 404, { Message: 'No HTTP resource was found that matches the request URI.' });
    }
    await applicationHook?.();
    if (playScript(scripted, response, raw.socket)) return;
    const allowed = authorize(request);
    // docs/partners.md I-CREATE-401, I-CREATE-403 (statuses documented, bodies assumed)
    if (allowed === 401) return sendJson(response, 401, { Message: 'Authorization has been denied for this request.' }, quotaHeader());
    if (allowed === 403) return sendJson(response, 403, { Message: 'You do not have permission to perform this action.' }, quotaHeader());

    if (renew) {
      const app = apps.get(decodeURIComponent(renew[1] ?? ''));
      // docs/partners.md I-RENEW-404 (assumed)
      if (!app) return sendJson(response, 404, { Message: 'Third party application not found.' });
      const expiration = url.searchParams.get('expiration') ?? '';
      // docs/partners.md I-RENEW-400 (assumed)
      if (!(expiration in EXPIRATION_YEARS)) return sendJson(response, 400, { Message: 'The request is invalid.', ModelState: { expiration: ['Expiration is not valid.'] } });
      secretsIssued += 1;
      app.clientSecret = issuedSecret(secretsIssued);
      app.expiresOn = chosenExpiresOn ?? yearsFromNow(EXPIRATION_YEARS[expiration] ?? 1);
      app.enabled = true;
      return sendJson(response, 200, toJson(app), quotaHeader());
    }

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return sendJson(response, 400, { Message: 'The request is invalid.', ModelState: { request: ['The request body is not valid JSON.'] } });
    }
    // docs/partners.md I-CREATE-400: the shape is assumed; only what the documentation requires is checked (no Name length limit is documented).
    const problems: Record<string, string[]> = {};
    if (typeof body.Name !== 'string' || body.Name.trim() === '') problems['request.Name'] = ['The Name field is required.'];
    if (typeof body.Expiration !== 'string' || !(body.Expiration in EXPIRATION_YEARS)) problems['request.Expiration'] = ['The Expiration field is not valid.'];
    if (typeof body.ReplyUrl !== 'string' || !/^https:\/\/[^/]+\/connector\/callback$/.test(body.ReplyUrl)) problems['request.ReplyUrl'] = ['The ReplyUrl field is not a valid URL.'];
    // docs/partners.md I-FLOWTYPE
    if (body.FlowType !== 'ResourceOwner' && body.FlowType !== 'Code') problems['request.FlowType'] = ['The FlowType field is not valid.'];
    if (Object.keys(problems).length > 0) return sendJson(response, 400, { Message: 'The request is invalid.', ModelState: problems });

    secretsIssued += 1;
    const app: StandInApp = {
      clientId: randomUUID(),
      clientSecret: issuedSecret(secretsIssued),
      name: String(body.Name),
      replyUrl: String(body.ReplyUrl),
      flowType: String(body.FlowType),
      expiresOn: chosenExpiresOn ?? yearsFromNow(EXPIRATION_YEARS[String(body.Expiration)] ?? 1),
      enabled: true,
    };
    apps.set(app.clientId, app);
    // docs/partners.md I-CREATE-200 (body documented, status assumed)
    return sendJson(response, 201, toJson(app), quotaHeader());
  });

  return {
    ...server,
    apps,
    script: (...answers) => scripted.push(...answers),
    scriptFor: (route, ...answers) => scriptedFor[route].push(...answers),
    setQuota: (remaining) => {
      quota = remaining + 1;
    },
    countriesRequests: () => server.requests.filter((request) => request.url === '/api/v1/countries'),
    issueExpiresOn: (expiresOn) => {
      chosenExpiresOn = expiresOn;
    },
    onApplicationRequest: (hook) => {
      applicationHook = hook;
    },
    onTokenRequest: (hook) => {
      tokenHook = hook;
    },
    createRequests: () => server.requests.filter((request) => new URL(request.url, 'https://x').pathname === '/api/v1/thirdpartyapplications'),
    renewRequests: () => server.requests.filter((request) => /\/renew(\?|$)/.test(request.url)),
    tokenRequests: () => server.requests.filter((request) => request.url === '/identity/connect/token').map((request) => new URLSearchParams(request.body)),
  };
}

/** A scripted answer: JSON, or a string body sent as plain text (e.g. the maintenance notice of a 503). */
function sendAnswer(response: Parameters<typeof sendJson>[0], answer: Exclude<ScriptedAnswer, 'drop'>): void {
  if (typeof answer.body !== 'string') return sendJson(response, answer.status, answer.body ?? {}, answer.headers);
  response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(answer.body), ...answer.headers });
  response.end(answer.body);
}

function toJson(app: StandInApp): Record<string, unknown> {
  return {
    ClientId: app.clientId,
    ClientSecret: app.clientSecret,
    ExpiresOn: app.expiresOn,
    IsEnabled: app.enabled,
    Name: app.name,
    FlowType: app.flowType,
    ReplyUrl: app.replyUrl,
  };
}
