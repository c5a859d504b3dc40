// The network-error taxonomy: every way a request can fail before the service's own answer is read, as one
// UnreachableError with a stable code (unreachable, timeout, tls_error, redirected, server_error, bad_response,
// rate_limited), a message naming the host and a hint naming the fix.
import { UnreachableError } from '../errors.js';

const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** A moment as people read it in a message: 14:05:09 UTC. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

export function describeHost(url: string): string {
  return new URL(url).host;
}

/** ECONNRESET, UND_ERR_SOCKET, ERR_TLS_CERT_ALTNAME_INVALID ... */
const ERROR_CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,47}$/;
/** TimeoutError, AbortError ... */
const ERROR_NAME_SHAPE = /^[A-Za-z]{2,48}$/;

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    // Only identifier-shaped codes are kept: they are shown to the user, so nothing free-form gets through.
    if (typeof code === 'string' && ERROR_CODE_SHAPE.test(code)) codes.push(code);
    if (typeof name === 'string' && ERROR_NAME_SHAPE.test(name)) codes.push(name);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** The proxy a request went through: the variable that named it, and its host:port (never its credentials). */
export interface ProxyInUse {
  variable: string;
  /** As shown: `proxy.example:3128`, `[::1]:3128`. */
  hostPort: string;
  /** As a failed connection names it: the host without brackets, the port as a number. */
  host: string;
  port: number;
}

/** The proxy's own host:port, from the variable's URL; undefined when the URL cannot be read. */
export function proxyInUse(variable: string, url: string): ProxyInUse | undefined {
  try {
    const parsed = new URL(url.includes('://') ? url : `http://${url}`);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return { variable, hostPort: `${parsed.hostname}:${port}`, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(port) };
  } catch {
    return undefined;
  }
}

/**
 * Where a refused or unresolved connection was going (node's `address`/`port`, or the `hostname` it looked up),
 * to tell a dead proxy from a dead service.
 */
