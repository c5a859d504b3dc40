// `connector-setup profiles list|show|export|remove`: what is saved, where its secret lives, and a way to
// turn a profile into CI variables.
import type { Connector } from '../core/connector.js';
import { InputError } from '../core/errors.js';
import type { CommandOutcome } from '../core/outcome.js';
import type { Output } from '../core/output.js';
import { configDirectory } from '../core/config-dir.js';
import { ProfileStore, type ProfileWithSecrets, type StoredProfile, parseProfileName } from '../core/profile-store.js';
import { type Redactor, maskSecret } from '../core/redact.js';
import { findConnector } from '../core/registry.js';
import type { Io } from '../program.js';

export interface ProfilesOptions {
  json?: boolean;
  showSecrets?: boolean;
  format?: string;
}

interface ProfilesRun {
  out: Output;
  store: ProfileStore;
  redactor: Redactor;
  registry: Io['registry'];
}

/** Runs one subcommand on the profile store; what it prints is its data, a failure is main's to render. */
async function runProfiles(io: Io, work: (run: ProfilesRun) => Promise<void>): Promise<CommandOutcome> {
  const store = new ProfileStore(configDirectory(io.env), { env: io.env, notice: (text) => io.out.warn(text) });
  await work({ out: io.out, store, redactor: io.redactor, registry: io.registry });
  return { kind: 'data', json: undefined, lines: [] };
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
  const hint =
    names.length === 0
      ? `No ${connector.title} profile is saved; run connector-setup ${connector.name} to make one.`
      : `Saved ${connector.title} profiles: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''} (connector-setup profiles list shows them all).`;
  return new InputError('profile_not_found', `No ${connector.title} profile named "${name}".`, hint);
}

/** The non-secret values, and the secret ones masked or shown, in the connector's field order. */
function describeValues(connector: Connector | undefined, profile: ProfileWithSecrets, showSecrets: boolean): Record<string, string> {
  const described: Record<string, string> = { ...profile.values };
  for (const [key, value] of Object.entries(profile.secrets)) described[key] = showSecrets ? value : maskSecret(value);
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

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

export function runProfilesList(io: Io): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store }) => {
    const profiles = await store.list();
    if (out.json) return out.printJson({ profiles: profiles.map(listEntry) });
    if (profiles.length === 0) {
      out.say('No saved profiles. Run connector-setup <connector> to make one.');
      return;
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
        profile.expiresOn ?? '-',
      ]);
    }
    table(rows).forEach((line) => out.data(line));
  });
}

export function runProfilesShow(io: Io, connectorName: string, name: string | undefined, options: ProfilesOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store, redactor, registry }) => {
    const connector = findConnector(registry, connectorName);
    const profile = await findProfile(store, connector, name);
    const showSecrets = Boolean(options.showSecrets);
    if (!showSecrets) Object.values(profile.secrets).forEach((secret) => redactor.add(secret));
    const values = describeValues(connector, profile, showSecrets);
    if (out.json) {
      const document = { ...listEntry(profile), values, createdAt: profile.createdAt, updatedAt: profile.updatedAt };
      out.data(JSON.stringify(document, null, 2), { revealSecrets: showSecrets });
      return;
    }
    const labels = new Map(connector.fields.map((field) => [field.key, field.label]));
    const rows: string[][] = [
      ['Connector', connector.name],
      ['Profile', profile.name],
      ...Object.entries(values).map(([key, value]) => [labels.get(key) ?? key, value]),
      ['Secret stored in', profile.secretStore === 'keychain' ? 'the OS keychain' : store.secretsPath],
      ['Last verified', profile.lastVerified ?? 'never'],
    ];
    if (profile.expiresOn) rows.push(['Expires on', profile.expiresOn]);
    table(rows).forEach((line) => out.data(line, { revealSecrets: showSecrets }));
    if (!showSecrets && Object.keys(profile.secrets).length > 0) out.say(out.paint.dim('Secrets are masked; add --show-secrets to reveal them.'));
  });
}

/** A value in single quotes, safe for POSIX shells whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function runProfilesExport(io: Io, connectorName: string, name: string | undefined, options: ProfilesOptions): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store, registry }) => {
    const format = options.format ?? 'env';
    if (format !== 'env' && format !== 'json') {
      throw new InputError('invalid_input', `--format must be env or json, not "${format.slice(0, 20)}".`);
    }
    const connector = findConnector(registry, connectorName);
    const profile = await findProfile(store, connector, name);
    // What a verify needs: the values used only to create an application stay out.
    const all: Record<string, string> = { ...profile.values, ...profile.secrets };
    for (const field of connector.fields) if (field.setupOnly) delete all[field.key];
    if (io.stdout.isTTY) out.warn('This prints secrets in clear text; redirect it to a file or a CI secret store.');
    if (format === 'json') {
      out.data(JSON.stringify({ connector: connector.name, profile: profile.name, values: all }, null, 2), { revealSecrets: true });
      return;
    }
    for (const field of connector.fields) {
      const value = all[field.key];
      if (field.env && value !== undefined) out.data(`export ${field.env}=${shellQuote(value)}`, { revealSecrets: true });
    }
  });
}

export function runProfilesRemove(io: Io, connectorName: string, name: string): Promise<CommandOutcome> {
  return runProfiles(io, async ({ out, store, registry }) => {
    const connector = findConnector(registry, connectorName);
    const profileName = parseProfileName(name);
    const removed = await store.remove(connector.name, profileName);
    if (!removed) throw await profileNotFound(store, connector, profileName);
    if (out.json) return out.printJson({ ok: true, connector: connector.name, profile: profileName, removed: true });
    out.say(`Removed profile "${profileName}" (${connector.name}) and its secrets.`);
  });
}
