// What a server said in an error answer, as much of it as an error message repeats.
import { isRecord, parseJson } from '../json.js';
import type { Redaction } from '../redact.js';

/** How much of a server's own words an error repeats. */
const MAX_SERVER_WORDS = 200;

/**
 * What a server said in an error answer (a JSON message or plain text, never an HTML page): redacted (a fragment of
 * a secret included) before it is cut short, on one line; undefined when it said nothing readable.
 */
export function serverWords(text: string, redactor: Redaction): string | undefined {
  const body = parseJson(text);
  let said: unknown = typeof body === 'string' ? body : undefined;
  if (isRecord(body)) {
    const key = Object.keys(body).find((name) => ['message', 'error_description', 'title', 'detail', 'error'].includes(name.toLowerCase()) && typeof body[name] === 'string');
    said = key === undefined ? undefined : body[key];
  } else if (body === undefined && !/^\s*</.test(text)) {
    said = text;
  }
  if (typeof said !== 'string') return undefined;
  const quoted = redactor.quote(said, MAX_SERVER_WORDS);
  return quoted === '' ? undefined : quoted;
}
