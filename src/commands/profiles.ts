// `connector-setup profiles list|show|export|remove`: what is saved, where its secret lives, and a way to
// turn a profile into CI variables.
import type { Connector } from '../core/run/connector.js';
import { type FieldSpec, fieldsByKey, savedProfileCheck } from '../core/run/fields.js';
import { type Hint, command } from '../core/hint.js';
import { revealCommand } from '../core/terminal/render.js';
import { copyToClipboard } from '../core/terminal/clipboard.js';
import { InputError, quoteValue } from '../core/errors.js';
import type { CommandOutcome, ProfileView } from '../core/outcome.js';
import { EXPORT_FORMATS, IMPORT_FORMATS, exportLines, parseDotenv, parseFormat } from '../core/profile-formats.js';
import { type ProfileStore, type ProfileWithSecrets, type StoredProfile, chosenProfileName, openProfileStore, parseProfileName } from '../core/store/profile-store.js';
import { createPrompter } from '../core/terminal/prompts.js';
import { isSecretReference, parseSecretReference, resolveSecretReference } from '../core/store/secret-references.js';
import { toolEnvironment } from '../core/store/vault-tools.js';
import { interruptedByCtrlC } from '../core/run/session.js';
import { type Redactor, maskSecret } from '../core/redact.js';
import { findConnector } from '../core/run/registry.js';
import type { Io } from '../core/run/io.js';

/** The profile a subcommand is about, as typed: `<connector> [name]` (the name defaults to CONNECTOR_SETUP_PROFILE, else `default`). */
interface ProfileArguments {
  connector: string;
  name: string | undefined;
}

/** What `profiles show` is given, parsed once from its command line. */
export interface ProfilesShowOptions extends ProfileArguments {
  showSecrets: boolean;
  /** --copy FIELD: the field whose value goes to the clipboard. */
  copy: string | undefined;
}

/** What `profiles export` is given. */
export interface ProfilesExportOptions extends ProfileArguments {
  /** --format: env, dotenv, json, fish or powershell (anything else is refused here). */
  format: string;
  /** --show-secrets: print them on a terminal without asking. */
  showSecrets: boolean;
}

/** What `profiles remove` is given. */
export interface ProfilesRemoveOptions extends ProfileArguments {
  name: string;
  /** --yes: no question asked (scripts). */
  yes: boolean;
}

interface ProfilesRun {
  store: ProfileStore;
  redactor: Redactor;
  registry: Io['registry'];
}

/** Runs one subcommand on the profile store; it returns what to show, which main renders like every outcome. */
async function runProfiles(io: Io, work: (run: ProfilesRun) => Promise<CommandOutcome>, secretStore?: string): Promise<CommandOutcome> {
  const store = openProfileStore({ env: io.env, clock: io.clock, notice: (text) => io.out.warn(text), store: secretStore, checkProfile: savedProfileCheck(io.registry) });
  try {
    return await work({ store, redactor: io.redactor, registry: io.registry });
  } finally {
    store.close();
  }
}

