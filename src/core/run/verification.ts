// What an application's expiry date means for a run: an expired application fails without a request; one expiring
// within the warning window earns a warning (or, with --expiring-within, the failure `expiring_soon`).
import { type CliError, RejectedError } from '../errors.js';
import { type Hint, joinHints } from '../hint.js';

/** An application expiring within this many days earns a warning. */
const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const GENERIC_RENEW_HINT = 'Renew the application in the partner console, then run the setup again to save the new secret.';

export interface ExpiryPolicy {
  /** The run's clock reading (ms since the epoch): what "already expired" and "days left" count from. */
  now: number;
  /** `--expiring-within DAYS`: an application expiring within this many days fails. */
  failWithinDays?: number | undefined;
}

export interface ExpiryAssessment {
  /** A warning, with the renew hint in it (data, for the run to render). */
  warning?: Hint;
  error?: CliError;
}

/** What an application's expiry date means for a run; `renewHint` names how to renew it. */
export function assessExpiry(expiresOn: string | null | undefined, renewHint: Hint | undefined, policy: ExpiryPolicy): ExpiryAssessment {
  if (!expiresOn) return {};
  const hint = renewHint ?? GENERIC_RENEW_HINT;
  const { now } = policy;
  const expires = Date.parse(expiresOn);
  if (Number.isNaN(expires)) return { warning: `The saved expiry date "${expiresOn.slice(0, 40)}" is not a date.` };
  const day = new Date(expires).toISOString().slice(0, 10);
  if (expires <= now) return { error: new RejectedError('app_expired', `The application expired on ${day}.`, hint) };
  const daysLeft = Math.floor((expires - now) / DAY_MS);
  const when = `The application expires on ${day} (${daysLeft === 0 ? 'today' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`})`;
  if (policy.failWithinDays !== undefined && daysLeft < policy.failWithinDays) {
    return { error: new RejectedError('expiring_soon', `${when}, within the ${policy.failWithinDays} days of --expiring-within.`, hint) };
  }
  return daysLeft < EXPIRY_WARNING_DAYS ? { warning: joinHints(`${when}. `, hint) } : {};
}