function failedPeer(error: unknown): { address?: string; port?: number; hostname?: string } {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const { address, port, hostname } = current as { address?: unknown; port?: unknown; hostname?: unknown };
    if (typeof address === 'string' || typeof hostname === 'string') {
      return {
        address: typeof address === 'string' ? address : undefined,
        port: typeof port === 'number' ? port : undefined,
        hostname: typeof hostname === 'string' ? hostname : undefined,
      };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return {};
}

/** The connection that failed was the one to the proxy, not one through it. */
function atTheProxy(error: unknown, proxy: ProxyInUse): boolean {
  const peer = failedPeer(error);
  if (peer.hostname !== undefined) return peer.hostname === proxy.host;
  return peer.address === proxy.host && (peer.port === undefined || peer.port === proxy.port);
}

/** The status a proxy gave to CONNECT (undici: "Proxy response (502) !== 200 when HTTP Tunneling"); only its digits are kept. */
function proxyRefusal(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const { message } = current as { message?: unknown };
    const match = typeof message === 'string' ? /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message) : null;
    if (match) return Number(match[1]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns whatever the socket, TLS or undici threw into one of our errors. undici messages can echo
 * request details, so they are never passed through: only their codes are read.
 */
export function describeNetworkError(error: unknown, url: string, timeoutMs: number, proxy?: ProxyInUse): UnreachableError {
  const host = describeHost(url);
  const codes = errorCodes(error);
  const has = (...wanted: string[]): boolean => wanted.some((code) => codes.includes(code));
  // A dead or misspelt proxy is the proxy's fault: naming the service instead sends the user to the wrong place.
  if (has('ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EHOSTUNREACH', 'ENETUNREACH') && proxy && atTheProxy(error, proxy)) {
    const refused = has('ECONNREFUSED');
    return new UnreachableError(
      'unreachable',
      `The proxy in ${proxy.variable} (${proxy.hostPort}) ${refused ? 'refused the connection: nothing is listening there' : 'could not be reached'}; nothing was sent to ${host}.`,
      `Start the proxy, correct ${proxy.variable}, or unset it if this network needs no proxy.`,
      false,
    );
  }
  const tlsCode = codes.find((code) => TLS_ERROR_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
  if (tlsCode) {
    return new UnreachableError(
      'tls_error',
      `The certificate of ${host} could not be verified (${tlsCode}); nothing was sent.`,
      'If the server uses a private certificate authority, set NODE_EXTRA_CA_CERTS to its PEM file. Verification cannot be turned off.',
      false,
    );
  }
  if (has('TimeoutError', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    return new UnreachableError(
      'timeout',
      `${host} did not answer within ${Number((timeoutMs / 1000).toFixed(3))} s.`,
      'Check the host name and your network, or allow longer with --timeout SECONDS.',
    );
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    return new UnreachableError(
      'unreachable',
      `The host name ${host.replace(/:\d+$/, '')} could not be resolved (DNS).`,
      'Check the spelling of the domain and your network or proxy settings.',
      false,
    );
  }
  if (has('ECONNREFUSED')) {
    return new UnreachableError('unreachable', `Nothing is listening at ${host} (connection refused).`, 'Check the host name and port.', false);
  }
  if (has('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return new UnreachableError('bad_response', `${host} sent an answer larger than expected; it was not read.`, '');
  }
  if (has('HTTPParserError', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') || codes.some((code) => code.startsWith('HPE_'))) {
    return new UnreachableError(
      'bad_response',
      `${host} answered with something that is not valid HTTP.`,
      'Check the domain and port: something other than the service is answering there.',
    );
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH')) {
    return new UnreachableError(
      'unreachable',
      `The connection to ${host} was lost before an answer arrived.`,
      'Check your network, proxy (HTTPS_PROXY) and firewall, then try again.',
    );
  }
  // undici says a proxy's CONNECT status only in its message; should that wording change, an aborted request we did
  // not abort, through a proxy, is still the proxy's refusal, named without its status.
  const proxyStatus = proxyRefusal(error) ?? (proxy && has('UND_ERR_ABORTED') ? 0 : undefined);
  if (proxyStatus !== undefined) {
    return new UnreachableError(
      'unreachable',
      `The proxy (HTTPS_PROXY) would not open a connection to ${host}${proxyStatus ? `: it answered ${proxyStatus}` : ''}.`,
      proxyStatus === 407
        ? 'The proxy wants credentials: give them in HTTPS_PROXY (http://user:password@proxy:port).'
        : `Ask for ${host.replace(/:\d+$/, '')} to be allowed through the proxy, or list it in NO_PROXY if it needs no proxy.`,
      false,
    );
  }
  const shown = codes.find((code) => !/Error$/.test(code));
  return new UnreachableError(
    'unreachable',
    `Could not reach ${host}${shown ? ` (${shown})` : ''}.`,
    'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY).',
  );
}

/** A redirect is never followed: credentials must not leave for another host. */
export function redirected(host: string, status: number, location: string | undefined, base: string): UnreachableError {
  const where = location ? safeOrigin(location, base) : 'elsewhere';
  return new UnreachableError(
    'redirected',
    `${host} answered with a redirect (${status}) to ${where}; it was not followed, so no credentials left for another host.`,
    'Check the domain: use the host the service really answers on.',
  );
}

/** A 5xx, answered once (not retried) or `attempts` times. */
/** `words`: what the server said, from serverWords (redacted, then cut). */
export function serverError(host: string, status: number, words: string | undefined, attempts?: number): UnreachableError {
  const times = attempts === undefined ? '' : ` ${attempts} time(s)`;
  return new UnreachableError('server_error', `${host} answered ${status} (a server error)${times}.${words === undefined ? '' : ` It said: "${words}"`}`, 'The service has a problem; try again later.');
}

/** 429 after every attempt allowed; `retryAfterMs`: the wait the server asked for, if it said. */
export function rateLimited(host: string, attempts: number, retryAfterMs: number | undefined): UnreachableError {
  const wait = retryAfterMs === undefined ? '' : ` It asked to wait ${Math.ceil(retryAfterMs / 1000)} s.`;
  return new UnreachableError(
    'rate_limited',
    `${host} answered 429 Too Many Requests ${attempts} time(s).${wait}`,
    'Wait a few minutes before trying again; repeated attempts can get the account disabled.',
  );
}

/** A 429 from a fixed-window limit: `windowOnly` when the server gave no Retry-After and the window length is all we know. */
export function rateLimitWindowUsed(host: string, forMs: number, until: number, windowOnly: boolean): UnreachableError {
  const when = windowOnly
    ? `Its limit counts calls in fixed ${Math.round(forMs / 60_000)}-minute windows, so it resets within ${Math.round(forMs / 60_000)} minutes, by ${clockTime(until)} at the latest.`
    : `It asked to wait ${Math.ceil(forMs / 1000)} s, until ${clockTime(until)}.`;
  return new UnreachableError(
    'rate_limited',
    `${host} answered 429 Too Many Requests; not retried now. ${when}`,
    `Try again after ${clockTime(until)}. Retrying sooner only counts against the limit, and many refused calls can get the account disabled.`,
  );
}

/** A request not sent because its host's fixed-window limit was used up earlier in the run. */
export function stillHeldBack(host: string, heldUntil: number): UnreachableError {
  return new UnreachableError(
    'rate_limited',
    `Not sent: ${host} refused a request with 429 Too Many Requests earlier in this run, and its limit resets by ${clockTime(heldUntil)} at the latest.`,
    `Try again after ${clockTime(heldUntil)}; calls before then only count against the limit.`,
  );
}

/** A call not sent because the host's published quota has no call left in its window (said by the server, or used by this run). */
export function quotaUsedUp(host: string, until: number, saidByServer: boolean, header: string | undefined): UnreachableError {
  const why = saidByServer ? `${host} said no calls are left in its rate-limit window${header ? ` (${header})` : ''}` : `this run made every call ${host} allows in its rate-limit window`;
  return new UnreachableError(
    'rate_limited',
    `Not sent: ${why}; the window resets by ${clockTime(until)} at the latest.`,
    `Try again after ${clockTime(until)}; calls before then would be refused, and many refused calls can get the account disabled.`,
  );
}

export function tooLarge(host: string, limit: number): UnreachableError {
  return new UnreachableError(
    'bad_response',
    `${host} sent an answer larger than ${Math.round(limit / 1024)} KiB; it was not read.`,
    'This is not what the service normally answers: check the domain.',
  );
}

/** Only the origin of a Location header is shown: its path or query could carry anything. */
function safeOrigin(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable location';
  }
}
