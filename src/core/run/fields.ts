// What a connector asks for, and where each value may come from (docs/contract.md, "Where values come from").
import { InputError, quoteValue } from '../errors.js';
import { parseHostPort, parseOrigin, parseSecret } from './validate.js';

export interface FieldSpec {
  key: string;
  /** The name the user sees, as in the partner's console and in Cyclr. */
  label: string;
  /** A plain-value flag; secrets never have one (shell history, `ps`). */
  flag?: string;
  /** `--x-stdin`: read the value as one line from standard input. */
  stdinFlag?: string;
  env?: string;
  secret?: boolean;
  /** A person's own password: shown only as set, never even its last characters. */
  password?: boolean;
  /** Short-lived (Invenias' API Key): used in the run, never saved. */
  transient?: boolean;
  /** Its place in the list of values to enter in Cyclr; absent when Cyclr does not ask for it. */
  cyclrOrder?: number;
  /** Only creating or renewing an application uses it; a verify does not (so `profiles export` leaves it out). */
  setupOnly?: boolean;
  /** A moment that matters only while it is ahead (until when a previous secret works): once passed, it is not shown. */
  onlyWhileAhead?: boolean;
  /** The values it takes, when it takes a fixed few (or these are the usual ones): shell completion offers them. */
  choices?: readonly string[];
  /** Optional fields fall back to `defaultValue` instead of ending the run. */
  defaultValue?: string;
  description: string;
  /** What a value looks like, shown in a hint when one is refused (`auth.pingone.eu`). */
  example?: string;
  /** The form its flag takes, when the label does not say it: `--help` shows it after the label. */
  form?: string;
  /**
   * Says where the credentials go (Invenias' subdomain and base URL; PingOne's Auth Domain and Environment ID): these
   * are resolved as one unit, so a location given for this run is never completed with another from the profile.
   */
  location?: boolean;
  /** Validates and normalises; throws InputError naming the field. */
  parse(raw: string): string;
}

export function secretField(spec: Omit<FieldSpec, 'parse' | 'secret'>): FieldSpec {
  return { ...spec, secret: true, parse: (raw) => parseSecret(raw, spec.label).value };
}

/** A host[:port] field (`https://` and a trailing slash removed); a refused value's hint shows the field's example. */
export function hostField(spec: Omit<FieldSpec, 'parse'>): FieldSpec {
  return { ...spec, parse: (raw) => parseHostPort(raw, spec.label, spec.example) };
}

/** An https:// origin field (scheme and host[:port] only); a refused value's hint shows the field's example. */
export function originField(spec: Omit<FieldSpec, 'parse'>): FieldSpec {
  return { ...spec, parse: (raw) => parseOrigin(raw, spec.label, spec.example) };
}

/** Flags' keys as worked out once: a batch looks up every field's flags for each of a thousand profiles. */
const optionKeys = new Map<string, string>();

/** `--client-id` -> `clientId`, as commander names option values. */
export function optionKey(flag: string): string {
  let key = optionKeys.get(flag);
  if (key === undefined) {
    key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    optionKeys.set(flag, key);
  }
  return key;
}

/** "--client-id or set PINGONE_CLIENT_ID", for messages about a missing value. */
export function describeSources(field: FieldSpec): string {
  const ways = [field.flag, field.stdinFlag, field.env && `set ${field.env}`].filter(Boolean);
  return ways.join(' or ');
}

/** Each key's first field, in the fields' order: where two fields have one key, the first stands for it. */
export function fieldsByKey(fields: readonly FieldSpec[]): Map<string, FieldSpec> {
  const byKey = new Map<string, FieldSpec>();
  for (const field of fields) if (!byKey.has(field.key)) byKey.set(field.key, field);
  return byKey;
}

/**
 * How a saved profile is checked when read: its connector is one this version knows, and each of its values passes
 * the same rules as input (a hand-edited host is not trusted as is). Returns what is wrong, or undefined.
 */
export function savedProfileCheck(connectors: readonly { name: string; fields: readonly FieldSpec[] }[]) {
  // A thousand profiles share a few hosts and environments: each field's value that passed is not parsed again.
  const passed = new Map<FieldSpec, Set<string>>();
  // Each connector's fields by key (the first with that key), found once rather than for every value of every profile.
  const fieldsOf = new Map<string, Map<string, FieldSpec>>();
  return (connector: string, values: Readonly<Record<string, string>>): string | undefined => {
    let fields = fieldsOf.get(connector);
    if (!fields) {
      const spec = connectors.find((candidate) => candidate.name === connector);
      if (!spec) return `${quoteValue(connector)} is not a connector this version knows (${connectors.map((candidate) => candidate.name).join(', ')})`;
      fields = fieldsByKey(spec.fields);
      fieldsOf.set(connector, fields);
    }
    // The values as the store read them, with no prototype: for...in sees their own keys, in order, and makes no array.
    for (const key in values) {
      const value = values[key] as string;
      const field = fields.get(key);
      if (!field || field.secret) continue;
      let valid = passed.get(field);
      if (valid?.has(value)) continue;
      try {
        field.parse(value);
      } catch (error) {
        if (error instanceof InputError) return error.message;
        throw error;
      }
      if (!valid) passed.set(field, (valid = new Set()));
      valid.add(value);
    }
    return undefined;
  };
}
