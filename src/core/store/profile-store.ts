// Saved profiles: non-secret values in profiles.json; secrets in the OS keychain where one works, else in
// secrets.json (mode 0600), both in a 0700 directory, read, checked and written by JsonFile (atomic-file.ts).
// Every change is a locked read-modify-write with atomic replacement, so concurrent runs never lose each
// other's profiles and a killed process never leaves half a file. A secret is never dropped: when the
// keychain fails for any reason it goes to the file, and the profile records which store holds it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { JsonFile, damagedFile, isLeftoverOf, own, ownMap, proveWritable, sealed, writeFileAtomic } from './atomic-file.js';
import { checkFoundDirectory, configDirectory, ensurePrivateDirectory } from './config-dir.js';
import { describeFsError, unusableDirectory } from './directory-errors.js';
import { type Clock, systemClock } from '../clock.js';
import { InputError, quoteValue } from '../errors.js';
import { isRecord } from '../json.js';
import { isAbandonedLockPart, withProfileLock } from './profile-lock.js';
import type { SecretStoreKind, Secrets } from './secret-backend.js';
import { ChosenSecretStore, type SavedSecrets, type SecretStore } from './secret-store.js';
import { isSecretReference } from './secret-references.js';
import { collationOf } from './profile-order.js';

const SCHEMA_VERSION = 1;
/** What a probe writes beyond the size of the files it stands for: room for the secret and the record naming it. */
const PROBE_MARGIN_BYTES = 16 * 1024;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Profile names by connector, which shell completion reads without starting Node (commands/completion.ts). */
export const PROFILE_NAMES_FILE = 'profile-names';

export interface StoredProfile {
  connector: string;
  name: string;
  values: Record<string, string>;
  /** Where the profile's secrets live. */
  secretStore: SecretStoreKind;
  createdAt: string;
  updatedAt: string;
  lastVerified: string | null;
  /** For Invenias: when the ThirdPartyApplication expires. */
  expiresOn: string | null;
  /**
   * Secrets kept in the team's vault: field key -> reference (op://, vault:, aws-sm:, pass:), resolved per use and
   * never copied to disk. A key is here or among the secrets in `secretStore`, never both.
   */
  references?: Record<string, string>;
}

export interface ProfileWithSecrets extends StoredProfile {
  secrets: Record<string, string>;
}

export interface ProfileChange {
  values?: Record<string, string>;
  secrets?: Record<string, string>;
  expiresOn?: string | null;
  lastVerified?: string | null;
  /** The values and secrets given are the whole profile (an import with --force): nothing saved before is kept. */
  replace?: boolean;
}

export interface ProfileStoreOptions {
  /** Where secrets go, chosen once for the run; without it, the one `env` asks for. */
  secrets?: SecretStore;
  env?: NodeJS.ProcessEnv;
  /** One line for the user while the store works: a secrets file others can read, a wait for another run's save. */
  notice?: (text: string) => void;
  /** The run's clock: a keychain call's deadline and the times a profile records run on it. */
  clock?: Clock;
  /** `--store`: where new secrets go, over CONNECTOR_SETUP_SECRET_STORE. */
  store?: string;
  /**
   * Checks a profile read from disk (its connector is known, its values valid by the input rules); returns what is
   * wrong, or undefined. A profile that fails is reported as damaged, naming it, and never used.
   */
  checkProfile?: (connector: string, values: Readonly<Record<string, string>>) => string | undefined;
  /** Aborted on Ctrl+C: a wait for the lock or for the keychain ends at once, and nothing more is saved. */
  signal?: AbortSignal;
}

type ProfileRecord = Omit<StoredProfile, 'connector' | 'name'>;
type ProfilesFile = {
  schemaVersion: number;
  profiles: Record<string, Record<string, ProfileRecord>>;
  /**
   * `connector/name` of keychain items being written for a profile whose record does not point to the keychain
   * yet: a writer killed before its record was saved leaves one here, and the next save removes that item.
   */
  pendingKeychainItems?: string[];
};

