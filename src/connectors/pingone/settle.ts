// PingOne applies console changes with a delay: its own Go SDK retries "Unsupported authentication method" for
// this reason (docs/partners.md P-SETTLE). After a person changes a setting and chooses Try again, the check is
// repeated a few times over about 15 s, with a countdown, before the same diagnosis is shown again.
import { RejectedError } from '../../core/errors.js';
import type { RunContext } from '../../core/run.js';
import { type PingOneCredentials, verifyCredentials } from './token.js';

/** Seconds between tries: four tries over 14 s. */
export const SETTLE_WAITS_S = [2, 4, 8] as const;

/** Diagnoses a console change fixes; a wrong environment or region does not settle by waiting. */
const SETTLING = new Set(['wrong_auth_method', 'unauthorized_client', 'no_roles', 'invalid_client', 'app_disabled']);

export interface SettleOptions {
  waitsS?: readonly number[];
  /** Waits one second (injectable so tests need not). */
  sleep: (ms: number) => Promise<void>;
  /** Called each second of a wait with the seconds left, the try about to come and the diagnosis so far. */
  tick: (secondsLeft: number, nextTry: number, tries: number, error: RejectedError) => void;
}

export async function retryWhileSettling<T>(attempt: () => Promise<T>, options: SettleOptions): Promise<T> {
  const waits = options.waitsS ?? SETTLE_WAITS_S;
  for (const [index, wait] of waits.entries()) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RejectedError) || !SETTLING.has(error.code)) throw error;
      for (let left = wait; left > 0; left -= 1) {
        options.tick(left, index + 2, waits.length + 1, error);
        await options.sleep(1000);
      }
    }
  }
  return attempt();
}

/** The check after a person changed something in the console and chose Try again. */
export function verifyAfterConsoleChange(context: RunContext, credentials: PingOneCredentials): Promise<void> {
  return retryWhileSettling(() => verifyCredentials(context, credentials), {
    sleep: (ms) => context.http.wait(ms),
    tick: (left, nextTry, tries, error) =>
      context.out.say(`  PingOne can take a few seconds to apply a change (${error.code}): try ${nextTry} of ${tries} in ${left} s…`),
  });
}
