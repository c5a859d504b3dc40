// Value resolution, highest first: flags and --*-stdin, environment, saved profile. Prompts come last and
// live in each connector's wizard steps; this module only says what is known and what is missing.
import { InputError } from '../errors.js';
import { joinHints } from '../hint.js';
import { isSecretReference } from '../store/secret-references.js';
import { type FieldSpec, describeSources, optionKey } from './fields.js';

export type ValueSource = 'flag' | 'stdin' | 'env' | 'profile' | 'reference' | 'default';

/**
 * Why a run asks no questions, which decides what its "missing value" hint offers besides the flags: `verify` (a
 * terminal could ask, but --verify never does), `no-input` (a terminal, with --no-input), `no-terminal`, or `never`
 * (a batch, or --verify without a terminal: passing the values is the only way).
 */
export type NotAsked = 'verify' | 'no-input' | 'no-terminal' | 'never';

const TO_BE_ASKED: Record<NotAsked, string> = {
  verify: ' (--verify never asks; drop --verify to be asked)',
  'no-input': ', or drop --no-input to be asked',
  'no-terminal': ', or run it in a terminal to be asked',
  never: '',
};

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
  const savedLocation = savedLocationUsable(input);
  // Every refused value is reported at once, so a script is fixed in one go rather than one run per value.
  const refused: InputError[] = [];
  const parsed = (field: FieldSpec, raw: string, where: string): string | undefined => {
    try {
      return parseFrom(field, raw, where, notices);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      refused.push(error);
      return undefined;
    }
  };
  // Saved references are the profile's credentials too: never sent to a location other than the saved one.
  const fromProfile = new Set<string>();
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
    const savedValue = field.location && !savedLocation ? undefined : field.secret ? input.saved?.secrets[field.key] : input.saved?.values[field.key];
    const savedReference = field.secret ? input.saved?.references?.[field.key] : undefined;
    if (typeof flagValue === 'string') {
      const value = parsed(field, flagValue, field.flag ?? 'flag');
      if (value === undefined) continue;
      values[field.key] = value;
      sources[field.key] = 'flag';
    } else if (fromStdin === field && input.stdinLine !== undefined) {
      if (asReference(field, input.stdinLine)) continue;
      const value = parsed(field, input.stdinLine, field.stdinFlag ?? 'stdin');
      if (value === undefined) continue;
      values[field.key] = value;
      sources[field.key] = 'stdin';
    } else if (envValue !== undefined && envValue !== '') {
      if (asReference(field, envValue)) continue;
      const value = parsed(field, envValue, field.env ?? 'environment');
      if (value === undefined) continue;
      values[field.key] = value;
      sources[field.key] = 'env';
    } else if (savedReference !== undefined) {
      references[field.key] = savedReference;
      sources[field.key] = 'reference';
      fromProfile.add(field.key);
    } else if (savedValue !== undefined) {
      const value = parsed(field, savedValue, input.savedFrom ?? 'the saved profile');
      if (value === undefined) continue;
      values[field.key] = value;
      sources[field.key] = 'profile';
    } else if (field.defaultValue !== undefined) {
      values[field.key] = field.defaultValue;
      sources[field.key] = 'default';
    }
  }
  if (refused.length > 0) throw allRefused(refused);
  if (!savedLocation) refuseSavedCredentialsElsewhere(input, sources, fromProfile);
  return { values, sources, notices, references };
}

/** True when every value of `keys` is given for the run (a flag, the --*-stdin line, or the environment). */
export function allGiven(fields: readonly FieldSpec[], keys: readonly string[], options: Record<string, unknown>, env: NodeJS.ProcessEnv, fromStdin: FieldSpec | undefined): boolean {
  return keys.every((key) => {
    const field = fields.find((candidate) => candidate.key === key);
    if (!field) return false;
    const flagValue = field.flag ? options[optionKey(field.flag)] : undefined;
    const envValue = field.env ? env[field.env] : undefined;
    return typeof flagValue === 'string' || fromStdin === field || (envValue !== undefined && envValue !== '');
  });
}