export function parseProfileName(raw: string): string {
  if (!PROFILE_NAME.test(raw)) {
    throw new InputError(
      'invalid_input',
      `Profile name ${quoteValue(raw)} is not valid.`,
      'Use 1-64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.',
    );
  }
  return raw;
}

/**
 * The profile a command uses: `--profile`, else CONNECTOR_SETUP_PROFILE (as AWS_PROFILE and PINGCLI_PROFILE are read),
 * else `default`. `explicit` says whether the user named one, by the flag or the variable.
 */
export function chosenProfileName(flag: unknown, env: NodeJS.ProcessEnv): { name: string; explicit: boolean } {
  if (typeof flag === 'string') return { name: parseProfileName(flag), explicit: true };
  const fromEnv = env.CONNECTOR_SETUP_PROFILE;
  if (fromEnv === undefined || fromEnv === '') return { name: 'default', explicit: false };
  try {
    return { name: parseProfileName(fromEnv), explicit: true };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.code, `CONNECTOR_SETUP_PROFILE: ${error.message}`, error.hint);
  }
}

/**
 * The checks below walk what JsonFile.read made of the file, whose objects have no prototype: `for...in` sees their
 * own keys only, and allocates nothing per key (a file of a thousand profiles has thousands of maps).
 */
function isStringMap(value: unknown): value is Record<string, string> {
  if (!isRecord(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** Where a damaged entry is, as a message names it; made only for the message, not for each of a thousand entries. */
function entryPath(connector: string, name: string): string {
  return `profiles.${connector}.${name}`;
}

/** What is on disk is checked, never trusted as typed. */
function checkProfilesFile(data: unknown, file: string): ProfilesFile {
  if (!isRecord(data)) throw damagedFile(file, 'it is not a JSON object');
  if (Object.keys(data).length === 0) return emptyProfiles();
  if (data.schemaVersion !== SCHEMA_VERSION) throw damagedFile(file, `schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected ${SCHEMA_VERSION}`);
  if (!isRecord(data.profiles)) throw damagedFile(file, '"profiles" is not an object');
  const pending = data.pendingKeychainItems;
  if (pending !== undefined && !(Array.isArray(pending) && pending.every((item) => typeof item === 'string' && item.includes('/')))) {
    throw damagedFile(file, '"pendingKeychainItems" is not a list of connector/name');
  }
  for (const connector in data.profiles) {
    const byName = data.profiles[connector];
    if (!isRecord(byName)) throw damagedFile(file, `profiles.${connector} is not an object`);
    for (const name in byName) {
      const record = byName[name];
      if (!isRecord(record) || !isStringMap(record.values)) throw damagedFile(file, `${entryPath(connector, name)}.values is not a map of strings`);
      if (!isNullableString(record.lastVerified) || !isNullableString(record.expiresOn)) {
        throw damagedFile(file, `${entryPath(connector, name)} has a lastVerified or expiresOn that is not a string`);
      }
      if (typeof record.createdAt !== 'string' || typeof record.updatedAt !== 'string') {
        throw damagedFile(file, `${entryPath(connector, name)} lacks createdAt or updatedAt`);
      }
      if (record.references !== undefined && !(isStringMap(record.references) && Object.values(record.references).every(isSecretReference))) {
        throw damagedFile(file, `${entryPath(connector, name)}.references is not a map of secret references`);
      }
      if (record.secretStore === undefined) record.secretStore = 'file';
      if (record.secretStore !== 'file' && record.secretStore !== 'keychain') {
        throw damagedFile(file, `${entryPath(connector, name)}.secretStore is neither "keychain" nor "file"`);
      }
    }
  }
  return data as ProfilesFile;
}

function emptyProfiles(): ProfilesFile {
  return { schemaVersion: SCHEMA_VERSION, profiles: ownMap() };
}

/** A map of strings as sealed() leaves one, without a prototype, but not frozen: a copy for its caller to keep. */
function ownCopy(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.setPrototypeOf({ ...map }, null) as Record<string, string>;
}

/** The saved record of one profile, looked up by own keys only. */
function recordOf(profiles: ProfilesFile, connector: string, name: string): ProfileRecord | undefined {
  return own(own(profiles.profiles, connector), name);
}

/**
 * The names file: a line per connector (`pingone production staging`), then `*` and every name once. Names and
 * connectors are single words (PROFILE_NAME), so a shell splits a line without quoting rules; never a secret.
 */
function profileNamesText(profiles: ProfilesFile): string {
  const lines: string[] = [];
  const all = new Set<string>();
  for (const [connector, byName] of Object.entries(profiles.profiles)) {
    if (!PROFILE_NAME.test(connector)) continue;
    const names = Object.keys(byName).filter((name) => PROFILE_NAME.test(name)).sort();
    for (const name of names) all.add(name);
    lines.push([connector, ...names].join(' '));
  }
  lines.push(['*', ...[...all].sort()].join(' '));
  return `${lines.join('\n')}\n`;
}

function setPending(profiles: ProfilesFile, items: string[]): void {
  if (items.length > 0) profiles.pendingKeychainItems = [...new Set(items)];
  else delete profiles.pendingKeychainItems;
}

/** The file's mode as four octal digits when group or others may read or write it; undefined when private or absent. */
async function looseMode(file: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile() || (stat.mode & 0o077) === 0) return undefined;
  return (stat.mode & 0o7777).toString(8).padStart(4, '0');
}

export class ProfileStore {
  readonly profilesPath: string;
  readonly secretsPath: string;
  private readonly profilesFile: JsonFile<ProfilesFile>;
  private readonly secrets: SecretStore;
  private checked: Promise<void> | undefined;
  private readonly notice: (text: string) => void;
  private readonly checkProfile: ProfileStoreOptions['checkProfile'];
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;

  constructor(
    readonly directory: string = configDirectory(),
    options: ProfileStoreOptions = {},
  ) {
    // The file, its profiles and each connector's map are readied at once; a profile's record when it is looked up.
    this.profilesFile = new JsonFile(directory, 'profiles', checkProfilesFile, emptyProfiles, 3);
    this.clock = options.clock ?? systemClock;
    this.notice = options.notice ?? (() => undefined);
    this.checkProfile = options.checkProfile;
    this.signal = options.signal;
    this.secrets = options.secrets ?? new ChosenSecretStore(directory, { env: options.env ?? process.env, clock: this.clock, signal: options.signal, store: options.store });
    this.profilesPath = this.profilesFile.path;
    this.secretsPath = this.secrets.filePath;
  }

  /** Ends what the secret store opened (the keychain's connection); the store's files need no closing. */
  close(): void {
    this.secrets.close();
  }

  /**
   * Proves with real writes, before a call that issues a secret shown only once (or a setup that will save), that
   * the store can keep it: the directory is usable, and a file as large as the profile files together plus a margin
   * is written and flushed in it (a full disk fails here, not after the partner issued the secret); then the
   * secret store the user forced must store an item (SecretStore.preflight). Fails with exit 2, before anything is
   * sent: `config_unusable`, or the forced store's own error. An unforced keychain that fails later falls back to
   * the file proven here.
   */
  async preflight(): Promise<void> {
    await ensurePrivateDirectory(this.directory);
    await this.ready();
    const sizes = await Promise.all([this.profilesPath, this.secretsPath].map((file) => fs.stat(file).then((stat) => stat.size, () => 0)));
    try {
      await proveWritable(this.secretsPath, sizes.reduce((sum, size) => sum + size, PROBE_MARGIN_BYTES));
    } catch (error) {
      throw unusableDirectory(this.directory, describeFsError(error));
    }
    await this.secrets.preflight();
  }

  /**
   * Before the first read or write: a directory others can write to, or another user's, is refused (exit 2); a
   * secrets file others can read is reported, and set to 0600 by the next save.
   */
  private ready(): Promise<void> {
    this.checked ??= (async () => {
      await checkFoundDirectory(this.directory);
      const mode = await looseMode(this.secretsPath);
      if (mode !== undefined) {
        this.notice(`${this.secretsPath} can be read by others (mode ${mode}); the next save sets it to 0600 (now: chmod 600 ${this.secretsPath}).`);
      }
    })();
    return this.checked;
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    await ensurePrivateDirectory(this.directory);
    await this.ready();
    return withProfileLock(path.join(this.directory, 'profiles.lock'), async () => {
      if ((await looseMode(this.secretsPath)) !== undefined) await fs.chmod(this.secretsPath, 0o600);
      await this.removeLeftovers();
      await this.removeOrphanedKeychainItems();
      return work();
    }, {
      signal: this.signal,
      waiting: (owner) => this.notice(`Waiting for another connector-setup (process ${owner ?? 'unknown'}) to finish saving profiles; Ctrl+C stops this run.`),
    });
  }

  /**
   * profiles.json, then the names file beside it, both replaced whole. The names file is only ever written after
   * profiles.json, so one older than profiles.json (a write that failed, a hand edit) is known to be stale, and
   * completion asks the tool instead; failing to write it never fails the save.
   */
  private async saveProfiles(profiles: ProfilesFile): Promise<void> {
    await this.profilesFile.write(profiles);
    await writeFileAtomic(path.join(this.directory, PROFILE_NAMES_FILE), profileNamesText(profiles), 0o600).catch(() => undefined);
  }

  /** Keychain items a killed writer stored without the record pointing to them; kept for later if the keychain does not answer. */
  private async removeOrphanedKeychainItems(): Promise<void> {
    const profiles = await this.profilesFile.read();
    if (!profiles.pendingKeychainItems?.length) return;
    const left: string[] = [];
    for (const item of profiles.pendingKeychainItems) {
      const slash = item.indexOf('/');
      const connector = item.slice(0, slash);
      const name = item.slice(slash + 1);
      if (recordOf(profiles, connector, name)?.secretStore === 'keychain') continue;
      await this.secrets
        .of(connector, name, undefined)
        .removeKeychainItem()
        .catch(() => left.push(item));
    }
    setPending(profiles, left);
    await this.saveProfiles(profiles);
  }

  /**
   * Half-written replacements left by a process killed mid-save (one may hold secrets). Every save happens
   * under the lock, so while we hold it, any such file belongs to a writer that is gone.
   */
  private async removeLeftovers(): Promise<void> {
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    const leftovers = names.filter(
      (name) => isLeftoverOf(name, 'profiles.json') || isLeftoverOf(name, 'secrets.json') || isLeftoverOf(name, PROFILE_NAMES_FILE) || isAbandonedLockPart(name),
    );
    await Promise.all(leftovers.map((name) => fs.rm(path.join(this.directory, name), { force: true })));
  }

  async get(connector: string, name: string): Promise<ProfileWithSecrets | undefined> {
    await this.ready();
    const profiles = await this.profilesFile.readShared();
    const record = sealed(recordOf(profiles, connector, name));
    if (!record) return undefined;
    if (this.checkedFile !== profiles) this.checkOnce(connector, name, record);
    return { ...record, connector, name, secrets: await this.secrets.of(connector, name, record.secretStore).read() };
  }

  async list(): Promise<StoredProfile[]> {
    await this.ready();
    const file = await this.profilesFile.readShared();
    const { profiles } = file;
    const checked = this.checkedFile === file;
    const all: StoredProfile[] = [];
    const words: string[] = [];
    // Own keys only, as read (no prototypes), in the file's order: the first damaged entry is the one named.
    for (const connector in profiles) {
      words.push(connector);
      const byName = profiles[connector] as Record<string, ProfileRecord>;
      for (const name in byName) {
        const record = byName[name] as ProfileRecord;
        // A copy the caller may keep, its maps without a prototype as sealed() leaves them, and all of one shape: the
        // shared record is not sealed for it, since freezing an object without a prototype gives it a hidden class of
        // its own, and a thousand of those make every later read of a profile's property a slow one.
        const profile: StoredProfile = {
          values: ownCopy(record.values),
          secretStore: record.secretStore,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
          lastVerified: record.lastVerified,
          expiresOn: record.expiresOn,
          connector,
          name,
        };
        if (record.references !== undefined) profile.references = ownCopy(record.references);
        if (!checked) this.checkEntry(connector, name, profile);
        words.push(name);
        all.push(profile);
      }
    }
    this.checkedFile = file;
    if (all.length < 2) return all;
    // localeCompare's order, through one comparison: localeCompare makes its collator again on every call. A connector
    // is the same as itself in any collation: most pairs share theirs.
    const compare = collationOf(words);
    return all.sort((a, b) => (a.connector === b.connector ? 0 : compare(a.connector, b.connector)) || compare(a.name, b.name));
  }

  /** Records of the file as last read (frozen, shared by every look-up) that passed checkEntry. */
  private readonly checkedRecords = new WeakSet<ProfileRecord>();

  /** The file as last read, once list() has passed every record of it through checkEntry. */
  private checkedFile: ProfilesFile | undefined;

  /** checkEntry, once per record read: a batch lists every profile, then looks each one up again. */
  private checkOnce(connector: string, name: string, record: ProfileRecord): void {
    if (this.checkedRecords.has(record)) return;
    this.checkEntry(connector, name, record);
    this.checkedRecords.add(record);
  }

  /**
   * A profile read from disk is used only when its name is one a user could have given and its values pass the
   * input rules (a hand-edited Auth Domain or base URL is not trusted as is); `profiles remove` still reaches it.
   */
  private checkEntry(connector: string, name: string, record: ProfileRecord): void {
    const entry = (): string => `profile ${quoteValue(name)} of ${quoteValue(connector)}`;
    if (!PROFILE_NAME.test(name)) throw damagedFile(this.profilesPath, `${entry()} has a name that is not valid (1-64 letters, digits, dots, hyphens or underscores)`);
    const problem = this.checkProfile?.(connector, record.values);
    if (problem !== undefined) throw damagedFile(this.profilesPath, `${entry()}: ${problem.replace(/\.$/, '')}`);
  }

  /**
   * Creates or updates a profile. Values and secrets are merged key by key, so a one-time secret saved early
   * survives a later change that does not mention it. Order: a note that a keychain item is being written
   * (pendingKeychainItems), the secrets, then the record naming their store, then removal of the copy the
   * record no longer names. If the record cannot be written, the secrets store is put back as it was; if the
   * writer is killed first, the next save removes the noted item. Either way no keychain item is left that no
   * profile points to. Returns what the user is to hear about where the secrets went (the keychain fell back to
   * the file), for whoever saved to report.
   */
  async update(connector: string, name: string, change: ProfileChange): Promise<string[]> {
    return this.withLock(async () => {
      const profiles = await this.profilesFile.read();
      const byName = own(profiles.profiles, connector) ?? (profiles.profiles[connector] = ownMap());
      const existing = own(byName, name);
      let secretStore: SecretStoreKind = existing?.secretStore ?? 'file';
      // The run's secret store is asked once for this profile: everything below goes through what it answers.
      const secrets = this.secrets.of(connector, name, existing?.secretStore);
      let saved: SavedSecrets | undefined;
      let undo: (() => Promise<void>) | undefined;
      const item = `${connector}/${name}`;
      // A secret given as a reference is kept as one; with a team vault as the store, every new secret becomes one.
      const given = Object.entries(change.secrets ?? {});
      const givenReferences = Object.fromEntries(given.filter(([, value]) => isSecretReference(value)));
      let plain = Object.fromEntries(given.filter(([, value]) => !isSecretReference(value)));
      const vault = Object.keys(plain).length > 0 ? secrets.vault() : undefined;
      let written: Secrets = {};
      if (vault) {
        written = await vault.write(connector, name, plain);
        plain = {};
      }
      const references = { ...(change.replace ? {} : existing?.references), ...givenReferences, ...written };
      for (const key of Object.keys(plain)) delete references[key];
      // Read only when secrets change: a locked keychain costs its deadline.
      const touched = given.length > 0 || (change.replace === true && existing !== undefined);
      const previous = existing && touched ? await secrets.read().catch(() => ({})) : {};
      const kept: Secrets = change.replace ? {} : { ...previous };
      for (const key of Object.keys(references)) delete kept[key];
      const stored = { ...kept, ...plain };
      if (touched && (Object.keys(plain).length > 0 || Object.keys(stored).length !== Object.keys(previous).length)) {
        // Noted before a keychain item the record does not name yet is written: a writer killed in between leaves it to the next save.
        saved = await secrets.replace(stored, previous, async () => {
          setPending(profiles, [...(profiles.pendingKeychainItems ?? []), item]);
          await this.saveProfiles(profiles);
        });
        secretStore = saved.kind;
        undo = saved.undo;
      }
      if (vault) {
        const storedUndo = undo;
        undo = async () => {
          await storedUndo?.();
          await vault.remove(written);
        };
      }
      const now = new Date(this.clock.now()).toISOString();
      byName[name] = {
        values: change.replace ? { ...change.values } : { ...existing?.values, ...change.values },
        secretStore,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        lastVerified: change.lastVerified !== undefined ? change.lastVerified : (existing?.lastVerified ?? null),
        expiresOn: change.expiresOn !== undefined ? change.expiresOn : (existing?.expiresOn ?? null),
        ...(Object.keys(references).length > 0 ? { references } : {}),
      };
      setPending(profiles, (profiles.pendingKeychainItems ?? []).filter((pending) => pending !== item));
      try {
        await this.saveProfiles(profiles);
      } catch (error) {
        await undo?.().catch(() => undefined);
        throw error;
      }
      // The file copy of a profile now in the keychain is no longer the freshest: it goes.
      if (saved && Object.keys(plain).length > 0) await saved.settle();
      return saved?.warning ? [saved.warning] : [];
    });
  }

  /** The one write `verify` makes: only the last-verified time of existing profiles, a batch's in one write. */
  async markVerified(marks: readonly { connector: string; name: string; at: Date }[]): Promise<void> {
    if (marks.length === 0) return;
    await this.withLock(async () => {
      const profiles = await this.profilesFile.read();
      let changed = false;
      for (const { connector, name, at } of marks) {
        const record = recordOf(profiles, connector, name);
        if (!record) continue;
        record.lastVerified = at.toISOString();
        changed = true;
      }
      if (changed) await this.saveProfiles(profiles);
    });
  }

  /** Removes the profile and its secrets wherever they live; a keychain holding them that cannot be reached leaves both. */
  async remove(connector: string, name: string): Promise<boolean> {
    return this.withLock(async () => {
      const profiles = await this.profilesFile.read();
      const record = recordOf(profiles, connector, name);
      await this.secrets.of(connector, name, record?.secretStore).remove();
      if (!record) return false;
      delete own(profiles.profiles, connector)?.[name];
      await this.saveProfiles(profiles);
      return true;
    });
  }
}

/** The run's profile store: where profiles live and where secrets go, both decided here, once, from the run's environment. */
export function openProfileStore(run: {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  notice: (text: string) => void;
  signal?: AbortSignal;
  store?: string;
  checkProfile?: ProfileStoreOptions['checkProfile'];
}): ProfileStore {
  const directory = configDirectory(run.env);
  const secrets = new ChosenSecretStore(directory, { env: run.env, clock: run.clock, signal: run.signal, store: run.store });
  return new ProfileStore(directory, { secrets, clock: run.clock, notice: run.notice, signal: run.signal, checkProfile: run.checkProfile });
}
