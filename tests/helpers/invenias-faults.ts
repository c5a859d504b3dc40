// An Invenias origin whose routes misbehave one at a time, for the Invenias half of the fault suite: the token
// endpoint, the API call made with the token, the create call and the renew call each get a fault-server Handler;
// whatever is not given works as documented (docs/partners.md).
import { faults, startFaultServer } from './fault-server.js';
import { FAKE } from './fixtures.js';
import { type CertificateKind, type Handler, type RecordedRequest, type TestServer, sendJson } from './https-server.js';

export const TOKEN_PATH = '/identity/connect/token';
export const CREATE_PATH = '/api/v1/thirdpartyapplications';
export const COUNTRIES_PATH = '/api/v1/countries';
/** The Client ID of the application the stand-in "creates". */
export const CREATED_CLIENT_ID = '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc';
export const CREATED_EXPIRES_ON = '2031-11-22T00:00:00Z';

/** docs/partners.md I-COUNTRIES-200, with I-QUOTA-HEADER. */
export function countries(quotaRemaining = 2998): Handler {
  return faults.json(200, { Items: [{ CountryCode: 'GB', CountryName: 'UNITED KINGDOM' }] }, { 'x-request-quota-remaining': String(quotaRemaining) });
}

/** docs/partners.md I-503-MAINTENANCE: the documented words, as plain text (the body's format is assumed). */
export const MAINTENANCE = 'Tenant is in Maintenance Mode - Upgrade in progress';

/** docs/partners.md I-RATE-LIMIT: a used-up window, with no Retry-After (none is documented). */
export function quotaUsedUp(): Handler {
  return faults.json(429, { Message: 'Too many requests.' }, { 'x-request-quota-remaining': '0' });
}

/** The documented create answer: the only time the Client Secret is shown (docs/partners.md I-CREATE-200). */
export function createdApp(clientSecret: string = FAKE.inveniasClientSecret): Handler {
  return faults.json(201, {
    ClientId: CREATED_CLIENT_ID,
    ClientSecret: clientSecret,
    ExpiresOn: CREATED_EXPIRES_ON,
    IsEnabled: true,
    Name: 'Integration',
    FlowType: 'ResourceOwner',
    ReplyUrl: 'https://acme.cyclr.com/connector/callback',
  });
}

const RENEW_PATH = /^\/api\/v1\/thirdpartyapplications\/[^/]+\/renew$/;

export interface InveniasFaultServer extends TestServer {
  creates(): RecordedRequest[];
  renews(): RecordedRequest[];
  tokens(): RecordedRequest[];
  apiCalls(): RecordedRequest[];
}

function pathOf(request: RecordedRequest): string {
  return new URL(request.url, 'https://stand-in').pathname;
}

/** Starts the origin; `create` and `token` default to the documented, working answers. */
export async function startInveniasFaults(
  routes: { create?: Handler; token?: Handler; renew?: Handler; countries?: Handler } = {},
  kind: CertificateKind = 'trusted',
): Promise<InveniasFaultServer> {
  const create = routes.create ?? createdApp();
  const token = routes.token ?? faults.token();
  const renew = routes.renew ?? createdApp();
  const apiCall = routes.countries ?? countries();
  const server = await startFaultServer((request, response, raw) => {
    const path = pathOf(request);
    if (request.method === 'POST' && path === TOKEN_PATH) return token(request, response, raw);
    if (request.method === 'GET' && path === COUNTRIES_PATH) return apiCall(request, response, raw);
    if (request.method === 'POST' && path === CREATE_PATH) return create(request, response, raw);
    if (request.method === 'POST' && RENEW_PATH.test(path)) return renew(request, response, raw);
    return sendJson(response, 404, { Message: 'No HTTP resource was found that matches the request URI.' });
  }, kind);
  return {
    ...server,
    creates: () => server.requests.filter((request) => pathOf(request) === CREATE_PATH),
    renews: () => server.requests.filter((request) => RENEW_PATH.test(pathOf(request))),
    tokens: () => server.requests.filter((request) => pathOf(request) === TOKEN_PATH),
    apiCalls: () => server.requests.filter((request) => pathOf(request) === COUNTRIES_PATH),
  };
}
