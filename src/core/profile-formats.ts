// A profile's values as the files and shells a team moves them through (`profiles export`), and read back from
// the same files (`profiles import`): POSIX `export` lines, dotenv (what `gh secret set -f` and Docker read),
// fish, PowerShell and JSON. Each writer quotes so that its reader gets back exactly the value.
import { InputError } from './errors.js';

export const EXPORT_FORMATS = ['env', 'dotenv', 'json', 'fish', 'powershell'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const IMPORT_FORMATS = ['json', 'dotenv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function parseFormat<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T): T {
  const format = (raw ?? fallback).trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(format)) {
    throw new InputError('invalid_input', `--format must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not "${format.slice(0, 20)}".`);
  }
  return format as T;
}

/** A value in single quotes, safe for POSIX shells whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish: inside single quotes only \' and \\ are escapes. */
export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (character) => `\\${character}`)}'`;
}

/** PowerShell: a single-quoted string is verbatim; a quote inside is written twice. */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => `${quote}${quote}`)}'`;
}

/**
 * dotenv: bare when nothing in the value means anything to a dotenv reader (Docker's --env-file takes the line
 * verbatim, so bare is the form every reader agrees on); otherwise double-quoted with \\ \" \$ \n escaped, as
 * godotenv (gh) and Docker Compose read it.
 */
export function dotenvQuote(value: string): string {
  if (/^[A-Za-z0-9_./:@+,~%=-]*$/.test(value)) return value;
  return `"${value.replace(/[\\"$]/g, (character) => `\\${character}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** One `NAME=value` line per variable, in the given order, as the format writes it. */
export function exportLines(format: Exclude<ExportFormat, 'json'>, variables: readonly [string, string][]): string[] {
  return variables.map(([name, value]) => {
    switch (format) {
      case 'env':
        return `export ${name}=${shellQuote(value)}`;
      case 'dotenv':
        return `${name}=${dotenvQuote(value)}`;
      case 'fish':
        return `set -gx ${name} ${fishQuote(value)}`;
      case 'powershell':
        return `$Env:${name} = ${powershellQuote(value)}`;
    }
  });
}

function badLine(number: number, why: string): InputError {
  return new InputError('invalid_input', `Line ${number} of the import is not a dotenv line: ${why}.`, 'Write NAME=value, one per line (profiles export --format dotenv or env writes it).');
}

/** A quoted part starting at `text[start]` (a quote); returns its value and where it ends. */
function quoted(text: string, start: number, number: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let index = start + 1; index < text.length; index += 1) {
    const character = text[index] as string;
    if (character === quote) return { value, end: index + 1 };
    if (quote === '"' && character === '\\' && index + 1 < text.length) {
      const next = text[index + 1] as string;
      value += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next;
      index += 1;
    } else value += character;
  }
  throw badLine(number, 'a quote is not closed');
}

/**
 * NAME=value lines as dotenv files and `export` lines have them: `#` comments and blank lines skipped, an optional
 * `export ` prefix, values bare, single-quoted (verbatim, POSIX `'\''` joins included) or double-quoted (\n \" \\ \$).
 */
export function parseDotenv(text: string): [string, string][] {
  const variables: [string, string][] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const number = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw badLine(number, 'it has no NAME=');
    const name = match[1] as string;
    const rest = match[2] as string;
    let value = '';
    let position = 0;
    while (position < rest.length) {
      const character = rest[position] as string;
      if (character === "'" || character === '"') {
        const part = quoted(rest, position, number);
        value += part.value;
        position = part.end;
      } else if (character === '\\' && rest[position + 1] === "'") {
        value += "'";
        position += 2;
      } else if (/\s/.test(character)) {
        // Whitespace ends the value; only a comment may follow.
        const after = rest.slice(position).trim();
        if (after !== '' && !after.startsWith('#')) throw badLine(number, `${name} has text after its value`);
        break;
      } else if (character === '#' && position === 0) {
        break;
      } else {
        value += character;
        position += 1;
      }
    }
    variables.push([name, value]);
  });
  return variables;
}
