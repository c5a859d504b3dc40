// Runs the CLI in this process (runCli, the same command table main.ts runs): no child process, no terminal, a
// scripted prompter for wizards and a clock whose sleeps return at once. For what only a real terminal shows,
// the pseudo-terminal tests under tests/e2e/ run the built CLI.
import { PassThrough, Readable } from 'node:stream';
import { connectors } from '../../src/connectors/index.js';
import { type Clock, type Deadline, systemClock } from '../../src/core/clock.js';
import type { Connector } from '../../src/core/run/connector.js';
import { InterruptedError } from '../../src/core/errors.js';
import type { Choice, Prompter } from '../../src/core/terminal/prompts.js';
import { runCli } from '../../src/program.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The questions asked, in order (their messages). */
  asked: string[];
  /** Milliseconds the run asked the clock to sleep. */
  slept: number[];
}

/** One scripted answer: a value, or a function of the question (e.g. to pick a choice by its label). */
export type Answer = string | boolean | ((question: Question) => unknown);

export interface Question {
  message: string;
  choices?: Choice<unknown>[];
  /** What Enter alone gives: the text, choice or yes/no the prompt offers (a masked prompt: ''). */
  default?: unknown;
}

/** Enter alone: the prompt's default, as a person keeping what is offered. */
export const ENTER: Answer = (question) => question.default ?? '';

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  registry?: readonly Connector[];
  stdin?: string;
  /** Answers to the wizard's questions, in order; a terminal is simulated when given. */
  answers?: Answer[];
  /** The environment as given, with nothing added (runCli in cli.ts builds a user's whole environment). */
  exactEnv?: boolean;
  /** Where the run's clock starts; a fixed date by default, so dates in output are stable. */
  clockStart?: number;
  /** Called at each wait, before the clock moves on: what "meanwhile" happens (a console change applied, Ctrl+C). */
  onSleep?: (ms: number) => void;
  /** Called with each piece of stderr as the run writes it (to act on what it says while it runs). */
  onStderr?: (text: string) => void;
  /** Who ends the run's request time limits; without it they run out in real time. */
  deadlines?: Deadlines;
}

/**
 * The time limits of a run's requests, ended by the test instead of by time passing: when a stand-in is holding a
 * request it will never answer, `expire()` is the moment the limit runs out. A limit that ends this way is the
 * TimeoutError `AbortSignal.timeout` gives, so the run reads it exactly as it reads a real one.
 */
export class Deadlines {
  private readonly pending = new Set<AbortController>();

  create(): Deadline {
    const controller = new AbortController();
    this.pending.add(controller);
    return { signal: controller.signal, clear: () => this.pending.delete(controller) };
  }

  /** How many limits are still set: each request clears its own when it ends. */
  get running(): number {
    return this.pending.size;
  }

  /** Every limit still set runs out now (one whose request has ended was cleared, and stays as it is). */
  expire(): void {
    for (const controller of this.pending) controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    this.pending.clear();
  }
}

function collect(stream: PassThrough, isTTY: boolean, onText?: (text: string) => void): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    const piece = chunk.toString('utf8');
    text += piece;
    onText?.(piece);
  });
  return { stream: Object.assign(stream, { isTTY }), text: () => text };
}

export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const terminal = options.answers !== undefined;
  const stdout = collect(new PassThrough(), terminal);
  const stderr = collect(new PassThrough(), terminal, options.onStderr);
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), { isTTY: terminal });
  const asked: string[] = [];
  const slept: number[] = [];
  let now = options.clockStart ?? Date.parse('2026-11-24T12:00:00Z');
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw new InterruptedError();
      slept.push(ms);
      options.onSleep?.(ms);
      // Ctrl+C meanwhile ends the wait, as it ends a real one.
      if (signal.aborted) throw new InterruptedError();
      now += ms;
    },
    deadline: (ms) => options.deadlines?.create() ?? systemClock.deadline(ms),
  };
  const answers = [...(options.answers ?? [])];
  const next = (question: Question): unknown => {
    asked.push(question.message);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`no scripted answer for "${question.message}"`);
    return typeof answer === 'function' ? answer(question) : answer;
  };
  const prompter = (): Prompter => ({
    text: async ({ message, validate, default: offered }) => {
      const value = String(next({ message, default: offered }));
      const verdict = validate?.(value) ?? true;
      if (verdict !== true) throw new Error(`scripted answer for "${message}" refused: ${verdict}`);
      return value;
    },
    secret: async ({ message }) => String(next({ message })),
    select: async <T>({ message, choices, default: offered }: { message: string; choices: Choice<T>[]; default?: T }) =>
      next({ message, choices: choices as Choice<unknown>[], default: offered ?? choices[0]?.value }) as T,
    confirm: async ({ message, default: offered }) => Boolean(next({ message, default: offered ?? true })),
  });
  const env = (options.exactEnv ? { ...options.env } : { PATH: process.env.PATH, NO_COLOR: '1', CONNECTOR_SETUP_SECRET_STORE: 'file', ...options.env }) as NodeJS.ProcessEnv;
  const code = await runCli(['node', 'connector-setup', ...argv], {
    registry: options.registry ?? connectors,
    env,
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    clock,
    prompter,
  });
  if (answers.length > 0) throw new Error(`${answers.length} scripted answer(s) left unused; asked: ${asked.join(' | ')}`);
  return { code, stdout: stdout.text(), stderr: stderr.text(), asked, slept };
}

/** A scripted answer that picks the choice whose label contains `label`. */
export function choose(label: string): (question: Question) => unknown {
  return ({ choices }) => {
    const found = choices?.find((choice) => choice.name.includes(label));
    if (!found) throw new Error(`no choice "${label}" in ${JSON.stringify(choices?.map((choice) => choice.name))}`);
    return found.value;
  };
}

/**
 * Ctrl+C as a terminal sends it to a run in this process: the run's own SIGINT handler is called (no signal
 * reaches the test's process). interrupt.test.ts sends real signals to the built CLI.
 */
export function pressCtrlC(): void {
  process.emit('SIGINT');
}
