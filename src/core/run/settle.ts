// Partners apply console changes with a delay (PingOne's own Go SDK retries for this reason: docs/partners.md
// P-SETTLE). After a person changes a setting and chooses Try again, a refusal the change should fix is retried a
// few times with a countdown before it is shown again.
import { RejectedError } from '../errors.js';

export interface Settling {
  /** The diagnoses a console change fixes; anything else is shown at once (a wrong secret is never resent). */
  codes: readonly string[];
  /**
   * Refused only while credentials this run was just issued (a new application or secret) are still being applied:
   * retried like `codes` right after such a step, never after "Try again" on values a person typed.
   */
  whileNew?: readonly string[];
  /** Seconds to wait before each further try. */
  waitsSeconds: readonly number[];
}

export interface SettleOptions extends Settling {
  /** Waits one second (the run's clock, so tests need not). */
  sleep: (ms: number) => Promise<void>;
  /** Called each second of a wait with the seconds left, the try about to come, the number of tries and the diagnosis so far. */
  tick: (secondsLeft: number, nextTry: number, tries: number, error: RejectedError) => void;
}

export async function retryWhileSettling<T>(attempt: () => Promise<T>, options: SettleOptions): Promise<T> {
  const waits = options.waitsSeconds;
  for (const [index, wait] of waits.entries()) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RejectedError) || !options.codes.includes(error.code)) throw error;
      for (let left = wait; left > 0; left -= 1) {
        options.tick(left, index + 2, waits.length + 1, error);
        await options.sleep(1000);
      }
    }
  }
  return attempt();
}
