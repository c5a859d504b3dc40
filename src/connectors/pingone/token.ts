// The check Cyclr depends on: a client-credentials token request sent exactly as Cyclr sends it
// (Client Secret Post), and a diagnosis naming the console setting when PingOne says no.
import type { StepContext, Values } from '../../core/connector.js';
import { type CliError, RejectedError } from '../../core/errors.js';
import { type HttpClient, parseJson } from '../../core/http.js';
import type { TokenRefusal, TokenRequest } from '../../core/oauth.js';
import { REGIONS } from './fields.js';
import { HINTS } from './guide.js';

export interface PingOneCredentials {
  clientId: string;
  clientSecret: string;
  authDomain: string;
  environmentId: string;
}

const REGION_LOOKUP_TIMEOUT_MS = 5000;

export function tokenUrl(authDomain: string, environmentId: string): string {
  return `https://${authDomain}/${environmentId}/as/token`;
}

export function credentialsOf(values: Values): PingOneCredentials {
  const { clientId = '', clientSecret = '', authDomain = '', environmentId = '' } = values;
  return { clientId, clientSecret, authDomain, environmentId };
}

/** As Cyclr sends it: Client Secret Post. */
export function tokenRequest(values: Values): TokenRequest & { checkName: string } {
  const credentials = credentialsOf(values);
  return {
    checkName: 'Token request (client credentials, Client Secret Post)',
    url: tokenUrl(credentials.authDomain, credentials.environmentId),
    form: { grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret },
  };
}

/** PingOne's answer to a refused token request, as one of our errors. */
export function diagnose(answer: TokenRefusal, credentials: PingOneCredentials): CliError {
  if (answer.kind === 'oauth_error') {
    const said = answer.description ? ` PingOne said: "${answer.description}"` : '';
    switch (answer.error) {
      case 'invalid_client':
        if (/authentication method/i.test(answer.description)) {
          return new RejectedError('wrong_auth_method', `The application does not accept Client Secret Post.${said}`, HINTS.wrongAuthMethod);
        }
        if (/disabled/i.test(answer.description)) {
          return new RejectedError('app_disabled', `The application is disabled.${said}`, HINTS.appDisabled);
        }
        return new RejectedError('invalid_client', `PingOne rejected the Client ID or Client Secret.${said}`, HINTS.invalidClient);
      case 'unauthorized_client':
      case 'unsupported_grant_type':
        return new RejectedError('unauthorized_client', `The application may not use the Client Credentials grant.${said}`, HINTS.unauthorizedClient);
      case 'access_denied':
        if (/role/i.test(answer.description)) {
          return new RejectedError('no_roles', `The Worker application has no roles.${said}`, HINTS.noRoles);
        }
        return new RejectedError('access_denied', `PingOne denied the request.${said}`, HINTS.noRoles);
      default:
        // A stable, documented code; PingOne's own error stays in the message (as text, never as a code).
        return new RejectedError('rejected', `PingOne refused the token request (${answer.error.slice(0, 80)}).${said}`, HINTS.invalidClient);
    }
  }
  if (answer.status === 404) {
    return new RejectedError(
      'environment_not_found',
      `No environment ${credentials.environmentId} answers at ${credentials.authDomain}.`,
      HINTS.environmentNotFound,
    );
  }
  if (answer.status === 401 || answer.status === 403) {
    return new RejectedError('invalid_client', `PingOne refused the token request (HTTP ${answer.status}).`, HINTS.invalidClient);
  }
  return new RejectedError('rejected', `PingOne answered HTTP ${answer.status} to the token request.`, HINTS.environmentNotFound);
}

/**
 * After a 404 on a regional domain, asks the other regions' discovery documents at once: an environment
 * lives in exactly one region, and saying which one is the whole fix.
 */
async function findEnvironmentRegion(http: HttpClient, credentials: PingOneCredentials): Promise<string | undefined> {
  const others = REGIONS.filter((region) => region.authDomain !== credentials.authDomain);
  const lookups = others.map(async ({ authDomain }) => {
    const response = await http.send({
      method: 'GET',
      url: `https://${authDomain}/${credentials.environmentId}/as/.well-known/openid-configuration`,
      retry: 'safe',
      timeoutMs: REGION_LOOKUP_TIMEOUT_MS,
    });
    const document = parseJson(response.text) as { issuer?: unknown } | undefined;
    if (response.status !== 200 || typeof document?.issuer !== 'string') throw new Error('not here');
    return authDomain;
  });
  try {
    return await Promise.any(lookups);
  } catch {
    return undefined;
  }
}

/** PingOne's refusal, diagnosed; an environment it does not know is looked for in the other regions. */
export async function diagnoseRefusal(context: Pick<StepContext, 'http' | 'check'>, refusal: TokenRefusal, values: Values): Promise<CliError> {
  const credentials = credentialsOf(values);
  const error = diagnose(refusal, credentials);
  if (error.code !== 'environment_not_found') return error;
  if (!REGIONS.some((region) => region.authDomain === credentials.authDomain)) return error;
  const found = await context.check('Looking for the environment in the other regions', () => findEnvironmentRegion(context.http, credentials));
  if (!found) return error;
  const region = REGIONS.find((entry) => entry.authDomain === found)?.region ?? found;
  return new RejectedError(
    'environment_not_found',
    `Environment ${credentials.environmentId} is not in ${credentials.authDomain}; it lives in ${region} (${found}).`,
    `Use Auth Domain ${found} (--auth-domain ${found}).`,
  );
}
