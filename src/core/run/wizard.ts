// What every connector's wizard steps share: turning a parser into a prompt validator, knowing whether the user
// already gave a value, and asking for a secret where Enter keeps the saved one.
import type { StepContext } from './connector.js';
import { CliError } from '../errors.js';
import { maskSecret } from '../redact.js';
import { isExplicit } from './resolve.js';

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
export function givenExplicitly(context: Pick<StepContext, 'sources'>, key: string): boolean {
  return isExplicit(context.sources[key]);
}

/** Asks for a secret (masked); with one already known, Enter keeps it. The answer joins the redactor. */
export async function askKeptSecret(
  context: Pick<StepContext, 'prompt' | 'redactor'>,
  kept: string | undefined,
  label: string,
  parse: (value: string) => string,
  kind: 'secret' | 'password' = 'secret',
): Promise<string> {
  const keeps = kept && (kind === 'password' ? 'the saved one' : maskSecret(kept));
  const answer = await context.prompt.secret({
    message: keeps ? `${label} (Enter keeps ${keeps})` : label,
    validate: (value) => (kept && value === '' ? true : validateWith(parse)(value)),
  });
  if (answer === '' && kept) return kept;
  const value = parse(answer);
  context.redactor.add(value);
  return value;
}
