// The wizard's question loop, which every connector shares: a connector declares its questions (most are one of
// its fields, asked by label with its parser as the check), and core asks only those still open, offers the
// current values so Enter keeps them, and in edit mode asks them all again.
import type { Question, QuestionContext, StepContext, Values } from './connector.js';
import type { FieldSpec } from './fields.js';
import type { Choice } from '../terminal/prompts.js';
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

/** Asked unless the user gave it on the command line or in the environment; when editing, always. */
export function isOpen(context: Pick<StepContext, 'sources'>, key: string, editing = false): boolean {
  return editing || !givenExplicitly(context, key);
}

/** Asks every question still open (all of them when editing), each seeing the answers before it; returns the answers. */
export async function askOpen(context: QuestionContext, questions: readonly Question[], values: Values, editing = false): Promise<Values> {
  let answers: Values = {};
  for (const question of questions) {
    if (question.key in answers || !isOpen(context, question.key, editing)) continue;
    answers = { ...answers, ...(await question.ask(context, { ...values, ...answers }, editing)) };
  }
  return answers;
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

export interface FieldQuestion {
  /** The prompt, when it says more than the field's label. */
  readonly message?: string;
  /** Lines said before the prompt (where to find the value). */
  readonly intro?: readonly string[];
  /** A normalised answer is said back (`  Subdomain: acme`) so the user sees what was taken. */
  readonly sayNormalised?: boolean;
}

/**
 * A field asked as its own question: its label, the current value as the default, its parser as the check. A secret
 * is masked, Enter keeps the one known, and whitespace its parser trimmed off a paste is said.
 */
export function askField(field: FieldSpec, options: FieldQuestion = {}): Question {
  const message = options.message ?? field.label;
  return {
    key: field.key,
    async ask(context, values) {
      for (const line of options.intro ?? []) context.out.say(`  ${line}`);
      if (field.secret) {
        let trimmed = false;
        const value = await askKeptSecret(context, values[field.key], message, (answer) => {
          const parsed = field.parse(answer);
          trimmed = parsed !== answer && parsed === answer.trim();
          return parsed;
        }, field.password ? 'password' : 'secret');
        if (trimmed) context.out.warn(`Removed whitespace around the pasted ${field.label}.`);
        return { [field.key]: value };
      }
      const answer = await context.prompt.text({ message, default: values[field.key], validate: validateWith(field.parse) });
      const value = field.parse(answer);
      if (options.sayNormalised && value !== answer.trim()) context.out.say(`  ${field.label}: ${value}`);
      return { [field.key]: value };
    },
  };
}

/** A field chosen from a list; the current value is the default. */
export function chooseField(field: Pick<FieldSpec, 'key' | 'label'>, choices: readonly Choice<string>[], message = field.label): Question {
  return {
    key: field.key,
    async ask(context, values) {
      const current = choices.find((choice) => choice.value === values[field.key]);
      return { [field.key]: await context.prompt.select<string>({ message, default: current?.value, choices: [...choices] }) };
    },
  };
}

/** A setup step that asks the questions still open, in the wizard only. */
export function askStep(questions: readonly Question[]): (context: StepContext, values: Values) => Promise<{ values: Values } | void> {
  return async (context, values) => {
    if (context.interactive) return { values: await askOpen(context, questions, values) };
  };
}