async function findProfile(store: ProfileStore, connector: Connector, rawName: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<ProfileWithSecrets> {
  const { name } = chosenProfileName(rawName, env);
  const profile = await store.get(connector.name, name);
  if (!profile) throw await profileNotFound(store, connector, name);
  return profile;
}

/** "No such profile", with the names that do exist for that connector (the usual slip: a name left out). */
async function profileNotFound(store: ProfileStore, connector: Connector, name: string): Promise<InputError> {
  const names = (await store.list()).filter((profile) => profile.connector === connector.name).map((profile) => profile.name);
  const hint: Hint =
    names.length === 0
      ? [`No ${connector.title} profile is saved; run `, command(connector.name), ' to make one.']
      : [`Saved ${connector.title} profiles: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''} (`, command('profiles', 'list'), ' shows them all).'];
  return new InputError('profile_not_found', `No ${connector.title} profile named "${name}".`, hint);
}

/** A list's short word for where the secrets are: keychain, file, or the vault tools its references name. */
function secretIn(profile: StoredProfile): string {
  if (profile.references === undefined) return profile.secretStore;
  const tools = [...new Set(Object.values(profile.references ?? {}).map((text) => parseSecretReference(text)?.tool))].filter(Boolean);
  return tools.length > 0 ? tools.join(',') : profile.secretStore;
}

/** Where the profile's secrets are: the keychain, the file, or the team's vault the references name. */
function secretPlace(profile: ProfileWithSecrets, store: ProfileStore): string {
  const tools = [...new Set(Object.values(profile.references ?? {}).map((text) => parseSecretReference(text)?.tool))].filter(Boolean);
  const local = profile.secretStore === 'keychain' ? 'the OS keychain' : store.secretsPath;
  if (tools.length === 0) return local;
  const vaults = `the team vault (${tools.join(', ')}), read when used`;
  return Object.keys(profile.secrets).length === 0 ? vaults : `${vaults}; others in ${local}`;
}

/** The saved secrets a verify needs that the profile's store no longer holds (a keychain item or secrets.json entry gone). */
function missingSecrets(connector: Connector, profile: ProfileWithSecrets): FieldSpec[] {
  return connector.fields.filter(
    (field) => field.secret && !field.transient && !field.setupOnly && profile.secrets[field.key] === undefined && profile.references?.[field.key] === undefined,
  );
}

/** The non-secret values, and the secret ones masked or shown, in the connector's field order. */
function describeValues(connector: Connector | undefined, profile: ProfileWithSecrets, showSecrets: boolean): Record<string, string> {
  const described: Record<string, string> = { ...profile.values };
  for (const [key, value] of Object.entries(profile.secrets)) {
    const password = connector?.fields.find((field) => field.key === key)?.password;
    described[key] = showSecrets ? value : maskSecret(value, password ? 'password' : 'secret');
  }
  // A reference names where the secret is, not what it is: shown as saved.
  Object.assign(described, profile.references);
  if (!connector) return described;
  const ordered: Record<string, string> = {};
  for (const field of connector.fields) if (described[field.key] !== undefined) ordered[field.key] = described[field.key] as string;
  return { ...ordered, ...described };
}

/**
 * A connector's fields as list and show lay a profile out: each key once, at its first field (under that field's
 * label), and the keys of the moments that matter only while ahead. Made once per connector, not per profile.
 */
interface Layout {
  labelled: readonly FieldSpec[];
  keys: ReadonlyMap<string, FieldSpec>;
  whileAhead: readonly string[];
}

const layouts = new WeakMap<Connector, Layout>();
const NO_FIELDS: Layout = { labelled: [], keys: new Map(), whileAhead: [] };

function layoutOf(connector: Connector | undefined): Layout {
  if (!connector) return NO_FIELDS;
  let layout = layouts.get(connector);
  if (!layout) {
    const keys = fieldsByKey(connector.fields);
    const whileAhead = connector.fields.filter((field) => field.onlyWhileAhead).map((field) => field.key);
    layouts.set(connector, (layout = { labelled: [...keys.values()], keys, whileAhead }));
  }
  return layout;
}

/** The profile as list and show present it: a moment that matters only while ahead is left out once it has passed. */
function asShown<T extends StoredProfile>(connector: Connector | undefined, profile: T, now: number): T {
  const { whileAhead } = layoutOf(connector);
  let holdsOne = false;
  for (let index = 0; index < whileAhead.length && !holdsOne; index += 1) holdsOne = profile.values[whileAhead[index] as string] !== undefined;
  // Most profiles hold no such moment: they are shown as they are (nothing here changes them).
  if (!holdsOne) return profile;
  const passed = (key: string, value: string): boolean => whileAhead.includes(key) && !(Date.parse(value) > now);
  return { ...profile, values: Object.fromEntries(Object.entries(profile.values).filter(([key, value]) => !passed(key, value))) };
}

function listEntry(profile: StoredProfile): Record<string, unknown> {
  return {
    connector: profile.connector,
    profile: profile.name,
    // The key before `profile` (as setup and verify say it); kept for one version so scripts can move.
    name: profile.name,
    values: profile.values,
    secretStore: profile.secretStore,
    ...(profile.references ? { references: profile.references } : {}),
    lastVerified: profile.lastVerified,
    expiresOn: profile.expiresOn,
  };
}

/** A profile as list and show present it: each value under its label, in the connector's field order. */
function profileView(connector: Connector | undefined, profile: StoredProfile, values: Record<string, string>, secretStoredIn: string): ProfileView {
  const shown: { label: string; value: string }[] = [];
  // The connector's fields first, under their labels, then any other key saved, under its name. Indexed: a thousand
  // profiles are listed, and an iterator per profile is most of the work.
  const { labelled, keys } = layoutOf(connector);
  for (let index = 0; index < labelled.length; index += 1) {
    const { key, label } = labelled[index] as FieldSpec;
    const value = values[key];
    if (value !== undefined) shown.push({ label, value });
  }
  const saved = Object.keys(values);
  for (let index = 0; index < saved.length; index += 1) {
    const key = saved[index] as string;
    const value = values[key];
    if (value !== undefined && !keys.has(key)) shown.push({ label: key, value });
  }
  return {
    connector: profile.connector,
    name: profile.name,
    values: shown,
    secretStoredIn,
    lastVerified: profile.lastVerified,
    expiresOn: profile.expiresOn,
  };
}

export function runProfilesList(io: Io): Promise<CommandOutcome> {
  return runProfiles(io, async ({ store, registry }) => {
    const now = io.clock.now();
    // Each profile's connector by name, as registry.find would find it, without a search per profile.
    const connectors = new Map<string, Connector>();
    for (const connector of registry) if (!connectors.has(connector.name)) connectors.set(connector.name, connector);
    const connectorOf = (name: string): Connector | undefined => connectors.get(name);
    const profiles = (await store.list()).map((profile) => asShown(connectorOf(profile.connector), profile, now));
    // Only what is printed is made: the document under --json, else the blocks for people.
    if (io.out.json) return { kind: 'profile-list', json: { profiles: profiles.map(listEntry) }, profiles: [], now };
    return {
      kind: 'profile-list',
      profiles: profiles.map((profile) =>
        profileView(connectorOf(profile.connector), profile, profile.references ? { ...profile.values, ...profile.references } : profile.values, secretIn(profile)),
      ),
      now,
    };
  });
}

/** A field as `--copy` names it: its flag without dashes or `-stdin` (`client-secret`). */
function flagName(field: FieldSpec): string {
  return (field.flag ?? field.stdinFlag ?? '').replace(/^--/, '').replace(/-stdin$/, '');
}

/** A field named by its key or its flag (`clientSecret`, `client-secret`, `--client-secret-stdin`), among those saved. */
function copiedField(connector: Connector, profile: ProfileWithSecrets, asked: string): { label: string; value: string } {
  const saved = { ...profile.values, ...profile.secrets, ...profile.references };
  const present = connector.fields.filter((field) => saved[field.key] !== undefined);
  const wanted = asked.trim().replace(/^--/, '').replace(/-stdin$/, '').toLowerCase();
  const field = present.find((candidate) => candidate.key.toLowerCase() === wanted || flagName(candidate) === wanted);
  if (!field) {
    throw new InputError(
      'invalid_input',
      `--copy names no saved value of profile "${profile.name}" (${connector.name}): ${quoteValue(asked, 40)}.`,
      `Copy one of: ${present.map((candidate) => `${candidate.key} (${flagName(candidate)})`).join(', ')}.`,
    );
  }
  return { label: field.label, value: saved[field.key] as string };
}

/** `profiles show --copy FIELD`: the value goes to the clipboard, and only a line saying how reaches the screen. */
async function copyFromProfile(io: Io, connector: Connector, profile: ProfileWithSecrets, asked: string): Promise<CommandOutcome> {
  const { redactor } = io;
  const field = copiedField(connector, profile, asked);
  // Every saved secret, not only the copied value: a variable holding one is kept from the clipboard tool too.
  for (const secret of Object.values(profile.secrets)) redactor.add(secret);
  const reference = profile.references && Object.values(profile.references).includes(field.value) ? parseSecretReference(field.value) : undefined;
  // A reference is copied as the secret it names, read through its vault's CLI.
  const value = reference ? await resolveSecretReference(reference, toolEnvironment(io.env)) : field.value;
  const label = field.label;
  redactor.add(value);
  const copy = await copyToClipboard(value, ['Show it instead: ', ...revealCommand(connector.name, profile.name)], { terminal: io.stdout, env: io.env, redactor });
  return {
    kind: 'profile-copied',
    json: { ok: true, connector: connector.name, profile: profile.name, copied: label, method: copy.method, confirmed: copy.confirmed },
    what: `the ${label} of profile "${profile.name}" (${connector.name})`,
    copy,
  };
}

export function runProfilesShow(io: Io, options: ProfilesShowOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ store, redactor, registry }) => {
    const connector = findConnector(registry, options.connector);
    const saved = await findProfile(store, connector, options.name, io.env);
    if (options.copy !== undefined) return copyFromProfile(io, connector, saved, options.copy);
    const profile = asShown(connector, saved, io.clock.now());
    const { showSecrets } = options;
    if (!showSecrets) Object.values(profile.secrets).forEach((secret) => redactor.add(secret));
    const values = describeValues(connector, profile, showSecrets);
    const missing = missingSecrets(connector, profile);
    const warnings: Hint[] = [];
    if (missing.length > 0) {
      const labels = missing.map((field) => field.label).join(' and ');
      warnings.push([
        `The ${labels} of profile "${profile.name}" (${connector.name}) ${missing.length === 1 ? 'is' : 'are'} not in ${secretPlace(profile, store)}: a verify of it fails until ${missing.length === 1 ? 'it is' : 'they are'} entered again (`,
        command(connector.name, '--profile', profile.name),
        ').',
      ]);
    }
    const json = { ...listEntry(profile), values, missingSecrets: missing.map((field) => field.key), createdAt: profile.createdAt, updatedAt: profile.updatedAt };
    const copyable = connector.fields.find((field) => field.secret && profile.secrets[field.key] !== undefined);
    return {
      kind: 'profile-shown',
      json,
      profile: profileView(connector, profile, values, secretPlace(profile, store)),
      now: io.clock.now(),
      warnings,
      revealSecrets: showSecrets,
      ...(copyable ? { copyable: flagName(copyable) } : {}),
    };
  });
}

