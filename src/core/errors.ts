// Every failure the user can see is one of these: a stable code, a message, a hint naming the fix (data: see
// hint.ts), and the exit code of docs/contract.md. They become output and an exit status in exactly one place
// (program.ts, through core/render.ts).
import { BARE, type Hint, type HintSetting, renderHint } from './hint.js';
import { escapeControls } from './printable.js';

export type ExitCode = 0 | 1 | 2 | 3 | 130;

/** The run a failure is about, which completes its hint: its values (profile included) and whether it is the wizard. */
export type HintRun = Omit<HintSetting, 'program'>;

export class CliError extends Error {
  /** The run this failure is about, once a run has said so. */
  readonly run: HintRun | undefined = undefined;

  constructor(
    readonly code: string,
    message: string,
    readonly advice: Hint,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The hint as text for a tool started as `program` (the bare name unless told). */
  hintFor(program: readonly string[] = BARE): string {
    return renderHint(this.advice, { program, ...this.run });
  }

  /** The hint as text, for a tool on PATH. */
  get hint(): string {
    return this.hintFor();
  }

  /** The same failure with another hint. */
  withHint(advice: Hint): this {
    if (advice === this.advice) return this;
    return this.copyWith('advice', advice);
  }

  /** The same failure, about this run: its hint completed with the run's values, in the wizard's words there. */
  forRun(run: HintRun): this {
    return this.copyWith('run', run);
  }

  private copyWith(key: 'advice' | 'run', value: unknown): this {
    // Every own property, `message` included (an Error's is not enumerable), with one replaced.
    const copy = Object.create(Object.getPrototypeOf(this) as object, Object.getOwnPropertyDescriptors(this)) as this;
    Object.defineProperty(copy, key, { value, enumerable: true });
    return copy;
  }
}

/** Bad or missing input, unknown profile or connector, damaged config: nothing was sent (exit 2). */
export class InputError extends CliError {
  constructor(code: string, message: string, hint: Hint = '') {
    super(code, message, hint, 2);
  }
}

/** The service answered and said no (exit 1). */
export class RejectedError extends CliError {
  constructor(code: string, message: string, hint: Hint = '') {
    super(code, message, hint, 1);
  }
}

/** The service could not be asked: network, DNS, TLS, timeout, redirect, 5xx, unreadable answer (exit 3). */
export class UnreachableError extends CliError {
  /**
   * `requestSent`: false when the request cannot have reached the service (DNS, refused connection, TLS, a proxy
   * that would not tunnel), so nothing it asked for can have happened.
   */
  constructor(
    code: string,
    message: string,
    hint: Hint = '',
    readonly requestSent = true,
  ) {
    super(code, message, hint, 3);
  }
}

/** Ctrl+C at a prompt or during a request (exit 130). */
export class InterruptedError extends CliError {
  /** A step that may have changed something on the server says what and where to look. */
  constructor(message = 'Interrupted.', hint: Hint = 'Nothing was half-written; run the command again to start over.') {
    super('interrupted', message, hint, 130);
  }
}

export interface ErrorJson {
  code: string;
  message: string;
  hint: string;
}

/** A user's value quoted for a message: control characters shown as escapes, never sent to the terminal. */
export function quoteValue(value: string, maxLength = 80): string {
  const shown = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return escapeControls(JSON.stringify(shown));
}
