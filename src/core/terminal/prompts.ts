// Every question the wizard asks goes through this module (one thing for tests to replace). Prompts are
// drawn on stderr; Ctrl+C at a prompt becomes an InterruptedError, a value to handle, not a crash.
import { setFlagsFromString } from 'node:v8';
import wrapAnsi from 'wrap-ansi';
import { InterruptedError } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  /** What the answered question shows instead of the name: kept short, so the answered line fits its row. */
  short?: string;
}

export interface Prompter {
  text(options: { message: string; default?: string; validate?: (value: string) => string | true }): Promise<string>;
  /** Masked input; an empty answer is returned as '' so callers can keep a saved secret. */
  secret(options: { message: string; validate?: (value: string) => string | true }): Promise<string>;
  select<T>(options: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
}

function isCancel(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

async function ask<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (isCancel(error)) throw new InterruptedError();
    throw error;
  }
}

/**
 * Every option at once: a list that scrolls hides its last entries ("Another domain") below the fold. The page
 * size counts terminal rows, and on a narrow terminal an option takes several; one spare row each is harmless.
 */
function linesOf(choices: Array<Choice<unknown>>): number {
  const width = process.stderr.columns || 80;
  return choices.reduce((rows, choice) => rows + wrapAnsi(`❯ ${choice.name}`, width, { hard: true }).split('\n').length + 1, 0);
}

type Context = { output: NodeJS.WriteStream; signal: AbortSignal; readonly clearPromptOnDone: boolean };

/**
 * Asks one question. An answered question stays on the screen (`✔ Client ID ...`); one cancelled by Ctrl+C or the
 * run's signal is erased, list and key help included, so only the interruption is left to read. Inquirer reads
 * `clearPromptOnDone` when it ends the prompt, after the key or the signal has been seen here.
 */
async function askOnce<T>(signal: AbortSignal, question: (context: Context) => Promise<T>): Promise<T> {
  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
  };
  const onKey = (_text: unknown, key?: { ctrl?: boolean; name?: string }): void => {
    if (key?.ctrl && key.name === 'c') cancelled = true;
  };
  // Registered before the prompt's own listeners, so these run first.
  signal.addEventListener('abort', onAbort, { once: true });
  process.stdin.on('keypress', onKey);
  try {
    return await ask(() =>
      question({
        output: process.stderr,
        signal,
        get clearPromptOnDone() {
          return cancelled;
        },
      }),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    process.stdin.removeListener('keypress', onKey);
  }
}

/** The prompts once library() has started loading them: the flag is set once, not again for every question. */
let loaded: Promise<typeof import('@inquirer/prompts')> | undefined;

/**
 * The prompts, loaded when a run first asks. From then on the run waits for keys, and each key typed or pasted redraws
 * the question: V8's optimising compilers, spent on the drawing code as it gets hot, cost more than they save in a run
 * that lasts seconds. Measured 2026-12-07: the PingOne wizard typed up to the AUTHORIZATION URL took 328 ms of CPU
 * without them against 401 (medians of 11). Code already optimised stays so; what gets hot now gets baseline code.
 */
function library(): Promise<typeof import('@inquirer/prompts')> {
  if (!loaded) {
    setFlagsFromString('--max-opt=1');
    loaded = import('@inquirer/prompts');
  }
  return loaded;
}

export function createPrompter(signal: AbortSignal): Prompter {
  return {
    async text(options) {
      const { input } = await library();
      return askOnce(signal, (context) => input(options, context));
    },
    async secret(options) {
      const { password } = await library();
      return askOnce(signal, (context) => password({ ...options, mask: '*' }, context));
    },
    async select<T>(options: { message: string; choices: Choice<T>[]; default?: T }) {
      const { select } = await library();
      return askOnce(signal, (context) => select<T>({ ...options, pageSize: linesOf(options.choices) }, context));
    },
    async confirm(options) {
      const { confirm } = await library();
      return askOnce(signal, (context) => confirm(options, context));
    },
  };
}

/** The prompter of a run that must not ask anything; reaching it is a bug, reported as missing input. */
export const noPrompter: Prompter = {
  text: () => Promise.reject(new Error('prompting is disabled in this run')),
  secret: () => Promise.reject(new Error('prompting is disabled in this run')),
  select: () => Promise.reject(new Error('prompting is disabled in this run')),
  confirm: () => Promise.reject(new Error('prompting is disabled in this run')),
};
