// What a run of the CLI talks to (its surroundings) and what each command is given on top: the output it renders
// with. main.ts passes the process's own surroundings; tests pass their streams, environment, clock and registry.
import type { Writable } from 'node:stream';
import type { Clock } from '../clock.js';
import type { Redactor } from '../redact.js';
import type { Output } from '../terminal/output.js';
import type { Prompter } from '../terminal/prompts.js';
import type { Connector } from './connector.js';

/** What a run of the CLI talks to; main.ts passes the process's own. */
export interface CliDeps {
  registry: readonly Connector[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  clock: Clock;
  /** Asks the wizard's questions; the terminal's (inquirer) unless a test scripts the answers. */
  prompter?: (signal: AbortSignal) => Prompter;
}

/** What each command is given: the output (and its redactor) main renders with, and the process's surroundings. */
export interface Io extends CliDeps {
  out: Output;
  redactor: Redactor;
}
