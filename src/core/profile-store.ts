// Saved profiles: non-secret values in profiles.json (through conf); secrets in the OS keychain where one
// works, else in secrets.json (mode 0600), both in a 0700 directory (secret-backend.ts). Every change is a
// locked read-modify-write with atomic replacement, so concurrent runs never lose each other's profiles and
// a killed process never leaves half a file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirectory } from './atomic-file.js';
import { commonJsExports } from './commonjs.js';
import { configDirectory } from './config-dir.js';
import { InputError } from './errors.js';
import {
  FileSecretBackend,
  KeychainSecretBackend,
  KeychainUnavailableError,
  type SecretBackend,
  type SecretStoreKind,
  damagedFile,
  requestedSecretStore,
} from './secret-backend.js';
import { quoteValue } from './validate.js';

const SCHEMA_VERSION = 1;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** writeFileAtomic's temporary secrets file, and the one conf's writer (atomically) uses for profiles.json. */
const LEFTOVER_TEMPORARY_FILE = /^(\.secrets\.json\.\d+\.[0-9a-f]{8}\.tmp|profiles\.json\.tmp-\d{10}[0-9a-f]{6})$/;

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
}

export interface ProfileWithSecrets extends StoredProfile {
  secrets: Record<string, string>;
}

export interface ProfileChange {
  values?: Record<string, string>;
  secrets?: Record<string, string>;
  expiresOn?: string | null;
  lastVerified?: string | null;
}

export interface ProfileStoreOptions {
  env?: NodeJS.ProcessEnv;
  /** One line for the user, e.g. that the keychain was unavailable and the file was used. */
  notice?: (text: string) => void;
}

type ProfileRecord = Omit<StoredProfile, 'connector' | 'name'>;
type ProfilesFile = { schemaVersion: number; profiles: Record<string, Record<string, ProfileRecord>> };

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** What is on disk is checked, never trusted as typed. */
function checkProfilesFile(data: unknown, file: string): ProfilesFile {
  if (!isRecord(data)) throw damagedFile(file, 'it is not a JSON object');
  if (Object.keys(data).length === 0) return { schemaVersion: SCHEMA_VERSION, profiles: {} };
  if (data.schemaVersion !== SCHEMA_VERSION) throw damagedFile(file, `schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected ${SCHEMA_VERSION}`);
  if (!isRecord(data.profiles)) throw damagedFile(file, '"profiles" is not an object');
  for (const [connector, byName] of Object.entries(data.profiles)) {
    if (!isRecord(byName)) throw damagedFile(file, `profiles.${connector} is not an object`);
    for (const [name, record] of Object.entries(byName)) {
      const where = `profiles.${connector}.${name}`;
      if (!isRecord(record) || !isStringMap(record.values)) throw damagedFile(file, `${where}.values is not a map of strings`);
      if (!isNullableString(record.lastVerified) || !isNullableString(record.expiresOn)) {
        throw damagedFile(file, `${where} has a lastVerified or expiresOn that is not a string`);
      }
      if (typeof record.createdAt !== 'string' || typeof record.updatedAt !== 'string') {
        throw damagedFile(file, `${where} lacks createdAt or updatedAt`);
      }
      if (record.secretStore === undefined) record.secretStore = 'file';
      if (record.secretStore !== 'file' && record.secretStore !== 'keychain') {
        throw damagedFile(file, `${where}.secretStore is neither "keychain" nor "file"`);
      }
    }
  }
  return data as ProfilesFile;
}

export class ProfileStore {
  readonly profilesPath: string;
  readonly secretsPath: string;
  private conf: Promise<{ store: Record<string, unknown> }> | undefined;
  private readonly fileSecrets: FileSecretBackend;
  private keychain: Promise<KeychainSecretBackend> | undefined;
  private noticeGiven = false;
  private readonly env: NodeJS.ProcessEnv;
  private readonly notice: (text: string) => void;

  constructor(
    readonly directory: string = configDirectory(),
    options: ProfileStoreOptions = {},
  ) {
    this.profilesPath = path.join(directory, 'profiles.json');
    this.secretsPath = path.join(directory, 'secrets.json');
    this.fileSecrets = new FileSecretBackend(this.secretsPath, SCHEMA_VERSION);
    this.env = options.env ?? process.env;
    this.notice = options.notice ?? (() => undefined);
  }

  private getConf(): Promise<{ store: Record<string, unknown> }> {
    this.conf ??= import('conf').then(
      ({ default: Conf }) =>
        new Conf<Record<string, unknown>>({
          projectName: 'connector-setup',
          cwd: this.directory,
          configName: 'profiles',
          clearInvalidConfig: false,
          configFileMode: 0o600,
        }),
    );
    return this.conf;
  }

  private openKeychain(): Promise<KeychainSecretBackend> {
    this.keychain ??= KeychainSecretBackend.open();
    return this.keychain;
  }

  /** The backend holding secrets of this kind; a keychain that no longer works is an error naming the reason. */
  private async backend(kind: SecretStoreKind, connector: string, name: string): Promise<SecretBackend> {
    if (kind === 'file') return this.fileSecrets;
    try {
      return await this.openKeychain();
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      throw new KeychainUnavailableError(
        error.message.replace(/^The OS keychain is not available: /, ''),
        `The secrets of profile "${name}" (${connector}) are in the OS keychain, which is not available`,
      );
    }
  }

