import { InputError } from './errors.js';

const MAX_STDIN_BYTES = 64 * 1024;

/** Reads one line from standard input for a `--*-stdin` flag (the rest, if any, is ignored). */
export async function readStdinLine(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
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
