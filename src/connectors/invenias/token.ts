// The check Cyclr depends on: a resource-owner password grant at /identity/connect/token, sent as Cyclr sends
// it, and a diagnosis naming the fix when Invenias says no.
import type { StepContext, Values } from '../../core/run/connector.js';
import { type CliError, RejectedError } from '../../core/errors.js';
import type { Redaction } from '../../core/redact.js';
import { serverWords } from '../../core/net/server-words.js';
import { type TokenAnswer, type TokenRefusal, type TokenRequest, errorCodeShown, partnerSaid } from '../../core/net/oauth.js';
import { assessExpiry } from '../../core/run/verification.js';
import { originOf } from './fields.js';
import { HINTS } from './guide.js';
import { API_QUOTA, RATE_LIMIT_WINDOW_MS, noteQuota } from './limits.js';

export interface InveniasCredentials {
  origin: string;
  subdomain: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

const SCOPE = 'openid profile api email';

export function tokenUrl(origin: string): string {
  return `${origin}/identity/connect/token`;
}

export function credentialsOf(values: Values): InveniasCredentials {
  const { subdomain = '', clientId = '', clientSecret = '', username = '', password = '', baseUrl } = values;
  return { origin: originOf({ subdomain, baseUrl }), subdomain, clientId, clientSecret, username, password };
}

/** As Cyclr sends it: the password grant, the client's credentials in the form. */
export function tokenRequest(values: Values): TokenRequest & { checkName: string } {
  const credentials = credentialsOf(values);
  return {
    checkName: 'Token request (password grant, as Cyclr sends it)',
    url: tokenUrl(credentials.origin),
    form: tokenForm(credentials),
    rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
  };
}

/** The cheapest documented API call (I-COUNTRIES-REQ): it proves Invenias accepts this user's calls, not only its password. */
function apiCheckUrl(origin: string): string {
  return `${origin}/api/v1/countries`;
}

function tokenForm(credentials: InveniasCredentials): Record<string, string> {
  return {
    grant_type: 'password',
    username: credentials.username,
    password: credentials.password,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: SCOPE,
    subdomain: credentials.subdomain,
  };
}

/** Invenias' answer to a refused token request, as one of our errors (the code is ours, never the server's). */
export function diagnose(answer: TokenRefusal, expiry?: { expiresOn: string | null; now: number }): CliError {
  if (answer.kind === 'oauth_error') {
    const said = partnerSaid('Invenias', answer);
    switch (answer.error) {
      case 'invalid_grant':
        return new RejectedError('invalid_grant', `Invenias rejected the Username or Password.${said}`, HINTS.invalidGrant);
      case 'invalid_client': {
        const expired = expiry && assessExpiry(expiry.expiresOn, HINTS.appExpired, { now: expiry.now }).error;
        if (expired?.code === 'app_expired') return new RejectedError(expired.code, `${expired.message}${said}`, expired.advice);
        return new RejectedError(
          'invalid_client',
          `Invenias rejected the Client ID or Client Secret, or the application expired or is disabled.${said}`,
          HINTS.invalidClient,
        );
      }
      case 'unauthorized_client':
      case 'unsupported_grant_type':
        return new RejectedError('unauthorized_client', `The application may not use the password grant (it is not a ResourceOwner application).${said}`, HINTS.unauthorizedClient);
      default:
        // Our stable code; Invenias' own error stays in the message (codes come from our diagnosis, never the server).
        return new RejectedError('rejected', `Invenias refused the token request${errorCodeShown(answer.error)}.${said}`, HINTS.invalidClient);
    }
  }
  if (answer.status === 404) {
    return new RejectedError('not_found', 'Invenias answered 404: there is no token endpoint at this address.', HINTS.notFound);
  }
  if (answer.status === 401) {
    return new RejectedError('invalid_client', 'Invenias refused the token request (HTTP 401).', HINTS.invalidClient);
  }
  return new RejectedError('rejected', `Invenias answered HTTP ${answer.status} to the token request.`, HINTS.notFound);
}

/**
 * The API's answer to a call made with a fresh token. A token is issued to any enabled user with the right
 * password, but calls are refused when the user is not licensed, not enabled or not a System Administrator
 * (I-API-401-UNLICENSED): Cyclr's calls would all fail the same way.
 */
export function diagnoseApiCall(status: number, text: string, redactor: Redaction): CliError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const words = serverWords(text, redactor);
  const said = words === undefined ? '' : ` Invenias said: "${words}"`;
  if (status === 401 || status === 403) {
    return new RejectedError(
      'user_not_licensed',
      `Invenias issued a token, but refused an API call made with it (GET /api/v1/countries answered ${status}): the user is not licensed, not enabled or not in the System Administrator permission group.${said}`,
      HINTS.userNotLicensed,
    );
  }
  return new RejectedError('rejected', `Invenias issued a token, but answered ${status} to GET /api/v1/countries.${said}`, HINTS.notFound);
}

/** After the token: one API call with it, as Cyclr's calls will be made (a token alone does not prove they are accepted). */
export async function checkApiCall(
  context: Pick<StepContext, 'http' | 'redactor' | 'check' | 'warn'>,
  values: Values,
  token: Extract<TokenAnswer, { kind: 'token' }>,
): Promise<void> {
  const credentials = credentialsOf(values);
  await context.check('API call with the token (GET /api/v1/countries, as Cyclr calls the API)', async () => {
    const response = await context.http.send({
      method: 'GET',
      url: apiCheckUrl(credentials.origin),
      headers: { authorization: `${token.tokenType} ${token.accessToken}`, accept: 'application/json' },
      retry: 'safe',
      rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
      quota: API_QUOTA,
    });
    noteQuota(context.warn, response.headers);
    const refused = diagnoseApiCall(response.status, response.text, context.redactor);
    if (refused) throw refused;
  });
}