  /** Where new secrets go: CONNECTOR_SETUP_SECRET_STORE, else the keychain when it works, else the file. */
  private async preferredBackend(): Promise<SecretBackend> {
    const requested = requestedSecretStore(this.env);
    if (requested === 'file') return this.fileSecrets;
    if (requested === 'keychain') return this.openKeychain();
    try {
      return await this.openKeychain();
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      if (!this.noticeGiven) {
        this.noticeGiven = true;
        this.notice(`OS keychain unavailable (${error.message.replace(/^The OS keychain is not available: /, '')}); secrets go to ${this.secretsPath} (mode 0600).`);
      }
      return this.fileSecrets;
    }
  }

  /**
   * Fails early (exit 2, with the reason) when CONNECTOR_SETUP_SECRET_STORE forces a keychain that does not
   * work, so a setup finds out before it sends anything.
   */
  async checkSecretStore(): Promise<void> {
    if (requestedSecretStore(this.env) === 'keychain') await this.openKeychain();
  }

  /**
   * Read and checked as the bytes on disk say, not through conf's view of them (which turns `[]` or `null`
   * into an empty store that the next save would silently replace).
   */
  private async readProfiles(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await fs.readFile(this.profilesPath, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { schemaVersion: SCHEMA_VERSION, profiles: {} };
      throw damagedFile(this.profilesPath, `it could not be read (${(error as { code?: string }).code ?? 'unknown error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw damagedFile(this.profilesPath, text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
    }
    return checkProfilesFile(data, this.profilesPath);
  }

  private async writeProfiles(profiles: ProfilesFile): Promise<void> {
    (await this.getConf()).store = { schemaVersion: SCHEMA_VERSION, profiles: profiles.profiles };
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    await ensurePrivateDirectory(this.directory);
    const { lock } = commonJsExports(await import('proper-lockfile'));
    const release = await lock(this.directory, {
      lockfilePath: path.join(this.directory, 'profiles.lock'),
      realpath: false,
      // The minimum proper-lockfile allows: a writer killed while holding the lock delays the next save by 5 s at most.
      stale: 5_000,
      retries: { retries: 100, minTimeout: 10, maxTimeout: 200, randomize: true },
    });
    try {
      await this.removeLeftovers();
      return await work();
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * Half-written replacements left by a process killed mid-save (one may hold secrets). Every save happens
   * under the lock, so while we hold it, any such file belongs to a writer that is gone.
   */
  private async removeLeftovers(): Promise<void> {
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    const leftovers = names.filter((name) => LEFTOVER_TEMPORARY_FILE.test(name));
    await Promise.all(leftovers.map((name) => fs.rm(path.join(this.directory, name), { force: true })));
  }

  async get(connector: string, name: string): Promise<ProfileWithSecrets | undefined> {
    const profiles = await this.readProfiles();
    const record = profiles.profiles[connector]?.[name];
    if (!record) return undefined;
    const secrets = await (await this.backend(record.secretStore, connector, name)).read(connector, name);
    return { ...record, connector, name, secrets };
  }

  async list(): Promise<StoredProfile[]> {
    const { profiles } = await this.readProfiles();
    return Object.entries(profiles)
      .flatMap(([connector, byName]) => Object.entries(byName).map(([name, record]) => ({ ...record, connector, name })))
      .sort((a, b) => a.connector.localeCompare(b.connector) || a.name.localeCompare(b.name));
  }

  /**
   * Creates or updates a profile. Values and secrets are merged key by key, so a one-time secret saved
   * early survives a later change that does not mention it. Secrets are written first; when they move
   * (file to keychain or back), they are removed from the old place only after the new one holds them.
   */
  async update(connector: string, name: string, change: ProfileChange): Promise<void> {
    await this.withLock(async () => {
      const profiles = await this.readProfiles();
      const byName = (profiles.profiles[connector] ??= {});
      const existing = byName[name];
      let secretStore: SecretStoreKind = existing?.secretStore ?? 'file';
      if (change.secrets && Object.keys(change.secrets).length > 0) {
        const target = await this.preferredBackend();
        const previous = existing ? await this.backend(secretStore, connector, name) : undefined;
        const kept = previous ? await previous.read(connector, name) : {};
        await target.write(connector, name, { ...kept, ...change.secrets });
        if (previous && previous.kind !== target.kind) await previous.remove(connector, name);
        secretStore = target.kind;
      }
      const now = new Date().toISOString();
      byName[name] = {
        values: { ...existing?.values, ...change.values },
        secretStore,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        lastVerified: change.lastVerified !== undefined ? change.lastVerified : (existing?.lastVerified ?? null),
        expiresOn: change.expiresOn !== undefined ? change.expiresOn : (existing?.expiresOn ?? null),
      };
      await this.writeProfiles(profiles);
    });
  }

  /** The one write `verify` makes: only the last-verified time of an existing profile. */
  async markVerified(connector: string, name: string, at: Date): Promise<void> {
    await this.withLock(async () => {
      const profiles = await this.readProfiles();
      const record = profiles.profiles[connector]?.[name];
      if (!record) return;
      record.lastVerified = at.toISOString();
      await this.writeProfiles(profiles);
    });
  }

  /** Removes the profile and its secrets wherever they live; a keychain that cannot be reached leaves both. */
  async remove(connector: string, name: string): Promise<boolean> {
    return this.withLock(async () => {
      const profiles = await this.readProfiles();
      const record = profiles.profiles[connector]?.[name];
      if (record?.secretStore === 'keychain') await (await this.backend('keychain', connector, name)).remove(connector, name);
      // A file entry can outlive a move to the keychain or a profile removed by hand: clear it too.
      await this.fileSecrets.remove(connector, name);
      if (!record) return false;
      delete profiles.profiles[connector]?.[name];
      await this.writeProfiles(profiles);
      return true;
    });
  }
}
