// What a connector or core sends a request through: the request, the answer, and the one method that sends. The
// transport (transport.ts) is the implementation; steps and OAuth name only this.

/**
 * `safe`: retry after 429 and 502/503/504 (a token request changes nothing on the server).
 * `rate-limit-only`: retry only after 429, which guarantees nothing was done (creating an application).
 */
export type RetryPolicy = 'safe' | 'rate-limit-only';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
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
  /** The partner's published quota this call counts against (per host): kept, never found out by a 429. */
  quota?: Quota;
  /**
   * A 429 is handed back as the answer instead of being waited out here: the caller waits where the person can see
   * it, and may wait longer than the transport would (PingOne's Management API during --create and --rotate).
   */
  rateLimitedToCaller?: boolean;
}

/** A published call quota: `calls` in each fixed window of `windowMs`; `remainingHeader` says how many are left. */
export interface Quota {
  calls: number;
  windowMs: number;
  /** Lower case, as answers' headers are read. */
  remainingHeader: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Time of the last attempt, headers and body. */
  ms: number;
  attempts: number;
}

/** Sends requests with the run's timeout, retries, proxy and certificate rules. */
export interface Http {
  /** The run's timeout for each request. */
  readonly timeoutMs: number;
  /**
   * One request, retries included, within one time limit; a failure to reach the server is thrown as an
   * UnreachableError, any HTTP answer is returned.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
