// Token requests as RFC 6749 describes them, shared by every connector: a form POST, and an answer that
// is a token, an OAuth error, or something the connector has to diagnose from its status.
import { UnreachableError } from './errors.js';
import { type HttpClient, type HttpResponse, parseJson } from './http.js';
import type { Redactor } from './redact.js';

export type TokenAnswer =
  | { kind: 'token'; accessToken: string; tokenType: string; expiresIn: number | undefined; ms: number }
  | { kind: 'oauth_error'; status: number; error: string; description: string; ms: number }
  | { kind: 'http_error'; status: number; body: unknown; ms: number };

export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  /** See HttpRequest.rateLimitWindowMs. */
  rateLimitWindowMs?: number;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A server's words, made safe to print: control characters (terminal escapes, line breaks) become spaces. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** Reads a token endpoint's answer without trusting its shape. */
function readTokenAnswer(response: HttpResponse, redactor: Redactor): TokenAnswer {
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
    const said = (text: string, limit: number): string => printable(redactor.redact(text)).slice(0, limit);
    return { kind: 'oauth_error', status, error: said(error, 100), description: said(description, 500), ms };
  }
  return { kind: 'http_error', status, body, ms };
}

export async function requestToken(http: HttpClient, request: TokenRequest, redactor: Redactor): Promise<TokenAnswer> {
  const response = await http.send({
    method: 'POST',
    url: request.url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(request.form).toString(),
    retry: 'safe',
    ...(request.rateLimitWindowMs === undefined ? {} : { rateLimitWindowMs: request.rateLimitWindowMs }),
  });
  return readTokenAnswer(response, redactor);
}