/**
 * Secrets reach a terminal only when asked for: --show-secrets, or a yes to the question. A file or a pipe the
 * user named gets them without asking, which is what an export is for.
 */
async function confirmSecretsOnTerminal(io: Io, connector: Connector, profile: ProfileWithSecrets, options: ProfilesExportOptions): Promise<void> {
  if (!io.stdout.isTTY || options.showSecrets || Object.keys(profile.secrets).length === 0) return;
  const redirect = command('profiles', 'export', connector.name, profile.name, '>', `${connector.name}.env`);
  if (!io.stdin.isTTY || !io.stderr.isTTY) {
    throw new InputError('invalid_input', 'profiles export prints secrets in clear text, and its output is a terminal.', ['Redirect it to a file or a pipe (', redirect, '), or pass --show-secrets to print them here.']);
  }
  // Ctrl+C while the question is open prints nothing and ends with exit 130.
  const ctrlC = interruptedByCtrlC();
  let yes: boolean;
  try {
    yes = await (io.prompter ?? createPrompter)(ctrlC.signal).confirm({
      message: `Print the secrets of profile "${profile.name}" (${connector.name}) in clear text on this terminal?`,
      default: false,
    });
  } finally {
    ctrlC.release();
  }
  if (!yes) throw new InputError('cancelled', 'Nothing was printed.', ['Redirect it to a file or a pipe instead: ', redirect]);
}

