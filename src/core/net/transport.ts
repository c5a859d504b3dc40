// The one way this tool talks to a network: undici with a shared keep-alive agent, a timeout per request,
// bounded retries that honour Retry-After, no redirects and a capped body. Its failures are named in
// network-errors.ts.
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import { InterruptedError, UnreachableError } from '../errors.js';
import type { Redactor } from '../redact.js';
import { type Http, type HttpRequest, type HttpResponse, parseRetryAfter } from './http.js';
import { serverWords } from './server-words.js';
import { HostLimits } from './host-limits.js';
import { type ProxyInUse, describeHost, describeNetworkError, proxyInUse, quotaUsedUp, stillHeldBack, rateLimitWindowUsed, rateLimited, redirected, serverError, tooLarge } from './network-errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ATTEMPTS = 3;
/** A Retry-After longer than this is not waited for: the run ends and says when to try again. */
const MAX_RETRY_AFTER_MS = 20_000;
const BACKOFF_MS = [500, 1000, 2000];

/** The one time limit of a request and its retries. */
interface TimeLimit {
  /** On the run's clock. */
  endsAt: number;
  /** Aborts with a TimeoutError when the limit runs out. */
  signal: AbortSignal;
  timeoutMs: number;
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
  /** The run's secrets: a server's words are redacted before an error cuts them short. */
  redactor: Redactor;
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

/** The proxy an HTTPS request goes through, as undici picks it (HTTPS_PROXY, else HTTP_PROXY), to name it in errors. */
function proxyOf(env: NodeJS.ProcessEnv): ProxyInUse | undefined {
  const { httpProxy, httpsProxy } = proxiesOf(env);
  if (httpsProxy) return proxyInUse(env.https_proxy ? 'https_proxy' : 'HTTPS_PROXY', httpsProxy);
  if (httpProxy) return proxyInUse(env.http_proxy ? 'http_proxy' : 'HTTP_PROXY', httpProxy);
  return undefined;
}

export class HttpClient implements Http {
  private dispatcher: Promise<Dispatcher> | undefined;
  /**
   * A few requests at a time per host; after a 429, no request to that host starts before its pause ends: a batch
   * (verify --all) shares one client, so one rate-limit answer pauses every request to that host instead of each
   * finding out alone, while other hosts go on.
   */
  private readonly hosts: HostLimits;
  /** Hosts whose fixed rate-limit window is used up (see rateLimitWindowMs), and when it ends at the latest. */
  private readonly heldBack = new Map<string, number>();
  private readonly maxBodyBytes: number;
  private readonly clock: Clock;

  constructor(private readonly options: HttpClientOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.clock = options.clock ?? systemClock;
    this.hosts = new HostLimits(this.clock);
  }

  /** One agent per run, so every request (and `verify --all`) reuses keep-alive connections. */
  private getDispatcher(): Promise<Dispatcher> {
    return (this.dispatcher ??= this.createDispatcher());
  }

