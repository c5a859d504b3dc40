// One verification of one profile, the same for `connector-setup <connector> --verify` and for each profile of
// `connector-setup verify`, so both give the same result: an application the profile knows to have expired fails
// without a request; otherwise the connector's token check runs, and an expiry date within the warning window
// becomes one warning (or, with --expiring-within, the failure `expiring_soon`).
import { type CliError, RejectedError } from './errors.js';
import type { RunContext, SetupSummary } from './run.js';
import { givenExplicitly } from './wizard.js';

/** An application expiring within this many days earns a warning. */
const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const GENERIC_RENEW_HINT = 'Renew the application in the partner console, then run the setup again to save the new secret.';

export interface ExpiryPolicy {
  /** `--expiring-within DAYS`: an application expiring within this many days fails. */
  failWithinDays?: number;
}

export interface ExpiryAssessment {
  warning?: string;
  error?: CliError;
}

/** What an application's expiry date means for a run; `renewHint` names how to renew it. */
export function assessExpiry(expiresOn: string | null | undefined, renewHint: string = GENERIC_RENEW_HINT, policy: ExpiryPolicy = {}): ExpiryAssessment {
  if (!expiresOn) return {};
  const now = new Date();
  const expires = Date.parse(expiresOn);
  if (Number.isNaN(expires)) return { warning: `The saved expiry date "${expiresOn.slice(0, 40)}" is not a date.` };
  const day = new Date(expires).toISOString().slice(0, 10);
  if (expires <= now.getTime()) return { error: new RejectedError('app_expired', `The application expired on ${day}.`, renewHint) };
  const daysLeft = Math.floor((expires - now.getTime()) / DAY_MS);
  const when = `The application expires on ${day} (${daysLeft === 0 ? 'today' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`})`;
  if (policy.failWithinDays !== undefined && daysLeft < policy.failWithinDays) {
    return { error: new RejectedError('expiring_soon', `${when}, within the ${policy.failWithinDays} days of --expiring-within.`, renewHint) };
  }
  return daysLeft < EXPIRY_WARNING_DAYS ? { warning: `${when}. ${renewHint}` } : {};
}

/** True when every value of the run is the saved profile's, so the profile's expiry date is the application's. */
function checksSavedValues(context: RunContext): boolean {
  const { saved, resolved } = context;
  if (!saved) return false;
  return context.connector.fields.every((field) => {
    if (!givenExplicitly(context, field.key)) return true;
    return resolved.values[field.key] === (field.secret ? saved.secrets[field.key] : saved.values[field.key]);
  });
}

/**
 * The non-secret values a run checks (given, saved, or collected so far in the connector's draft), for a result that
 * ends before the connector reports its own. A value left at its default is not named unless it was changed.
 */
export function checkedValues(context: RunContext): Record<string, string> {
  const { resolved } = context;
  const current = (context.draft ?? resolved.values) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const field of context.connector.fields) {
    const value = current[field.key];
    if (field.secret || typeof value !== 'string') continue;
    if (resolved.sources[field.key] !== 'default' || value !== resolved.values[field.key]) values[field.key] = value;
  }
  return values;
}

/** Verifies the run's values with no prompts; the expiry of the application is judged here, once. */
export async function verifyWithExpiry(context: RunContext, policy: ExpiryPolicy = {}): Promise<SetupSummary> {
  const renewHint = context.connector.renewHint;
  const savedExpiry = checksSavedValues(context) ? context.saved?.expiresOn : undefined;
  const before = assessExpiry(savedExpiry, renewHint, policy);
  // An expired application cannot pass: no request is spent on it.
  if (before.error?.code === 'app_expired') throw before.error;
  const summary = await (await context.connector.load()).verify(context);
  const after = assessExpiry(summary.expiresOn !== undefined ? summary.expiresOn : savedExpiry, renewHint, policy);
  if (after.error) throw after.error;
  if (after.warning) context.warnings.push(after.warning);
  return summary;
}

/** After a setup: the expiry of the application set up, as a warning when it is near (a setup never fails on it). */
export function warnAboutExpiry(context: RunContext, expiresOn: string | null | undefined): void {
  const { warning, error } = assessExpiry(expiresOn, context.connector.renewHint);
  const text = warning ?? error?.message;
  if (text) context.warnings.push(error ? `${text} ${error.hint}` : text);
}
