// What every connector's wizard steps share: turning a parser into a prompt validator, knowing whether the user
// already gave a value, asking for a secret where Enter keeps the saved one, and the "What now?" question after
// the partner said no.
import { CliError } from './errors.js';
import type { Choice } from './prompts.js';
import { maskSecret } from './redact.js';
import type { RunContext } from './run.js';

/** Turns a parser into an inquirer validator: the parser's message is shown under the prompt. */
export function validateWith(parse: (value: string) => unknown): (value: string) => string | true {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch (error) {
      return error instanceof CliError ? error.message : 'Not a valid value.';
    }
  };
}

/** A value given on the command line, on stdin or in the environment is the user's answer already. */
export function givenExplicitly(context: RunContext, key: string): boolean {
  const source = context.resolved.sources[key];
  return source === 'flag' || source === 'stdin' || source === 'env';
}

/** Asks for a secret (masked); with one already known, Enter keeps it. The answer joins the redactor. */
export async function askKeptSecret(context: RunContext, kept: string | undefined, label: string, parse: (value: string) => string): Promise<string> {
  const answer = await context.prompt.secret({
    message: kept ? `${label} (Enter keeps ${maskSecret(kept)})` : label,
    validate: (value) => (kept && value === '' ? true : validateWith(parse)(value)),
  });
  if (answer === '' && kept) return kept;
  const value = parse(answer);
  context.redactor.add(value);
  return value;
}

/** Refusals the wizard has shown in full already: the run's last word on them is then one short line. */
const shownRefusals = new WeakSet<object>();

/** Shows a refusal and the fix it names, in the wizard's own output. */
export function showRefusal(context: RunContext, error: CliError): void {
  context.out.failure(error, { code: false });
  shownRefusals.add(error);
}

/** True when the wizard showed this refusal just before the user chose to stop. */
export function refusalShown(error: unknown): boolean {
  return typeof error === 'object' && error !== null && shownRefusals.has(error);
}

export type NextMove = 'retry' | 'edit';

/** After a refusal, a person can fix it at the partner and retry, or correct what they typed; quitting ends the run with the refusal. */
export async function askNextMove(context: RunContext, error: CliError, choices: Choice<NextMove | 'quit'>[]): Promise<NextMove> {
  showRefusal(context, error);
  const move = await context.prompt.select<NextMove | 'quit'>({ message: 'What now?', choices });
  if (move === 'quit') throw error;
  return move;
}
