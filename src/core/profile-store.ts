// Saved profiles: non-secret values in profiles.json (through conf), secrets in secrets.json (mode 0600),
// both in a 0700 directory. Every change is a locked read-modify-write with atomic replacement, so
// concurrent runs never lose each other's profiles and a killed process never leaves half a file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirectory, writeFileAtomic } from './atomic-file.js';
import { commonJsExports } from './commonjs.js';
import { configDirectory } from './config-dir.js';
import { InputError } from './errors.js';
import { quoteValue } from './validate.js';

export const SCHEMA_VERSION = 1;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** writeFileAtomic's temporary secrets file, and the one conf's writer (atomically) uses for profiles.json. */
const LEFTOVER_TEMPORARY_FILE = /^(\.secrets\.json\.\d+\.[0-9a-f]{8}\.tmp|profiles\.json\.tmp-\d{10}[0-9a-f]{6})$/;

export interface StoredProfile {
  connector: string;
  name: string;
  values: Record<string, string>;
  secretStore: 'file';
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

type ProfileRecord = Omit<StoredProfile, 'connector' | 'name'>;
type ProfilesFile = { schemaVersion: number; profiles: Record<string, Record<string, ProfileRecord>> };
type SecretsFile = { schemaVersion: number; secrets: Record<string, Record<string, Record<string, string>>> };

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

function damaged(file: string, problem: string): InputError {
  return new InputError(
    'config_damaged',
    `The profile file ${file} is damaged: ${problem}.`,
    'Fix the file by hand or move it aside; connector-setup never overwrites a damaged file.',
  );
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
  if (!isRecord(data)) throw damaged(file, 'it is not a JSON object');
  if (Object.keys(data).length === 0) return { schemaVersion: SCHEMA_VERSION, profiles: {} };
  if (data.schemaVersion !== SCHEMA_VERSION) throw damaged(file, `schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected ${SCHEMA_VERSION}`);
  if (!isRecord(data.profiles)) throw damaged(file, '"profiles" is not an object');
  for (const [connector, byName] of Object.entries(data.profiles)) {
    if (!isRecord(byName)) throw damaged(file, `profiles.${connector} is not an object`);
    for (const [name, record] of Object.entries(byName)) {
      const where = `profiles.${connector}.${name}`;
      if (!isRecord(record) || !isStringMap(record.values)) throw damaged(file, `${where}.values is not a map of strings`);
      if (!isNullableString(record.lastVerified) || !isNullableString(record.expiresOn)) {
        throw damaged(file, `${where} has a lastVerified or expiresOn that is not a string`);
      }
      if (typeof record.createdAt !== 'string' || typeof record.updatedAt !== 'string') {
        throw damaged(file, `${where} lacks createdAt or updatedAt`);
      }
    }
  }
  return data as ProfilesFile;
}

function checkSecretsFile(data: unknown, file: string): SecretsFile {
  if (!isRecord(data) || data.schemaVersion !== SCHEMA_VERSION || !isRecord(data.secrets)) {
    throw damaged(file, 'it is not a secrets file of this version');
  }
  for (const [connector, byName] of Object.entries(data.secrets)) {
    if (!isRecord(byName) || !Object.values(byName).every(isStringMap)) throw damaged(file, `secrets.${connector} is not a map of strings`);
  }
  return data as SecretsFile;
}

export class ProfileStore {
  readonly profilesPath: string;
  readonly secretsPath: string;
  private conf: Promise<{ store: Record<string, unknown> }> | undefined;

  constructor(readonly directory: string = configDirectory()) {
    this.profilesPath = path.join(directory, 'profiles.json');
    this.secretsPath = path.join(directory, 'secrets.json');
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
      throw damaged(this.profilesPath, `it could not be read (${(error as { code?: string }).code ?? 'unknown error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw damaged(this.profilesPath, text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
    }
    return checkProfilesFile(data, this.profilesPath);
  }

  private async readSecrets(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await fs.readFile(this.secretsPath, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { schemaVersion: SCHEMA_VERSION, secrets: {} };
      throw damaged(this.secretsPath, `it could not be read (${(error as { code?: string }).code ?? 'unknown error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw damaged(this.secretsPath, 'it is not valid JSON');
    }
    return checkSecretsFile(data, this.secretsPath);
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    await ensurePrivateDirectory(this.directory);
    const { lock } = commonJsExports(await import('proper-lockfile'));
    const release = await lock(this.directory, {
      lockfilePath: path.join(this.directory, 'profiles.lock'),
      realpath: false,
      stale: 10_000,
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
    const secrets = (await this.readSecrets()).secrets[connector]?.[name] ?? {};
    return { ...record, connector, name, secrets: { ...secrets } };
  }

  async list(): Promise<StoredProfile[]> {
    const { profiles } = await this.readProfiles();
    return Object.entries(profiles)
      .flatMap(([connector, byName]) => Object.entries(byName).map(([name, record]) => ({ ...record, connector, name })))
      .sort((a, b) => a.connector.localeCompare(b.connector) || a.name.localeCompare(b.name));
  }

  /**
   * Creates or updates a profile. Values and secrets are merged key by key, so a one-time secret saved
   * early survives a later change that does not mention it. Secrets are written first.
   */
  async update(connector: string, name: string, change: ProfileChange): Promise<void> {
    await this.withLock(async () => {
      const profiles = await this.readProfiles();
      if (change.secrets && Object.keys(change.secrets).length > 0) {
        const secretsFile = await this.readSecrets();
        const byName = (secretsFile.secrets[connector] ??= {});
        byName[name] = { ...byName[name], ...change.secrets };
        await writeFileAtomic(this.secretsPath, `${JSON.stringify(secretsFile, null, 2)}\n`, 0o600);
      }
      const now = new Date().toISOString();
      const byName = (profiles.profiles[connector] ??= {});
      const existing = byName[name];
      byName[name] = {
        values: { ...existing?.values, ...change.values },
        secretStore: 'file',
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        lastVerified: change.lastVerified !== undefined ? change.lastVerified : (existing?.lastVerified ?? null),
        expiresOn: change.expiresOn !== undefined ? change.expiresOn : (existing?.expiresOn ?? null),
      };
      (await this.getConf()).store = { schemaVersion: SCHEMA_VERSION, profiles: profiles.profiles };
    });
  }

  /** The one write `verify` makes: only the last-verified time of an existing profile. */
  async markVerified(connector: string, name: string, at: Date): Promise<void> {
    await this.withLock(async () => {
      const profiles = await this.readProfiles();
      const record = profiles.profiles[connector]?.[name];
      if (!record) return;
      record.lastVerified = at.toISOString();
      (await this.getConf()).store = { schemaVersion: SCHEMA_VERSION, profiles: profiles.profiles };
    });
  }

  async remove(connector: string, name: string): Promise<boolean> {
    return this.withLock(async () => {
      const profiles = await this.readProfiles();
      const secretsFile = await this.readSecrets();
      const existed = Boolean(profiles.profiles[connector]?.[name]);
      const connectorSecrets = secretsFile.secrets[connector];
      if (connectorSecrets?.[name]) {
        delete connectorSecrets[name];
        await writeFileAtomic(this.secretsPath, `${JSON.stringify(secretsFile, null, 2)}\n`, 0o600);
      }
      if (existed) {
        delete profiles.profiles[connector]?.[name];
        (await this.getConf()).store = { schemaVersion: SCHEMA_VERSION, profiles: profiles.profiles };
      }
      return existed;
    });
  }
}
