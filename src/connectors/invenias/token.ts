// The check Cyclr depends on: a resource-owner password grant at /identity/connect/token, sent as Cyclr sends
// it, and a diagnosis naming the fix when Invenias says no.
import type { Values } from '../../core/connector.js';
import { type CliError, RejectedError } from '../../core/errors.js';
import { type TokenRefusal, type TokenRequest, partnerSaid } from '../../core/oauth.js';
import { assessExpiry } from '../../core/verification.js';
import { originOf } from './fields.js';
import { HINTS } from './guide.js';

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
  return { checkName: 'Token request (password grant, as Cyclr sends it)', url: tokenUrl(credentials.origin), form: tokenForm(credentials) };
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

/** Invenias' answer to a refused token request: core's reading (`generic`), refined with Invenias' hints. */
export function diagnose(answer: TokenRefusal, generic: CliError, expiresOn?: string | null): CliError {
  if (answer.kind === 'oauth_error') {
    const said = partnerSaid('Invenias', answer);
    switch (answer.error) {
      case 'invalid_grant':
        return new RejectedError('invalid_grant', `Invenias rejected the Username or Password.${said}`, HINTS.invalidGrant);
      case 'invalid_client': {
        const expired = assessExpiry(expiresOn, HINTS.appExpired).error;
        if (expired?.code === 'app_expired') return new RejectedError(expired.code, `${expired.message}${said}`, expired.hint);
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
        // The code is ours (core's reading), never the server's.
        return new RejectedError(generic.code, generic.message, HINTS.invalidClient);
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