  private createDispatcher(): Promise<Dispatcher> {
    const env = this.options.env;
    const proxied = isProxied(env);
    // Certificates are always verified: set explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn it off.
    const verified = { rejectUnauthorized: true };
    // undici is bundled on its own (dist/vendor/undici.js): commands that send nothing never read it.
    return import('./undici-parts.js').then(({ createDispatcher }) =>
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
  }

  /** The run's timeout for each request. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /**
   * One request, retries included, within one time limit: connect, headers, body, the waits between attempts and
   * every retry end by it, however slowly a server trickles its answer.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const host = describeHost(request.url);
    const heldUntil = this.heldBack.get(host) ?? 0;
    if (heldUntil > this.clock.now()) {
      throw stillHeldBack(host, heldUntil);
    }
    const { quota } = request;
    const counted = quota ? await this.hosts.counted(host, quota, this.options.signal) : undefined;
    if (counted !== undefined && typeof counted !== 'function') {
      this.heldBack.set(host, Math.max(this.heldBack.get(host) ?? 0, counted.until));
      throw quotaUsedUp(host, counted.until, counted.saidByServer, quota?.remainingHeader);
    }
    const leave = await this.hosts.place(host, this.options.signal).catch((error: unknown) => {
      counted?.();
      throw error;
    });
    try {
      const response = await this.sendWithRetries(request, host);
      if (quota) this.hosts.said(host, quota, response.headers);
      return response;
    } finally {
      leave();
      counted?.();
    }
  }

  private async sendWithRetries(request: HttpRequest, host: string): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    // The limit starts once undici is loaded: loading it is this machine's work, not the network's.
    await this.getDispatcher();
    const deadline = this.clock.deadline(timeoutMs);
    try {
      return await this.retries(request, host, { endsAt: this.clock.now() + timeoutMs, signal: deadline.signal, timeoutMs });
    } finally {
      // Ended one way or the other: the limit's timer goes now, not when it would have fired.
      deadline.clear();
    }
  }

  private async retries(request: HttpRequest, host: string, limit: TimeLimit): Promise<HttpResponse> {
    let waitedUntil = 0;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.attempt(request, attempt, waitedUntil, limit);
      if (response.status === 429 && request.rateLimitedToCaller) return response;
      const retryable = response.status === 429 || (request.retry === 'safe' && [502, 503, 504].includes(response.status));
      if (!retryable) {
        if (response.status >= 500) {
          throw serverError(host, response.status, serverWords(response.text, this.options.redactor));
        }
        return response;
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after'], this.clock.now());
      if (response.status === 429 && request.rateLimitWindowMs !== undefined && (retryAfter === undefined || retryAfter > MAX_RETRY_AFTER_MS)) {
        throw this.holdBack(host, retryAfter ?? request.rateLimitWindowMs, retryAfter === undefined);
      }
      // Retry-After is honoured, but never shorter than the backoff: `Retry-After: 0` must not become a tight loop.
      const delay = Math.max(retryAfter ?? 0, BACKOFF_MS[attempt - 1] ?? 2000);
      // No retry whose wait alone would outlast the time limit: the answer so far is the outcome.
      const pastLimit = this.clock.now() + delay >= limit.endsAt;
      if (attempt >= MAX_ATTEMPTS || pastLimit || (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS)) {
        if (response.status === 429) {
          if (retryAfter !== undefined) this.hosts.pause(host, this.clock.now() + Math.min(retryAfter, MAX_RETRY_AFTER_MS));
          throw rateLimited(host, attempt, retryAfter);
        }
        throw serverError(host, response.status, serverWords(response.text, this.options.redactor), attempt);
      }
      // A 429 also pauses every other request of this client to that host (a batch shares one); a 5xx only this one.
      waitedUntil = this.clock.now() + delay;
      if (response.status === 429) this.hosts.pause(host, waitedUntil);
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
    return rateLimitWindowUsed(host, forMs, until, windowOnly);
  }

  /** `waitedUntil`: how long this request already waited, so it does not wait out its own pause twice. */
  private async attempt(request: HttpRequest, attempt: number, waitedUntil: number, limit: TimeLimit): Promise<HttpResponse> {
    const { signal } = this.options;
    if (signal.aborted) throw new InterruptedError();
    const host = describeHost(request.url);
    const timedOut = (): UnreachableError => describeNetworkError(limit.signal.reason, request.url, limit.timeoutMs, proxyOf(this.options.env));
    const paused = this.hosts.pausedUntil(host) - Math.max(this.clock.now(), waitedUntil);
    if (paused > 0) {
      // Another request's 429 paused this client past this request's limit: it times out now rather than later.
      if (this.clock.now() + paused >= limit.endsAt) throw timedOut();
      await this.clock.sleep(paused, signal);
    }
    const dispatcher = await this.getDispatcher();
    // undici frees a connection for the next request only when the event loop turns: a request sent in the same turn
    // as the previous answer ended (a batch starts its next profile at once) would open a new connection instead.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const url = new URL(request.url);
    const started = performance.now();
    // Built by hand, not with AbortSignal.any, and held here until the attempt ends: what stops a request must not
    // depend on the garbage collector.
    const stop = new AbortController();
    const onStop = (): void => stop.abort(signal.aborted ? signal.reason : limit.signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    limit.signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted || limit.signal.aborted) onStop();
    // undici's own timeouts start again with every byte (and every 103 Early Hints): they are only a backstop.
    const remaining = Math.max(1, limit.endsAt - this.clock.now());
    try {
      const answer = await untilAborted(
        dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: { 'user-agent': 'connector-setup', ...request.headers },
          body: request.body,
          signal: stop.signal,
          headersTimeout: remaining,
          bodyTimeout: remaining,
        }),
        stop.signal,
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (answer.statusCode >= 300 && answer.statusCode < 400) {
        discard(answer.body);
        throw redirected(host, answer.statusCode, headers.location, request.url);
      }
      const declared = Number(headers['content-length'] ?? '0');
      if (declared > this.maxBodyBytes) {
        discard(answer.body);
        throw tooLarge(host, this.maxBodyBytes);
      }
      const body = await untilAborted(this.readBody(answer.body, host), stop.signal).catch((error: unknown) => {
        discard(answer.body);
        throw error;
      });
      return {
        status: answer.statusCode,
        headers,
        text: body,
        ms: Math.round(performance.now() - started),
        attempts: attempt,
      };
    } catch (error) {
      if (signal.aborted) throw new InterruptedError();
      if (limit.signal.aborted) throw timedOut();
      if (error instanceof UnreachableError) throw error;
      throw describeNetworkError(error, request.url, limit.timeoutMs, proxyOf(this.options.env));
    } finally {
      signal.removeEventListener('abort', onStop);
      limit.signal.removeEventListener('abort', onStop);
    }
  }

  /** An answer's body as text, refused once it grows past the cap. */
  private async readBody(body: AsyncIterable<Buffer>, host: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxBodyBytes) throw tooLarge(host, this.maxBodyBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
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

/** Stops reading an answer and closes its connection; the abort this causes is expected, not a crash. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}
