// `connector-setup profiles list|show|export|remove`: what is saved, where its secret lives, and a way to
// turn a profile into CI variables.
import type { Connector } from '../core/run/connector.js';
import { type FieldSpec, savedProfileCheck } from '../core/run/fields.js';
import { type Hint, type HintStep, command } from '../core/hint.js';
import { revealCommand } from '../core/terminal/render.js';
import { copiedLine, copyToClipboard } from '../core/terminal/clipboard.js';
import { InputError, quoteValue } from '../core/errors.js';
import type { CommandOutcome } from '../core/outcome.js';
import { type Output, wrapLine } from '../core/terminal/output.js';
import { type ProfileStore, type ProfileWithSecrets, type StoredProfile, openProfileStore, parseProfileName } from '../core/store/profile-store.js';
import { createPrompter } from '../core/terminal/prompts.js';
import { interruptedByCtrlC } from '../core/run/session.js';
import { type Redactor, maskSecret } from '../core/redact.js';
import { oneLine } from '../core/printable.js';
import { findConnector } from '../core/run/registry.js';
import type { Io } from '../core/run/io.js';

/** The profile a subcommand is about, as typed: `<connector> [name]` (the name defaults to `default`). */
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
  /** --format: env or json (anything else is refused here). */
  format: string;
}

/** What `profiles remove` is given. */
export interface ProfilesRemoveOptions extends ProfileArguments {
  name: string;
  /** --yes: no question asked (scripts). */
  yes: boolean;
}

interface ProfilesRun {
  out: Output;
  store: ProfileStore;
  redactor: Redactor;
  registry: Io['registry'];
}

/** Runs one subcommand on the profile store; it returns what to show, which main renders like every outcome. */
async function runProfiles(io: Io, work: (run: ProfilesRun) => Promise<CommandOutcome>): Promise<CommandOutcome> {
  const store = openProfileStore({ env: io.env, clock: io.clock, notice: (text) => io.out.warn(text), checkProfile: savedProfileCheck(io.registry) });
  try {
    return await work({ out: io.out, store, redactor: io.redactor, registry: io.registry });
  } finally {
    store.close();
  }
}