export function runProfilesExport(io: Io, options: ProfilesExportOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ store, registry }) => {
    const format = parseFormat(options.format, EXPORT_FORMATS, 'env');
    const connector = findConnector(registry, options.connector);
    const profile = await findProfile(store, connector, options.name, io.env);
    // What a verify needs: the values used only to create an application stay out.
    // A reference is exported as it is saved: the machine that imports it reads the vault with its own login.
    const all: Record<string, string> = { ...profile.values, ...profile.secrets, ...profile.references };
    for (const field of connector.fields) if (field.setupOnly) delete all[field.key];
    await confirmSecretsOnTerminal(io, connector, profile, options);
    // Its output is data in every format, never a --json document: the lines are what a script or shell reads.
    if (format === 'json') {
      const document = { connector: connector.name, profile: profile.name, values: all, ...(profile.expiresOn ? { expiresOn: profile.expiresOn } : {}) };
      return { kind: 'data', lines: [JSON.stringify(document, null, 2)], revealSecrets: true };
    }
    const variables: [string, string][] = [];
    for (const field of connector.fields) {
      const value = all[field.key];
      if (field.env && value !== undefined) variables.push([field.env, value]);
    }
    return { kind: 'data', lines: exportLines(format, variables), revealSecrets: true };
  });
}

