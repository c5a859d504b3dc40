// The one way this tool talks to a network: undici with a shared keep-alive agent, a timeout per request,
// bounded retries that honour Retry-After, no redirects, a capped body, and errors a person can read.
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import { InterruptedError, UnreachableError } from '../errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ATTEMPTS = 3;
/** A Retry-After longer than this is not waited for: the run ends and says when to try again. */
const MAX_RETRY_AFTER_MS = 20_000;
const BACKOFF_MS = [500, 1000, 2000];
/** How much of a server's own words an error repeats. */
const MAX_SERVER_WORDS = 200;

/**
 * `safe`: retry after 429 and 502/503/504 (a token request changes nothing on the server).
 * `rate-limit-only`: retry only after 429, which guarantees nothing was done (creating an application).
 */
export type RetryPolicy = 'safe' | 'rate-limit-only';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  retry: RetryPolicy;
  /** Overrides the run's timeout, e.g. for quick look-ups made while diagnosing. */
  timeoutMs?: number;
  /**
   * The service counts calls in fixed windows of this length and documents no Retry-After (Invenias): a 429
   * without a short Retry-After ends the request at once, and this client asks that host nothing more until then.
   */
  rateLimitWindowMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Time of the last attempt, headers and body. */
  ms: number;
  attempts: number;
}

export interface HttpClientOptions {
  timeoutMs: number;
  /** Aborted on Ctrl+C: every request in flight stops and the run ends with exit 130. */
  signal: AbortSignal;
  maxBodyBytes?: number;
  /** Waits and the times they are measured against; the system's unless a test gives its own. */
  clock?: Clock;
  /** The run's environment, where the proxy variables are read. */
  env: NodeJS.ProcessEnv;
}

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

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What a server said in an error answer (a JSON message or plain text, never an HTML page), made safe to print
 * and cut short; undefined when it said nothing readable.
 */
export function serverWords(text: string): string | undefined {
  const body = parseJson(text);
  let said: unknown = typeof body === 'string' ? body : undefined;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const key = Object.keys(record).find((name) => ['message', 'error_description', 'title', 'detail', 'error'].includes(name.toLowerCase()) && typeof record[name] === 'string');
    said = key === undefined ? undefined : record[key];
  } else if (body === undefined && !/^\s*</.test(text)) {
    said = text;
  }
  if (typeof said !== 'string') return undefined;
  const flat = said.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length > MAX_SERVER_WORDS ? `${flat.slice(0, MAX_SERVER_WORDS)}…` : flat;
}

/** A moment as people read it in a message: 14:05:09 UTC. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The proxy settings of an environment, lower case first; an empty variable counts as unset ('' is "none"). */
function proxiesOf(env: NodeJS.ProcessEnv): { httpProxy: string; httpsProxy: string; noProxy: string } {
  return {
    httpProxy: env.http_proxy || env.HTTP_PROXY || '',
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || '',
    noProxy: env.no_proxy || env.NO_PROXY || '',
  };
}

function isProxied(env: NodeJS.ProcessEnv): boolean {
  const { httpProxy, httpsProxy } = proxiesOf(env);
  return Boolean(httpProxy || httpsProxy);
}