async function findProfile(store: ProfileStore, connector: Connector, rawName: string | undefined): Promise<ProfileWithSecrets> {
  const name = parseProfileName(rawName ?? 'default');
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

/** The non-secret values, and the secret ones masked or shown, in the connector's field order. */
function describeValues(connector: Connector | undefined, profile: ProfileWithSecrets, showSecrets: boolean): Record<string, string> {
  const described: Record<string, string> = { ...profile.values };
  for (const [key, value] of Object.entries(profile.secrets)) {
    const password = connector?.fields.find((field) => field.key === key)?.password;
    described[key] = showSecrets ? value : maskSecret(value, password ? 'password' : 'secret');
  }
  if (!connector) return described;
  const ordered: Record<string, string> = {};
  for (const field of connector.fields) if (described[field.key] !== undefined) ordered[field.key] = described[field.key] as string;
  return { ...ordered, ...described };
}

function listEntry(profile: StoredProfile): Record<string, unknown> {
  return {
    connector: profile.connector,
    profile: profile.name,
    // The key before `profile` (as setup and verify say it); kept for one version so scripts can move.
    name: profile.name,
    values: profile.values,
    secretStore: profile.secretStore,
    lastVerified: profile.lastVerified,
    expiresOn: profile.expiresOn,
  };
}

/** Rows as aligned columns; each cell on one line, since saved values come from a file anyone may have edited. */
function table(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map((cell) => oneLine(cell)));
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

export function runProfilesList(io: Io): Promise<CommandOutcome> {
  const terminal = io.stdout as { isTTY?: boolean; columns?: number };
  return runProfiles(io, async ({ out, store }) => {
    const profiles = await store.list();
    const now = io.clock.now();
    const json = { profiles: profiles.map(listEntry) };
    if (profiles.length === 0) {
      return { kind: 'data', json, lines: [], note: out.json ? undefined : out.hint(['No saved profiles. Run ', command('<connector>'), ' to make one.']) };
    }
    const rows = [['CONNECTOR', 'NAME', 'VALUES', 'SECRET IN', 'LAST VERIFIED', 'EXPIRES']];
    for (const profile of profiles) {
      rows.push([
        profile.connector,
        profile.name,
        Object.entries(profile.values)
          .map(([key, value]) => `${key}=${value}`)
          .join(' '),
        profile.secretStore,
        profile.lastVerified ?? 'never',
        expiryText(profile.expiresOn, profile.expiresOn ?? '-', now),
      ]);
    }
    const lines = table(rows);
    const width = terminal.isTTY ? terminal.columns : undefined;
    // A pipe gets the one-row table (grep-able); a terminal too narrow for it gets one block per profile.
    if (!width || lines.every((line) => line.length <= width)) return { kind: 'data', json, lines };
    return { kind: 'data', json, lines: profiles.flatMap((profile, index) => [...(index > 0 ? [''] : []), ...profileBlock(profile, width, now)]) };
  });
}

/** The expiry as shown, with "(expired)" once it has passed: an expired application needs a renew. */
function expiryText(expiresOn: string | null | undefined, shown: string, now: number): string {
  if (!expiresOn) return shown;
  const time = Date.parse(expiresOn);
  return !Number.isNaN(time) && time <= now ? `${shown} (expired)` : shown;
}

/** 2026-11-24T15:40:12.345Z -> 2026-11-24 15:40 UTC; anything unparseable is shown as it is. */
function shortTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One profile as a few lines that fit `width`: name, status, then each value (on its own line when long). */
function profileBlock(profile: StoredProfile, width: number, now: number): string[] {
  const status = [
    ...(profile.expiresOn ? [`expires ${expiryText(profile.expiresOn, shortTime(profile.expiresOn).slice(0, 10), now)}`] : []),
    `verified ${profile.lastVerified ? shortTime(profile.lastVerified) : 'never'}`,
    `secret in ${profile.secretStore}`,
  ];
  const lines = [`${profile.connector} ${profile.name}`, wrapLine(`  ${status.join(', ')}`, width)];
  for (const [key, value] of Object.entries(profile.values)) {
    const line = `  ${key}: ${oneLine(value)}`;
    lines.push(...(line.length <= width ? [line] : [`  ${key}:`, `    ${value}`]));
  }
  return lines;
}

/** A field as `--copy` names it: its flag without dashes or `-stdin` (`client-secret`). */
function flagName(field: FieldSpec): string {
  return (field.flag ?? field.stdinFlag ?? '').replace(/^--/, '').replace(/-stdin$/, '');
}

/** A field named by its key or its flag (`clientSecret`, `client-secret`, `--client-secret-stdin`), among those saved. */
function copiedField(connector: Connector, profile: ProfileWithSecrets, asked: string): { label: string; value: string } {
  const saved = { ...profile.values, ...profile.secrets };
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
  const { out, redactor } = io;
  const { label, value } = copiedField(connector, profile, asked);
  // Every saved secret, not only the copied value: a variable holding one is kept from the clipboard tool too.
  for (const secret of Object.values(profile.secrets)) redactor.add(secret);
  redactor.add(value);
  const reveal = out.hint(revealCommand(connector.name, profile.name));
  const copy = await copyToClipboard(value, `Show it instead: ${reveal}`, { terminal: io.stdout, env: io.env, redactor });
  return {
    kind: 'data',
    json: { ok: true, connector: connector.name, profile: profile.name, copied: label, method: copy.method, confirmed: copy.confirmed },
    lines: [],
    note: copiedLine(out, `the ${label} of profile "${profile.name}" (${connector.name})`, copy),
  };
}

export function runProfilesShow(io: Io, options: ProfilesShowOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store, redactor, registry }) => {
    const connector = findConnector(registry, options.connector);
    const profile = await findProfile(store, connector, options.name);
    if (options.copy !== undefined) return copyFromProfile(io, connector, profile, options.copy);
    const { showSecrets } = options;
    if (!showSecrets) Object.values(profile.secrets).forEach((secret) => redactor.add(secret));
    const values = describeValues(connector, profile, showSecrets);
    const json = { ...listEntry(profile), values, createdAt: profile.createdAt, updatedAt: profile.updatedAt };
    const labels = new Map(connector.fields.map((field) => [field.key, field.label]));
    const rows: string[][] = [
      ['Connector', connector.name],
      ['Profile', profile.name],
      ...Object.entries(values).map(([key, value]) => [labels.get(key) ?? key, value]),
      ['Secret stored in', profile.secretStore === 'keychain' ? 'the OS keychain' : store.secretsPath],
      ['Last verified', profile.lastVerified ?? 'never'],
    ];
    if (profile.expiresOn) rows.push(['Expires on', profile.expiresOn]);
    const copyable = connector.fields.find((field) => field.secret && profile.secrets[field.key] !== undefined);
    const show = (...flags: string[]): HintStep => command('profiles', 'show', connector.name, profile.name, ...flags);
    const note =
      !showSecrets && copyable && !out.json
        ? out.paint.dim(out.hint(['Secrets are masked. Reveal them: ', show('--show-secrets'), '; or copy one: ', show('--copy', flagName(copyable))]))
        : undefined;
    return { kind: 'data', json, lines: table(rows), note, revealSecrets: showSecrets };
  });
}

/** A value in single quotes, safe for POSIX shells whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function runProfilesExport(io: Io, options: ProfilesExportOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store, registry }) => {
    const { format } = options;
    if (format !== 'env' && format !== 'json') {
      throw new InputError('invalid_input', `--format must be env or json, not "${format.slice(0, 20)}".`);
    }
    const connector = findConnector(registry, options.connector);
    const profile = await findProfile(store, connector, options.name);
    // What a verify needs: the values used only to create an application stay out.
    const all: Record<string, string> = { ...profile.values, ...profile.secrets };
    for (const field of connector.fields) if (field.setupOnly) delete all[field.key];
    const warnings = io.stdout.isTTY ? ['This prints secrets in clear text; redirect it to a file or a CI secret store.'] : [];
    // Its output is data in either format, never a --json document: the lines are what a script reads.
    const lines =
      format === 'json'
        ? [JSON.stringify({ connector: connector.name, profile: profile.name, values: all }, null, 2)]
        : connector.fields.flatMap((field) => {
            const value = all[field.key];
            return field.env && value !== undefined ? [`export ${field.env}=${shellQuote(value)}`] : [];
          });
    return { kind: 'data', lines, warnings, revealSecrets: true };
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
  return runProfiles(io, async ({ out, store, registry }) => {
    const connector = findConnector(registry, options.connector);
    const profileName = parseProfileName(options.name);
    const profile = await findProfile(store, connector, profileName);
    if (!(await confirmRemoval(io, connector, profile, options))) {
      const kept = new InputError('cancelled', `Nothing was removed; profile "${profileName}" (${connector.name}) is still saved.`);
      return { kind: 'failed', error: kept, document: { connector: connector.name, profile: profileName, removed: false } };
    }
    const removed = await store.remove(connector.name, profileName);
    if (!removed) throw await profileNotFound(store, connector, profileName);
    const json = { ok: true, connector: connector.name, profile: profileName, removed: true };
    return { kind: 'data', json, lines: [], note: out.json ? undefined : `Removed profile "${profileName}" (${connector.name}) and its secrets.` };
  });
}
