// Time, as a run sees it: the real clock here; tests pass their own, so waits and time limits cost them nothing.
import { InterruptedError } from './errors.js';

/** Time, injectable so that waits (a retry countdown) cost nothing in tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with an InterruptedError when the run is aborted. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * A signal that aborts with a TimeoutError once `ms` have passed: the time limit of one request. It must fire
   * however it is referred to (nothing may collect it first), unless cleared when the request has ended.
   */
  deadline(ms: number): Deadline;
}

/** One time limit: its signal, and clear() once what it limits has ended (it then never fires). */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new InterruptedError());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new InterruptedError());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  deadline: (ms) => {
    // Not AbortSignal.timeout: on Node 20 the garbage collector can take it while only AbortSignal.any refers to it,
    // and then it never fires (nodejs/node#57736). The timer holds this controller until it fires or is cleared
    // (a batch of a thousand requests would otherwise keep each for its full limit); unref'd, it keeps no process alive.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
    return { signal: controller.signal, clear: () => clearTimeout(timer) };
  },
};
