// Every failure the user can see is one of these: a stable code, a message, a hint naming the fix, and
// the exit code of docs/contract.md. They become output and an exit status in exactly one place (program.ts, through
// core/render.ts).

export type ExitCode = 0 | 1 | 2 | 3 | 130;

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The same failure with another hint (e.g. its commands completed with the run's profile). */
  withHint(hint: string): this {
    if (hint === this.hint) return this;
    // Every own property, `message` included (an Error's is not enumerable), with the hint replaced.
    const copy = Object.create(Object.getPrototypeOf(this) as object, Object.getOwnPropertyDescriptors(this)) as this;
    Object.defineProperty(copy, 'hint', { value: hint, enumerable: true });
    return copy;
  }
}

/** Bad or missing input, unknown profile or connector, damaged config: nothing was sent (exit 2). */
export class InputError extends CliError {
  constructor(code: string, message: string, hint = '') {
    super(code, message, hint, 2);
  }
}

/** The service answered and said no (exit 1). */
export class RejectedError extends CliError {
  constructor(code: string, message: string, hint = '') {
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
    hint = '',
    readonly requestSent = true,
  ) {
    super(code, message, hint, 3);
  }
}

/** Ctrl+C at a prompt or during a request (exit 130). */
export class InterruptedError extends CliError {
  /** A step that may have changed something on the server says what and where to look. */
  constructor(message = 'Interrupted.', hint = 'Nothing was half-written; run the command again to start over.') {
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
  return JSON.stringify(shown).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