/** A location value given for this run (flag or environment), as the field reads it; undefined when not given. */
function givenLocation(field: FieldSpec, input: ResolveInput): { value: string; where: string } | undefined {
  const flagValue = field.flag ? input.options[optionKey(field.flag)] : undefined;
  if (typeof flagValue === 'string') {
    const value = field.parse(flagValue);
    return { value, where: `${field.flag} ${value}` };
  }
  const envValue = field.env ? input.env[field.env] : undefined;
  if (envValue !== undefined && envValue !== '') {
    const value = field.parse(envValue);
    return { value, where: `${field.env}=${value}` };
  }
  return undefined;
}

/**
 * The saved location completes the run's only when every location value given for the run is the saved one:
 * a subdomain given beside a saved base URL of another tenant would otherwise send one tenant's credentials to
 * another's host.
 */
function savedLocationUsable(input: ResolveInput): boolean {
  if (!input.saved) return true;
  return input.fields.every((field) => {
    if (!field.location) return true;
    try {
      const given = givenLocation(field, input);
      return given === undefined || given.value === input.saved?.values[field.key];
    } catch (error) {
      // A location that does not parse is not the saved one; it is reported with the other refused values.
      if (error instanceof InputError) return false;
      throw error;
    }
  });
}

/** One refused value as it is; several as one failure listing each with its fix. */
function allRefused(refused: readonly InputError[]): InputError {
  const [only] = refused;
  if (refused.length === 1 && only) return only;
  const seen = new Set<string>();
  const hints = refused.flatMap((error) => {
    if (error.hint === '' || seen.has(error.hint)) return [];
    seen.add(error.hint);
    return seen.size > 1 ? [' ', error.advice] : [error.advice];
  });
  return new InputError(
    refused.every((error) => error.code === 'invalid_input') ? 'invalid_input' : (only?.code ?? 'invalid_input'),
    `${refused.length} values were refused: ${refused.map((error) => error.message.replace(/\.?( \(from [^)]*\))?$/, '$1')).join('; ')}.`,
    joinHints(...hints),
  );
}

/**
 * A location other than the saved one was given: the profile's credentials (its Client ID, secrets, user) belong
 * to the saved location and are never sent to another. Refused before anything is sent (exit 2).
 */
function refuseSavedCredentialsElsewhere(input: ResolveInput, sources: Record<string, ValueSource>, fromProfile: ReadonlySet<string>): void {
  const credentials = input.fields.filter(
    (field) => !field.location && (field.secret || field.cyclrOrder !== undefined) && (sources[field.key] === 'profile' || fromProfile.has(field.key)),
  );
  if (credentials.length === 0) return;
  const locations = input.fields.filter((field) => field.location);
  const given = locations.flatMap((field) => givenLocation(field, input)?.where ?? []);
  const saved = locations.flatMap((field) => {
    const value = input.saved?.values[field.key];
    return value === undefined ? [] : [`${field.label} ${value}`];
  });
  throw new InputError(
    'location_mismatch',
    `${given.join(' with ')} is not where ${input.savedFrom ?? 'the saved profile'} points (${saved.join(', ')}); its ${inWords(credentials.map((field) => field.label))} belong there and are not sent elsewhere.`,
    `Use another profile for the new place (--profile NAME), or give every value for it (${credentials.map((field) => describeSources(field)).join('; ')}).`,
  );
}

/**
 * Every missing value at once, so a script is fixed in one go rather than one run per value. `notAsked` says why
 * nobody was asked, so the hint offers the way to be asked that works (undefined: the run could ask; none offered).
 */
export function missingInputs(fields: readonly FieldSpec[], why: string, notAsked: NotAsked | undefined): InputError {
  const [only] = fields;
  const asked = notAsked ? TO_BE_ASKED[notAsked] : '';
  const pass =
    fields.length === 1 && only
      ? `Pass ${describeSources(only)}`
      : `Pass ${fields.map((field) => `${field.label}: ${describeSources(field)}`).join('; ')}${asked.startsWith(',') ? ';' : ''}`;
  return new InputError('missing_input', `Missing ${fields.map((field) => field.label).join(', ')}${why}.`, `${pass}${fields.length > 1 && asked.startsWith(',') ? asked.slice(1) : asked}.`);
}

/** "A, B and C". */
function inWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
