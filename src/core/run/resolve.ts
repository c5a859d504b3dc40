// Value resolution, highest first: flags and --*-stdin, environment, saved profile. Prompts come last and
// live in each connector's wizard steps; this module only says what is known and what is missing.
import { InputError } from '../errors.js';
import { isSecretReference } from '../store/secret-references.js';
import { type FieldSpec, describeSources, optionKey } from './fields.js';

export type ValueSource = 'flag' | 'stdin' | 'env' | 'profile' | 'reference' | 'default';

/** A value given on the command line, on stdin or in the environment: the user's answer for this run. */
export function isExplicit(source: string | undefined): boolean {
  return source === 'flag' || source === 'stdin' || source === 'env';
}

export interface ResolveInput {
  fields: readonly FieldSpec[];
  /** Parsed command options, keyed as commander names them. */
  options: Record<string, unknown>;
  /** The line read from stdin, when one `--*-stdin` flag was given. */
  stdinLine?: string;
  env: NodeJS.ProcessEnv;
  saved?: { values: Record<string, string>; secrets: Record<string, string>; references?: Record<string, string> };
  /** How messages name the saved profile, e.g. with its file (a hand-edited value must be findable). */
  savedFrom?: string;
}

export interface ResolvedValues {
  values: Record<string, string>;
  sources: Record<string, ValueSource>;
  /** Things worth telling the user, e.g. that whitespace around a pasted secret was removed. */
  notices: string[];
  /** Saved secrets that are references to the team's vault (key -> reference): the run reads them before it starts. */
  references: Record<string, string>;
}

/** The `--*-stdin` flag given, if any; two at once are refused since stdin holds one line. */
export function stdinField(fields: readonly FieldSpec[], options: Record<string, unknown>): FieldSpec | undefined {
  const requested = fields.filter((field) => field.stdinFlag && options[optionKey(field.stdinFlag)] === true);
  if (requested.length > 1) {
    throw new InputError(
      'invalid_input',
      `Only one --*-stdin flag can be used at a time (${requested.map((field) => field.stdinFlag).join(', ')}).`,
      'Pass the other secrets through their environment variables.',
    );
  }
  return requested[0];
}

function parseFrom(field: FieldSpec, raw: string, where: string, notices: string[]): string {
  try {
    const value = field.parse(raw);
    if (field.secret && value !== raw) notices.push(`Removed whitespace around the ${field.label} (${where}).`);
    return value;
  } catch (error) {
    if (error instanceof InputError) {
      throw new InputError(error.code, `${error.message} (from ${where})`, error.hint);
    }
    throw error;
  }
}

export function resolveValues(input: ResolveInput): ResolvedValues {
  const values: Record<string, string> = {};
  const sources: Record<string, ValueSource> = {};
  const notices: string[] = [];
  const references: Record<string, string> = {};
  const fromStdin = stdinField(input.fields, input.options);
  // A secret given as a reference (on stdin, in a CI variable) is read from the vault like a saved one.
  const asReference = (field: FieldSpec, raw: string): boolean => {
    if (!field.secret || !isSecretReference(raw.trim())) return false;
    references[field.key] = raw.trim();
    sources[field.key] = 'reference';
    return true;
  };
  for (const field of input.fields) {
    const flagValue = field.flag ? input.options[optionKey(field.flag)] : undefined;
    const envValue = field.env ? input.env[field.env] : undefined;
    const savedValue = field.secret ? input.saved?.secrets[field.key] : input.saved?.values[field.key];
    const savedReference = field.secret ? input.saved?.references?.[field.key] : undefined;
    if (typeof flagValue === 'string') {
      values[field.key] = parseFrom(field, flagValue, field.flag ?? 'flag', notices);
      sources[field.key] = 'flag';
    } else if (fromStdin === field && input.stdinLine !== undefined) {
      if (asReference(field, input.stdinLine)) continue;
      values[field.key] = parseFrom(field, input.stdinLine, field.stdinFlag ?? 'stdin', notices);
      sources[field.key] = 'stdin';
    } else if (envValue !== undefined && envValue !== '') {
      if (asReference(field, envValue)) continue;
      values[field.key] = parseFrom(field, envValue, field.env ?? 'environment', notices);
      sources[field.key] = 'env';
    } else if (savedReference !== undefined) {
      references[field.key] = savedReference;
      sources[field.key] = 'reference';
    } else if (savedValue !== undefined) {
      values[field.key] = parseFrom(field, savedValue, input.savedFrom ?? 'the saved profile', notices);
      sources[field.key] = 'profile';
    } else if (field.defaultValue !== undefined) {
      values[field.key] = field.defaultValue;
      sources[field.key] = 'default';
    }
  }
  return { values, sources, notices, references };
}

export function missingInput(field: FieldSpec, why = ''): InputError {
  return new InputError(
    'missing_input',
    `Missing ${field.label}${why}.`,
    `Pass ${describeSources(field)}, or run it in a terminal to be asked.`,
  );
}

/** Every missing value at once, so a script is fixed in one go rather than one run per value. */
export function missingInputs(fields: readonly FieldSpec[], why = ''): InputError {
  const [only] = fields;
  if (fields.length === 1 && only) return missingInput(only, why);
  return new InputError(
    'missing_input',
    `Missing ${fields.map((field) => field.label).join(', ')}${why}.`,
    `Pass ${fields.map((field) => `${field.label}: ${describeSources(field)}`).join('; ')}; or run it in a terminal to be asked.`,
  );
}
