// What one client may send to each host, so a batch (verify --all over hundreds of profiles) never crowds one
// partner tenant: a few requests at a time per host, a pause after a 429 for that host alone, and a partner's
// published call quota kept (the calls this run made in its window, and the calls the server says are left).
import type { Clock } from '../clock.js';
import { InterruptedError } from '../errors.js';
import type { Quota } from './http.js';

/** Requests in flight to one host at most; `verify --concurrency` bounds the batch as a whole. */
export const REQUESTS_PER_HOST = 8;

interface HostState {
  active: number;
  waiting: (() => void)[];
  /** After a 429 from this host, nothing is sent to it before this time (on the run's clock). */
  pausedUntil: number;
  /** Quota-counted calls: start times within the window, in order. */
  calls: number[];
  /** Quota-counted calls in flight. */
  counted: number;
  countedWaiting: (() => void)[];
  /** Calls the server said are left, less the ones started since; undefined until a server says. */
  left: number | undefined;
}

/** Why a counted call cannot be sent now: the window it would be counted in is used up, until `until`. */
export interface QuotaUsedUp {
  until: number;
  /** The server said none are left (else: this run made the window's calls itself). */
  saidByServer: boolean;
}

export class HostLimits {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly clock: Clock,
    private readonly perHost = REQUESTS_PER_HOST,
  ) {}

  private of(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, waiting: [], pausedUntil: 0, calls: [], counted: 0, countedWaiting: [], left: undefined };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Waits for one of the host's places; call the returned function when the request is over. */
  async place(host: string, signal: AbortSignal): Promise<() => void> {
    const state = this.of(host);
    // A place is handed from the request that ends to the next one waiting, so none can slip in between.
    if (state.active >= this.perHost) await queued(state.waiting, signal);
    else state.active += 1;
    return once(() => {
      const next = state.waiting.shift();
      if (next) next();
      else state.active -= 1;
    });
  }

  pausedUntil(host: string): number {
    return this.of(host).pausedUntil;
  }

  pause(host: string, until: number): void {
    const state = this.of(host);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  /**
   * Before a call the host counts against its quota. While the server has not said how many calls are left, one
   * at a time (a burst could land past the end of a window others used up); then as many as are left, less those
   * in flight. Returns the release, or why the call must not be sent.
   */
  async counted(host: string, quota: Quota, signal: AbortSignal): Promise<(() => void) | QuotaUsedUp> {
    const state = this.of(host);
    while (state.left === undefined && state.counted > 0) await queued(state.countedWaiting, signal);
    const now = this.clock.now();
    while ((state.calls[0] ?? Infinity) <= now - quota.windowMs) state.calls.shift();
    if (state.left !== undefined && state.left <= 0) return { until: now + quota.windowMs, saidByServer: true };
    if (state.calls.length >= quota.calls) return { until: (state.calls[0] ?? now) + quota.windowMs, saidByServer: false };
    state.calls.push(now);
    state.counted += 1;
    if (state.left !== undefined) state.left -= 1;
    return once(() => {
      state.counted -= 1;
      // Once the server has said, everyone waiting may go (each checks what is left); until then, the next one.
      for (const wake of state.left === undefined ? state.countedWaiting.splice(0, 1) : state.countedWaiting.splice(0)) wake();
    });
  }

  /** What the server said is left in the window, as an answer to a counted call; the others in flight may not be in it yet. */
  said(host: string, quota: Quota, headers: Record<string, string>): void {
    const raw = headers[quota.remainingHeader]?.trim();
    if (raw === undefined || !/^\d{1,9}$/.test(raw)) return;
    const state = this.of(host);
    state.left = Number(raw) - (state.counted - 1);
  }
}

function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

/** Waits in `queue` until woken; Ctrl+C ends the wait. */
function queued(queue: (() => void)[], signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new InterruptedError());
    const onAbort = (): void => {
      const index = queue.indexOf(wake);
      if (index !== -1) queue.splice(index, 1);
      reject(new InterruptedError());
    };
    const wake = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    queue.push(wake);
  });
}
