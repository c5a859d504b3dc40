import { InputError } from '../errors.js';
import type { Prompter } from './prompts.js';
import { command } from '../hint.js';

const MAX_STDIN_BYTES = 64 * 1024;

export interface StdinRequest {
  /** The field the flag fills, to name it when standard input is a terminal. */
  field: { label: string; stdinFlag?: string };
  /** Asks when stdin is a terminal; absent under --no-input or with no terminal to ask on (then refused). */
  prompter: Prompter | undefined;
}

/**
 * Reads one line from standard input for a `--*-stdin` flag (the rest, if any, is ignored). When standard input
 * is a terminal nothing was piped: the value is asked for masked (a plain read would echo the secret), or, where
 * nothing may be asked, refused with the ways that work.
 */
export async function readStdinLine(request: StdinRequest, stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) return askMasked(request);
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n') || text.length > MAX_STDIN_BYTES) break;
  }
  if (text.length > MAX_STDIN_BYTES) {
    throw new InputError('invalid_input', 'Standard input is longer than 64 KiB; a single secret line was expected.');
  }
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  return text.split(/\r?\n/, 1)[0] ?? '';
}

async function askMasked({ field, prompter }: StdinRequest): Promise<string> {
  const flag = field.stdinFlag ?? 'the --*-stdin flag';
  if (!prompter) {
    throw new InputError(
      'invalid_input',
      `${flag} reads the ${field.label} from a pipe, but standard input is a terminal.`,
      ['Pipe it in (e.g. pbpaste | ', command('…', flag), '), or set its environment variable.'],
    );
  }
  return prompter.secret({ message: `${field.label} (${flag}; typing is hidden)` });
}
