// PingOne as steps: the Worker app checklist and the questions (setup), the token request as Cyclr sends it, and
// the diagnosis of a refusal. Core runs them, verifies, saves and renders.
import type { ConnectorSteps, NextMove, Step, Values } from '../../core/run/connector.js';
import type { Choice } from '../../core/terminal/prompts.js';
import { PROFILE, command } from '../../core/hint.js';
import { type CliError, InterruptedError } from '../../core/errors.js';
import { createStep, namingMissingRoles, rotateStep, rotationWarning } from './create.js';
import { InOtherRegion, diagnoseRefusal, tokenRequest } from './token.js';
import { askOpen } from '../../core/run/wizard.js';
import type { PingOneRequest } from './request.js';
import { QUESTIONS, showChecklist, showTitle } from './wizard.js';

/** The Worker app made in the console: its checklist (under the title, unless already shown), then the questions. */
const consoleStep = (titled: boolean): Step => async (context, values) => {
  if (!context.interactive) return;
  if (!titled) showTitle(context);
  showChecklist(context);
  return { values: await askOpen(context, QUESTIONS, values) };
};

/** Which way this run gets its application: --create, --rotate, or the console (in the wizard, the first question). */
const planStep = (request: PingOneRequest): Step => async (context, values) => {
  if (request.create) return { next: [createStep(request)] };
  if (request.rotate) return { next: [rotateStep(request)] };
  // Asked only when nothing names an application yet: a saved or given one is checked as before.
  const known = values.clientId !== undefined || values.clientSecret !== undefined;
  if (!context.interactive || known) return { next: [consoleStep(false)] };
  showTitle(context);
  const way = await context.prompt.select<'create' | 'console'>({
    message: 'The Worker application for Cyclr',
    default: 'console',
    choices: [
      { name: 'I create it in the PingOne console (show me the steps)', short: 'in the PingOne console', value: 'console' },
      { name: "Create it for me through PingOne's API (needs an admin worker's Client ID and Secret)", short: "through PingOne's API", value: 'create' },
    ],
  });
  return { next: [way === 'create' ? createStep(request) : consoleStep(true)] };
};

/** Refusals fixed by changing what was typed, not a console setting: changing the values comes first. */
const FIXED_BY_VALUES = ['invalid_client', 'environment_not_found'];

/** After a refusal: the fix the diagnosis found first, then the likeliest of changing the values or the console. */
function nextMoves(_values: Values, refusal: CliError): Choice<NextMove>[] {
  const retry: Choice<NextMove> = { name: 'Try again (after changing the setting in the PingOne console)', short: 'Try again', value: 'retry' };
  const change: Choice<NextMove> = { name: 'Change the values I entered', value: 'edit' };
  const quit: Choice<NextMove> = { name: 'Quit', value: 'quit' };
  if (refusal instanceof InOtherRegion) return [{ name: `Use ${refusal.authDomain} and try again`, value: { use: { authDomain: refusal.authDomain } } }, change, quit];
  return FIXED_BY_VALUES.includes(refusal.code) ? [change, retry, quit] : [retry, change, quit];
}

/** PingOne's steps for what the command line asks (request.ts). */
export const pingone = (request: PingOneRequest): ConnectorSteps => ({
  setup: [planStep(request)],
  questions: QUESTIONS,
  tokenRequest,
  async diagnose(context, refusal, values) {
    const error = await diagnoseRefusal(context, refusal, values);
    return error.code === 'no_roles' ? namingMissingRoles(context, values, error) : error;
  },
  interruptedAfterKeep(context, values) {
    return new InterruptedError(
      `Interrupted. Application ${values.applicationId ?? values.clientId ?? ''} and its Client Secret are saved in profile "${context.profileName}".`,
      ['Run ', command('pingone', '--verify', PROFILE), ' to check them; --create again reuses the application instead of making another.'],
    );
  },
  async afterToken(context, values) {
    const warning = rotationWarning(context, values);
    if (warning) context.warn(warning);
  },
  nextMoves,
  async edit(context, values, refusal) {
    // Found in another region: the questions start there, so Enter keeps the region that holds the environment.
    const start = refusal instanceof InOtherRegion ? { ...values, authDomain: refusal.authDomain } : values;
    return askOpen(context, QUESTIONS, start, true);
  },
  // PingOne applies console changes with a delay: its own Go SDK retries "Unsupported authentication method" for this
  // reason (docs/partners.md P-SETTLE). Four tries over 14 s; a wrong environment or region does not settle by waiting,
  // and a wrong secret is not resent: invalid_client is retried only while a secret this run was just issued applies.
  settling: { codes: ['wrong_auth_method', 'unauthorized_client', 'no_roles', 'app_disabled'], whileNew: ['invalid_client'], waitsSeconds: [2, 4, 8] },
});
