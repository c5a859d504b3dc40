// The check Cyclr depends on: a client-credentials token request sent exactly as Cyclr sends it
// (Client Secret Post), and a diagnosis naming the console setting when PingOne says no.
import type { StepContext, Values } from '../../core/run/connector.js';
import { type CliError, RejectedError } from '../../core/errors.js';
import { type TokenRefusal, type TokenRequest, errorCodeShown } from '../../core/net/oauth.js';
import { joinHints } from '../../core/hint.js';
import { findOtherRegion, lookUp, regionOf } from './discovery.js';
import { HINTS, otherRegionHint } from './guide.js';

export interface PingOneCredentials {
  clientId: string;
  clientSecret: string;
  authDomain: string;
  environmentId: string;
}

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

/** The environment answers in another region: the Auth Domain that holds it, so the wizard can offer to use it. */
export class InOtherRegion extends RejectedError {
  constructor(
    message: string,
    readonly authDomain: string,
  ) {
    super('environment_in_other_region', message, otherRegionHint(authDomain));
  }
}

/** PingOne's answer to a refused token request, as one of our errors. */
export function diagnose(answer: TokenRefusal, credentials: PingOneCredentials): CliError {
  if (answer.kind === 'oauth_error') {
    const said = answer.description ? ` PingOne said: "${answer.description}"` : '';
    // P-TOKEN-NO-ROLES: the error code that comes with it is unconfirmed, so the wording decides.
    if (/role assignment/i.test(answer.description)) {
      return new RejectedError('no_roles', `The Worker application has no roles.${said}`, HINTS.noRoles);
    }
    switch (answer.error) {
      case 'invalid_client':
        // P-TOKEN-401-AUTH-METHOD
        if (/authentication method/i.test(answer.description)) {
          return new RejectedError('wrong_auth_method', `The application does not accept Client Secret Post.${said}`, HINTS.wrongAuthMethod);
        }
        if (/disabled/i.test(answer.description)) {
          return new RejectedError('app_disabled', `The application is disabled.${said}`, HINTS.appDisabled);
        }
        // P-TOKEN-401-INVALID-CLIENT, and also P-TOKEN-401-UNKNOWN-ENV: verifyCredentials asks where the environment is.
        return new RejectedError('invalid_client', `PingOne rejected the Client ID or Client Secret.${said}`, HINTS.invalidClient);
      case 'unauthorized_client':
      case 'unsupported_grant_type':
        return new RejectedError('unauthorized_client', `The application may not use the Client Credentials grant.${said}`, HINTS.unauthorizedClient);
      case 'access_denied':
        return new RejectedError('access_denied', `PingOne denied the request.${said}`, HINTS.noRoles);
      default:
        // A stable, documented code; PingOne's own error stays in the message (as text, never as a code).
        return new RejectedError('rejected', `PingOne refused the token request${errorCodeShown(answer.error)}.${said}`, HINTS.invalidClient);
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
 * What PingOne said at the token URL, kept for a diagnosis that replaces the first one: it ends with the
 * Correlation ID Ping support asks for (docs/partners.md P-TOKEN-CORRELATION).
 */
function pingoneSaid(refusal: CliError): string {
  const quoted = /PingOne said: ".*"$/s.exec(refusal.message)?.[0];
  return quoted ? ` ${quoted}` : '';
}

/**
 * After a refusal that may mean "no such environment here", asks the public discovery documents where the
 * environment is: on the chosen domain first, then (for a regional domain) all other regions at once.
 */
async function locate(context: Pick<StepContext, 'http' | 'check'>, credentials: PingOneCredentials, refusal: CliError): Promise<CliError> {
  const { authDomain, environmentId } = credentials;
  const home = await context.check(`Looking for the environment at ${authDomain}`, () => lookUp(context.http, authDomain, environmentId), (answer) => answer.kind === 'here');
  if (home.kind === 'here') return refusal;
  const homeRegion = regionOf(authDomain);
  const said = pingoneSaid(refusal);
  if (homeRegion) {
    const found = await context.check(
      'Looking for the environment in the other regions',
      () => findOtherRegion(context.http, authDomain, environmentId),
      (region) => region !== undefined,
    );
    if (found) {
      return new InOtherRegion(
        `Environment ${environmentId} is not in ${homeRegion.region} (${authDomain}): it is in ${found.region}, at ${found.authDomain}.${said}`,
        found.authDomain,
      );
    }
  }
  if (home.kind === 'unknown') {
    // Nothing says the environment is missing, and nothing says it is there: both suspects are named.
    return new RejectedError(
      refusal.code,
      `PingOne refused the token request, and whether environment ${environmentId} is at ${authDomain} could not be checked (${home.why.replace(/\.$/, '')}).${said}`,
      joinHints(HINTS.environmentNotFound, ' Then: ', HINTS.invalidClient),
    );
  }
  const where = homeRegion ? `in any PingOne region (${authDomain} and the five others were asked)` : `at ${authDomain}: ${home.why}`;
  return new RejectedError(
    'environment_not_found',
    `No environment ${environmentId} was found ${where}.${said}`,
    homeRegion ? HINTS.environmentNotFound : HINTS.environmentNotAtCustomDomain,
  );
}

/**
 * PingOne's refusal, diagnosed. A refusal that may mean "no such environment here" is followed by the public
 * discovery look-ups; success never costs more than the one token request.
 */
export async function diagnoseRefusal(context: Pick<StepContext, 'http' | 'check'>, refusal: TokenRefusal, values: Values): Promise<CliError> {
  const credentials = credentialsOf(values);
  const error = diagnose(refusal, credentials);
  if (!['invalid_client', 'environment_not_found'].includes(error.code)) return error;
  return locate(context, credentials, error);
}
