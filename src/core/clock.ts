// The real clock; tests pass their own (see Clock in connector.ts).
import type { Clock } from './run/connector.js';
import { InterruptedError } from './errors.js';

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
  deadline: (ms) => AbortSignal.timeout(ms),
};