/**
 * What removing a profile's secret loses. A secret the partner shows only once (the connector says which) has no
 * other copy: the application stays with the partner, but only a new secret makes it usable again.
 */
function removalQuestion(connector: Connector, profile: ProfileWithSecrets): string {
  const oneTime = connector.oneTimeSecret;
  const application = oneTime && profile.values[oneTime.application];
  if (oneTime && application) {
    const label = (key: string): string => connector.fields.find((field) => field.key === key)?.label ?? key;
    return (
      `Remove profile "${profile.name}" (${connector.name})? It holds the only copy of the ${label(oneTime.secret)} of the application ` +
      `with ${label(oneTime.application)} ${application}. The application stays in ${connector.title}, but its one-time secret cannot be shown again.`
    );
  }
  return `Remove profile "${profile.name}" (${connector.name}) and its saved secrets? They cannot be shown again from here.`;
}

/** Removing a secret asks first in a terminal; a script says so with --yes, and without it nothing is removed. */
async function confirmRemoval(io: Io, connector: Connector, profile: ProfileWithSecrets, options: ProfilesRemoveOptions): Promise<boolean> {
  if (options.yes || Object.keys(profile.secrets).length === 0) return true;
  if (!io.stdin.isTTY || !io.stderr.isTTY) {
    throw new InputError(
      'invalid_input',
      `Profile "${profile.name}" (${connector.name}) holds a secret, and there is no terminal to confirm its removal.`,
      ['Pass --yes to remove it without asking: ', command('profiles', 'remove', connector.name, profile.name, '--yes')],
    );
  }
  // Ctrl+C (or a SIGINT from outside) while the question is open removes nothing and ends with exit 130.
  const ctrlC = interruptedByCtrlC();
  try {
    return await (io.prompter ?? createPrompter)(ctrlC.signal).confirm({ message: removalQuestion(connector, profile), default: false });
  } finally {
    ctrlC.release();
  }
}

export function runProfilesRemove(io: Io, options: ProfilesRemoveOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ store, registry }) => {
    const connector = findConnector(registry, options.connector);
    const profileName = parseProfileName(options.name);
    const profile = await findProfile(store, connector, profileName);
    if (!(await confirmRemoval(io, connector, profile, options))) {
      // A "no" is an answer, not a failure: the profile stays, as asked.
      const json = { ok: true, connector: connector.name, profile: profileName, removed: false };
      return { kind: 'data', json, lines: [], note: `Kept profile "${profileName}" (${connector.name}); nothing was removed.` };
    }
    const removed = await store.remove(connector.name, profileName);
    if (!removed) throw await profileNotFound(store, connector, profileName);
    const json = { ok: true, connector: connector.name, profile: profileName, removed: true };
    // The team's vault is the team's: what the references name stays there.
    const references = Object.values(profile.references ?? {});
    const kept = references.length > 0 ? ` The secrets it referenced are still in the team vault: ${references.join(', ')}.` : '';
    return { kind: 'data', json, lines: [], note: `Removed profile "${profileName}" (${connector.name}) and its secrets.${kept}` };
  });
}

