// Token requests as RFC 6749 describes them, shared by every connector: a form POST (client_secret_post) or
// HTTP Basic client authentication (client_secret_basic), an answer that is a token, an OAuth error, or a bare
// status, and the generic diagnosis of a refusal that each connector refines.
import { type CliError, RejectedError, UnreachableError } from '../errors.js';
import { asRecord, parseJson } from '../json.js';
import type { Http, HttpResponse } from './http.js';
import type { Redaction } from '../redact.js';

export type TokenAnswer =
  /** `accessToken` is registered with the redactor; it is only ever sent back to the partner that issued it. */
  | { kind: 'token'; accessToken: string; tokenType: string; expiresIn: number | undefined; ms: number }
  /** `error` is '' when the server's was not an error code. */
  | { kind: 'oauth_error'; status: number; error: string; description: string; headers: Record<string, string>; ms: number }
  | { kind: 'http_error'; status: number; body: unknown; headers: Record<string, string>; ms: number };

export type TokenRefusal = Exclude<TokenAnswer, { kind: 'token' }>;

export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  /** RFC 6749 2.3.1: the client's credentials in an Authorization header instead of the form. */
  basicAuth?: { clientId: string; clientSecret: string };
  /** See HttpRequest.rateLimitWindowMs. */
  rateLimitWindowMs?: number;
}

/**
 * RFC 6749 5.2 error codes are short lower-case words (`invalid_client`); anything else in `error` (a sentence, a
 * secret, an escape sequence) is not a code and is never repeated.
 */
const OAUTH_ERROR_CODE = /^[a-z][a-z0-9_]{1,63}$/;

/** Reads a token endpoint's answer without trusting its shape. */
function readTokenAnswer(response: HttpResponse, redactor: Redaction): TokenAnswer {
  const body = asRecord(parseJson(response.text));
  const { ms, status } = response;
  if (status === 200) {
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new UnreachableError(
        'bad_response',
        `The token endpoint answered 200 but without an access token${body ? '' : ' (not JSON)'}.`,
        'The URL may point at a web page or proxy rather than the token endpoint: check the domain.',
      );
    }
    // The token never reaches output, but register it in case a server echoes it somewhere.
    redactor.add(accessToken);
    const expiresIn = typeof body?.expires_in === 'number' ? body.expires_in : undefined;
    const tokenType = typeof body?.token_type === 'string' ? body.token_type : 'Bearer';
    return { kind: 'token', accessToken, tokenType, expiresIn, ms };
  }
  const error = body?.error;
  if (typeof error === 'string' && status >= 400 && status < 500) {
    const description = typeof body?.error_description === 'string' ? body.error_description : '';
    // Redacted before it is cut short: a secret echoed across the cut would otherwise survive as a fragment.
    const code = OAUTH_ERROR_CODE.test(error) && redactor.redact(error) === error ? error : '';
    return { kind: 'oauth_error', status, error: code, description: redactor.quote(description, 500), headers: response.headers, ms };
  }
  return { kind: 'http_error', status, body, headers: response.headers, ms };
}

/** RFC 6749 2.3.1: each part form-encoded, then `id:secret` in base64. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}

export async function requestToken(http: Http, request: TokenRequest, redactor: Redaction): Promise<TokenAnswer> {
  const basic = request.basicAuth ? basicCredentials(request.basicAuth.clientId, request.basicAuth.clientSecret) : undefined;
  redactor.add(basic);
  const response = await http.send({
    method: 'POST',
    url: request.url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...(basic ? { authorization: `Basic ${basic}` } : {}),
    },
    body: new URLSearchParams(request.form).toString(),
    retry: 'safe',
    ...(request.rateLimitWindowMs === undefined ? {} : { rateLimitWindowMs: request.rateLimitWindowMs }),
  });
  return readTokenAnswer(response, redactor);
}

/** ` (the_code)` for a message, or nothing when the server's `error` was not a code. */
export function errorCodeShown(error: string): string {
  return error === '' ? '' : ` (${error})`;
}

/** What a partner's own words add to a message: `Invenias said: "..."`. */
export function partnerSaid(partner: string, refusal: TokenRefusal): string {
  return refusal.kind === 'oauth_error' && refusal.description ? ` ${partner} said: "${refusal.description}"` : '';
}

/**
 * RFC 6749 5.2, read the same way for every partner; a connector refines it with its own hints. The code is always
 * one of ours: a server's `error` is shown as text, never passed on as a code.
 */
export function diagnoseRefusal(partner: string, refusal: TokenRefusal): CliError {
  const said = partnerSaid(partner, refusal);
  if (refusal.kind === 'oauth_error') {
    switch (refusal.error) {
      case 'invalid_client':
        return new RejectedError('invalid_client', `${partner} rejected the Client ID or Client Secret.${said}`, 'Copy the Client ID and Client Secret again.');
      case 'invalid_grant':
        return new RejectedError('invalid_grant', `${partner} rejected the grant (for a password grant: the Username or Password).${said}`, 'Check the user\'s credentials.');
      case 'unauthorized_client':
      case 'unsupported_grant_type':
        return new RejectedError('unauthorized_client', `The application may not use this grant type.${said}`, 'Allow the grant type in the application\'s settings.');
      case 'invalid_scope':
        return new RejectedError('invalid_scope', `${partner} refused the requested scope.${said}`, 'Allow the scope in the application\'s settings.');
      case 'access_denied':
        return new RejectedError('access_denied', `${partner} denied the request.${said}`, 'Check the application\'s permissions.');
      default:
        return new RejectedError('rejected', `${partner} refused the token request${errorCodeShown(refusal.error)}.${said}`, 'Check the application\'s settings.');
    }
  }
  if (refusal.status === 401 || refusal.status === 403) {
    return new RejectedError('invalid_client', `${partner} refused the token request (HTTP ${refusal.status}).`, 'Copy the Client ID and Client Secret again.');
  }
  if (refusal.status === 404) {
    return new RejectedError('not_found', `${partner} answered 404: there is no token endpoint at this address.`, 'Check the address.');
  }
  return new RejectedError('rejected', `${partner} answered HTTP ${refusal.status} to the token request.`, 'Check the address.');
}