function describeHost(url: string): string {
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
export function describeNetworkError(error: unknown, url: string, timeoutMs: number, proxied = false): UnreachableError {
  const host = describeHost(url);
  const codes = errorCodes(error);
  const has = (...wanted: string[]): boolean => wanted.some((code) => codes.includes(code));
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
  const proxyStatus = proxyRefusal(error) ?? (proxied && has('UND_ERR_ABORTED') ? 0 : undefined);
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

export class HttpClient {
  private dispatcher: Promise<Dispatcher> | undefined;
  /**
   * After a 429, no request of this client starts before this time: a batch (verify --all) shares one
   * client, so one rate-limit answer pauses the whole batch instead of every request finding out alone.
   */
  private pausedUntil = 0;
  /** Hosts whose fixed rate-limit window is used up (see rateLimitWindowMs), and when it ends at the latest. */
  private readonly heldBack = new Map<string, number>();
  private readonly maxBodyBytes: number;
  private readonly clock: Clock;

  constructor(private readonly options: HttpClientOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.clock = options.clock ?? systemClock;
  }

  /** One agent per run, so every request (and `verify --all`) reuses keep-alive connections. */
  private getDispatcher(): Promise<Dispatcher> {
    const env = this.options.env;
    const proxied = isProxied(env);
    // Certificates are always verified: set explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn it off.
    const verified = { rejectUnauthorized: true };
    // undici is bundled on its own (dist/vendor/undici.js): commands that send nothing never read it.
    this.dispatcher ??= import('./undici-parts.js').then(({ createDispatcher }) =>
      createDispatcher(
        {
          connect: { timeout: this.options.timeoutMs, ...verified },
          keepAliveTimeout: 10_000,
          requestTls: verified,
          proxyTls: verified,
          // Given explicitly, so undici reads the run's environment rather than the process's.
          ...proxiesOf(env),
        },
        proxied,
      ),
    );
    return this.dispatcher;
  }

  /** The run's timeout for each request. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const host = describeHost(request.url);
    const heldUntil = this.heldBack.get(host) ?? 0;
    if (heldUntil > this.clock.now()) {
      throw new UnreachableError(
        'rate_limited',
        `Not sent: ${host} refused a request with 429 Too Many Requests earlier in this run, and its limit resets by ${clockTime(heldUntil)} at the latest.`,
        `Try again after ${clockTime(heldUntil)}; calls before then only count against the limit.`,
      );
    }
    let waitedUntil = 0;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.attempt(request, attempt, waitedUntil);
      const retryable = response.status === 429 || (request.retry === 'safe' && [502, 503, 504].includes(response.status));
      if (!retryable) {
        if (response.status >= 500) {
          throw new UnreachableError('server_error', `${host} answered ${response.status} (a server error).${said(response)}`, 'The service has a problem; try again later.');
        }
        return response;
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after'], this.clock.now());
      if (response.status === 429 && request.rateLimitWindowMs !== undefined && (retryAfter === undefined || retryAfter > MAX_RETRY_AFTER_MS)) {
        throw this.holdBack(host, retryAfter ?? request.rateLimitWindowMs, retryAfter === undefined);
      }
      if (attempt >= MAX_ATTEMPTS || (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS)) {
        if (response.status === 429) {
          if (retryAfter !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.min(retryAfter, MAX_RETRY_AFTER_MS));
          const wait = retryAfter === undefined ? '' : ` It asked to wait ${Math.ceil(retryAfter / 1000)} s.`;
          throw new UnreachableError(
            'rate_limited',
            `${host} answered 429 Too Many Requests ${attempt} time(s).${wait}`,
            'Wait a few minutes before trying again; repeated attempts can get the account disabled.',
          );
        }
        throw new UnreachableError(
          'server_error',
          `${host} answered ${response.status} (a server error) ${attempt} time(s).${said(response)}`,
          'The service has a problem; try again later.',
        );
      }
      // Retry-After is honoured, but never shorter than the backoff: `Retry-After: 0` must not become a tight loop.
      const delay = Math.max(retryAfter ?? 0, BACKOFF_MS[attempt - 1] ?? 2000);
      // A 429 also pauses every other request of this client (a batch shares one); a 5xx only this one.
      waitedUntil = this.clock.now() + delay;
      if (response.status === 429) this.pausedUntil = Math.max(this.pausedUntil, waitedUntil);
      await this.clock.sleep(delay, this.options.signal);
    }
  }

  /**
   * A fixed window was used up: retrying within seconds cannot succeed and each refusal counts against the
   * account, so this host is asked nothing more until the window has surely ended.
   */
  private holdBack(host: string, forMs: number, windowOnly: boolean): UnreachableError {
    const until = this.clock.now() + forMs;
    this.heldBack.set(host, Math.max(this.heldBack.get(host) ?? 0, until));
    const when = windowOnly
      ? `Its limit counts calls in fixed ${Math.round(forMs / 60_000)}-minute windows, so it resets within ${Math.round(forMs / 60_000)} minutes, by ${clockTime(until)} at the latest.`
      : `It asked to wait ${Math.ceil(forMs / 1000)} s, until ${clockTime(until)}.`;
    return new UnreachableError(
      'rate_limited',
      `${host} answered 429 Too Many Requests; not retried now. ${when}`,
      `Try again after ${clockTime(until)}. Retrying sooner only counts against the limit, and many refused calls can get the account disabled.`,
    );
  }

  /** `waitedUntil`: how long this request already waited, so it does not wait out its own pause twice. */
  private async attempt(request: HttpRequest, attempt: number, waitedUntil: number): Promise<HttpResponse> {
    const { signal } = this.options;
    if (signal.aborted) throw new InterruptedError();
    const paused = this.pausedUntil - Math.max(this.clock.now(), waitedUntil);
    if (paused > 0) await this.clock.sleep(paused, signal);
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const dispatcher = await this.getDispatcher();
    const url = new URL(request.url);
    const started = performance.now();
    const host = describeHost(request.url);
    const stop = AbortSignal.any([signal, this.clock.deadline(timeoutMs)]);
    try {
      const answer = await untilAborted(
        dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: { 'user-agent': 'connector-setup', ...request.headers },
          body: request.body,
          signal: stop,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        }),
        stop,
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (answer.statusCode >= 300 && answer.statusCode < 400) {
        discard(answer.body);
        const location = headers.location ? safeOrigin(headers.location, request.url) : 'elsewhere';
        throw new UnreachableError(
          'redirected',
          `${host} answered with a redirect (${answer.statusCode}) to ${location}; it was not followed, so no credentials left for another host.`,
          'Check the domain: use the host the service really answers on.',
        );
      }
      const declared = Number(headers['content-length'] ?? '0');
      if (declared > this.maxBodyBytes) {
        discard(answer.body);
        throw tooLarge(host, this.maxBodyBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          discard(answer.body);
          throw tooLarge(host, this.maxBodyBytes);
        }
        chunks.push(chunk);
      }
      return {
        status: answer.statusCode,
        headers,
        text: Buffer.concat(chunks).toString('utf8'),
        ms: Math.round(performance.now() - started),
        attempts: attempt,
      };
    } catch (error) {
      if (signal.aborted) throw new InterruptedError();
      if (error instanceof UnreachableError) throw error;
      throw describeNetworkError(error, request.url, timeoutMs, isProxied(this.options.env));
    }
  }

  async close(): Promise<void> {
    if (!this.dispatcher) return;
    const dispatcher = await this.dispatcher;
    await dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * undici only acts on an abort once the request is on a connected socket: until then (a TCP connect or a TLS
 * handshake that hangs) it just records it. So the wait itself ends on the signal; the dangling connect is
 * ended with the dispatcher when the session closes.
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  pending.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The server's own words for an error message, e.g. Invenias' maintenance notice on a 503. */
function said(response: HttpResponse): string {
  const words = serverWords(response.text);
  return words === undefined ? '' : ` It said: "${words}"`;
}

/** Stops reading an answer and closes its connection; the abort this causes is expected, not a crash. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function tooLarge(host: string, limit: number): UnreachableError {
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