/** What `profiles import` is given. */
export interface ImportOptions {
  /** FILE, or `-` / absent for stdin. */
  file: string | undefined;
  format: string | undefined;
  connector: string | undefined;
  profile: string | undefined;
  force: boolean;
  /** --store: where its secrets go (a team vault keeps them as references). */
  store: string | undefined;
}

const MAX_IMPORT_BYTES = 1024 * 1024;

/** The whole of FILE, or of standard input for `-` or no FILE; never a terminal (nothing was piped). */
async function readImport(io: Io, file: string | undefined): Promise<{ text: string; from: string }> {
  if (file !== undefined && file !== '-') {
    const { readFile, stat } = await import('node:fs/promises');
    try {
      if ((await stat(file)).size > MAX_IMPORT_BYTES) throw new InputError('invalid_input', `${file} is larger than 1 MiB; a profile export was expected.`);
      return { text: await readFile(file, 'utf8'), from: file };
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError('invalid_input', `Could not read ${file} (${(error as { code?: string }).code ?? 'unknown error'}).`, ['Name a file written by ', command('profiles', 'export'), ', or pipe it in.']);
    }
  }
  if (io.stdin.isTTY) {
    throw new InputError('invalid_input', 'profiles import reads a profile export from a FILE or a pipe, but standard input is a terminal.', [command('profiles', 'import', 'pingone.env'), ', or pipe it in.']);
  }
  let text = '';
  for await (const chunk of io.stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > MAX_IMPORT_BYTES) throw new InputError('invalid_input', 'Standard input is larger than 1 MiB; a profile export was expected.');
  }
  return { text, from: 'standard input' };
}

interface ImportedDocument {
  connector?: string;
  profile?: string;
  /** Field key -> raw value. */
  values: Record<string, string>;
  expiresOn?: string | null;
}

function fromJson(text: string, from: string): ImportedDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError('invalid_input', `${from} is not JSON.`, 'Pass --format dotenv for NAME=value lines, or the JSON that profiles export --format json writes.');
  }
  const document = data as { connector?: unknown; profile?: unknown; values?: unknown; expiresOn?: unknown };
  const values = document?.values;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new InputError('invalid_input', `${from} is not a profile export: it has no "values" object.`, 'Import what profiles export --format json writes: {"connector", "profile", "values"}.');
  }
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') throw new InputError('invalid_input', `values.${key.slice(0, 40)} in ${from} is not a string.`);
  }
  const text_ = (value: unknown, what: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new InputError('invalid_input', `"${what}" in ${from} is not a string.`);
    return value;
  };
  const expiresOn = text_(document.expiresOn, 'expiresOn');
  if (expiresOn !== undefined && Number.isNaN(Date.parse(expiresOn))) throw new InputError('invalid_input', `"expiresOn" in ${from} is not a date.`);
  return { connector: text_(document.connector, 'connector'), profile: text_(document.profile, 'profile'), values: values as Record<string, string>, expiresOn };
}

/** dotenv or `export` lines: the connector is the one whose variables they are. */
function fromDotenv(text: string, from: string, registry: Io['registry'], connectorName: string | undefined): ImportedDocument {
  const variables = parseDotenv(text);
  if (variables.length === 0) throw new InputError('invalid_input', `${from} holds no NAME=value lines.`);
  const owner = (name: string) => registry.find((connector) => connector.fields.some((field) => field.env === name));
  const connector = connectorName !== undefined ? findConnector(registry, connectorName) : owner(variables[0]?.[0] ?? '');
  if (!connector) {
    throw new InputError('invalid_input', `${from}: ${variables[0]?.[0]} is no connector's variable.`, ['Pass --connector, or see ', command('connectors'), ' for each variable.']);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of variables) {
    const field = connector.fields.find((candidate) => candidate.env === name);
    if (!field) {
      throw new InputError('invalid_input', `${from}: ${name} is not a ${connector.title} variable.`, `${connector.title} reads ${connector.fields.flatMap((each) => (each.env ? [each.env] : [])).join(', ')}.`);
    }
    values[field.key] = value;
  }
  return { connector: connector.name, values };
}

/**
 * `profiles import [FILE|-]`: the inverse of export. Every value is checked as the same value given any other way
 * would be; the profile is written in one locked, atomic save, and a different profile of the same name is only
 * replaced with --force.
 */
