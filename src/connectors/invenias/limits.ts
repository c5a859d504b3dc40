// Invenias' rate limit (docs/partners.md I-RATE-LIMIT): 3000 calls in a fixed 5-minute window, the calls left in
// X-Request-Quota-Remaining, and no Retry-After documented. Many refused calls get the user's account disabled.
import type { Quota } from '../../core/net/http.js';

export const RATE_LIMIT_WINDOW_MS = 5 * 60_000;
const CALLS_PER_WINDOW = 3000;
/** What API calls count against, per tenant: kept by the HTTP client, so a batch never earns a 429. */
export const API_QUOTA: Quota = { calls: CALLS_PER_WINDOW, windowMs: RATE_LIMIT_WINDOW_MS, remainingHeader: 'x-request-quota-remaining' };
/** Below this many calls left (a tenth of the window), the run says so: Cyclr's own calls share the quota. */
const LOW_QUOTA = CALLS_PER_WINDOW / 10;

/** A warning when X-Request-Quota-Remaining (I-QUOTA-HEADER) runs low (the run says each warning once). */
export function noteQuota(warn: (text: string) => void, headers: Record<string, string>): void {
  const raw = headers['x-request-quota-remaining']?.trim();
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return;
  const left = Number(raw);
  if (left >= LOW_QUOTA) return;
  warn(
    `Invenias API quota is low: ${left} of ${CALLS_PER_WINDOW} calls left in this 5-minute window (X-Request-Quota-Remaining). Past 0, every call is refused until the window ends.`,
  );
}