export function runProfilesImport(io: Io, options: ImportOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ store, redactor, registry }) => {
    const { text, from } = await readImport(io, options.file);
    const format = options.format === undefined ? (text.trimStart().startsWith('{') ? 'json' : 'dotenv') : parseFormat(options.format, IMPORT_FORMATS, 'json');
    const document = format === 'json' ? fromJson(text, from) : fromDotenv(text, from, registry, options.connector);
    if (options.connector !== undefined && document.connector !== undefined && document.connector !== options.connector) {
      throw new InputError('invalid_input', `${from} is a ${document.connector} profile, not ${options.connector.slice(0, 40)}.`, ['Import it without --connector, or as ', command('profiles', 'import', '--connector', document.connector), '.']);
    }
    const connectorName = options.connector ?? document.connector;
    if (connectorName === undefined) throw new InputError('invalid_input', `${from} does not say its connector.`, 'Pass --connector.');
    const connector = findConnector(registry, connectorName);
    const name = options.profile !== undefined ? parseProfileName(options.profile) : document.profile !== undefined ? parseProfileName(document.profile) : chosenProfileName(undefined, io.env).name;
    const values: Record<string, string> = {};
    const secrets: Record<string, string> = {};
    const skipped: string[] = [];
    for (const [key, raw] of Object.entries(document.values)) {
      const field = connector.fields.find((candidate) => candidate.key === key);
      if (!field) {
        throw new InputError('invalid_input', `${from}: "${key.slice(0, 40)}" is not a ${connector.title} value.`, `${connector.title} values: ${connector.fields.map((each) => each.key).join(', ')}.`);
      }
      if (field.secret) redactor.add(raw);
      // A short-lived value (Invenias' API Key) is never saved, whatever the file holds.
      if (field.transient) {
        skipped.push(field.label);
        continue;
      }
      let value: string;
      try {
        // A secret given as a reference is kept as one (checked for its shape, read when used).
        if (field.secret && isSecretReference(raw.trim())) {
          parseSecretReference(raw.trim());
          secrets[key] = raw.trim();
          continue;
        }
        value = field.parse(raw);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        throw new InputError(error.code, `${error.message} (from ${from})`, error.hint);
      }
      (field.secret ? secrets : values)[key] = value;
      if (field.secret) redactor.add(value);
    }
    const missing = connector.fields.filter((field) => connector.verifyKeys.includes(field.key) && values[field.key] === undefined && secrets[field.key] === undefined);
    if (missing.length > 0) {
      throw new InputError('missing_input', `${from} lacks ${missing.map((field) => field.label).join(', ')}, which a verify needs.`, `Add ${missing.map((field) => field.env ?? field.key).join(', ')} and import it again.`);
    }
    const existing = await store.get(connector.name, name);
    const same = existing !== undefined && sameEntries(existing.values, values) && sameEntries({ ...existing.secrets, ...existing.references }, secrets);
    if (existing && !same && !options.force) {
      throw new InputError('invalid_input', `A different ${connector.title} profile named "${name}" is already saved; nothing was imported.`, `Pass --force to replace it, or --profile to import under another name.`);
    }
    const saved = same ? [] : await store.update(connector.name, name, { values, secrets, expiresOn: document.expiresOn ?? null, lastVerified: null, replace: true });
    const warnings = [...saved, ...skipped.map((label) => `The ${label} is short-lived and never saved: it was not imported.`)];
    const keys = [...Object.keys(values), ...Object.keys(secrets)];
    const json = { ok: true, connector: connector.name, profile: name, imported: keys, replaced: Boolean(existing && !same), unchanged: same };
    const note: Hint = same
      ? `Profile "${name}" (${connector.name}) is already saved with these values; nothing changed.`
      : [`${existing ? 'Replaced' : 'Imported'} profile "${name}" (${connector.name}): ${keys.join(', ')}. Check it: `, command(connector.name, '--verify', '--profile', name)];
    return { kind: 'data', json, lines: [], warnings, note };
  }, options.store);
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
