// Where a profile's secrets live: the OS keychain (macOS Keychain, Windows Credential Manager, the Linux
// Secret Service) through @napi-rs/keyring, or a 0600 file beside the profiles. The profile store picks one
// and records the choice in each profile, so reads always go to the right place.
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { InputError } from './errors.js';

export type SecretStoreKind = 'keychain' | 'file';
export type Secrets = Record<string, string>;

export interface SecretBackend {
  readonly kind: SecretStoreKind;
  /** The profile's secrets; empty when it has none here. */
  read(connector: string, name: string): Promise<Secrets>;
  /** Replaces the profile's secrets with exactly these. */
  write(connector: string, name: string, secrets: Secrets): Promise<void>;
  remove(connector: string, name: string): Promise<void>;
}

const KEYCHAIN_SERVICE = 'connector-setup';
/** A keychain that does not answer in this time (a hung prompt, a stuck bus) counts as unavailable. */
const KEYCHAIN_TIMEOUT_MS = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Secrets {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

export function damagedFile(file: string, problem: string): InputError {
  return new InputError(
    'config_damaged',
    `The profile file ${file} is damaged: ${problem}.`,
    'Fix the file by hand or move it aside; connector-setup never overwrites a damaged file.',
  );
}

export class KeychainUnavailableError extends InputError {
  constructor(reason: string, why = 'The OS keychain is not available') {
    super(
      'keychain_unavailable',
      `${why}: ${reason}`,
      'On Linux a Secret Service (e.g. gnome-keyring) must be running and unlocked on the session bus (DBUS_SESSION_BUS_ADDRESS); or set CONNECTOR_SETUP_SECRET_STORE=file.',
    );
  }
}

type SecretsFile = { schemaVersion: number; secrets: Record<string, Record<string, Secrets>> };

/** secrets.json, mode 0600, in the 0700 profile directory. Callers hold the store's lock around writes. */
export class FileSecretBackend implements SecretBackend {
  readonly kind = 'file' as const;

  constructor(
    readonly file: string,
    private readonly schemaVersion: number,
  ) {}

  private async load(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { schemaVersion: this.schemaVersion, secrets: {} };
      throw damagedFile(this.file, `it could not be read (${(error as { code?: string }).code ?? 'unknown error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw damagedFile(this.file, 'it is not valid JSON');
    }
    if (!isRecord(data) || data.schemaVersion !== this.schemaVersion || !isRecord(data.secrets)) {
      throw damagedFile(this.file, 'it is not a secrets file of this version');
    }
    for (const [connector, byName] of Object.entries(data.secrets)) {
      if (!isRecord(byName) || !Object.values(byName).every(isStringMap)) throw damagedFile(this.file, `secrets.${connector} is not a map of strings`);
    }
    return data as SecretsFile;
  }

  private async save(data: SecretsFile): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
  }

  async read(connector: string, name: string): Promise<Secrets> {
    return { ...(await this.load()).secrets[connector]?.[name] };
  }

  async write(connector: string, name: string, secrets: Secrets): Promise<void> {
    const data = await this.load();
    (data.secrets[connector] ??= {})[name] = { ...secrets };
    await this.save(data);
  }

  async remove(connector: string, name: string): Promise<void> {
    const data = await this.load();
    const byName = data.secrets[connector];
    if (!byName?.[name]) return;
    delete byName[name];
    await this.save(data);
  }
}

type KeyringModule = typeof import('@napi-rs/keyring');
type AsyncEntry = InstanceType<KeyringModule['AsyncEntry']>;

/** Only the first line of a binding error, without anything that could echo a value. */
function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
}

/**
 * One keychain item per profile (service `connector-setup`, account `<connector>/<name>`) holding the
 * profile's secrets as JSON, so a profile costs one keychain call. On Linux the Secret Service is required
 * explicitly: the binding's fallback, the kernel keyring, forgets everything at logout.
 */
export class KeychainSecretBackend implements SecretBackend {
  readonly kind = 'keychain' as const;

  private constructor(private readonly keyring: KeyringModule) {}

  /** Loads the binding and makes one harmless read; throws KeychainUnavailableError with the reason. */
  static async open(): Promise<KeychainSecretBackend> {
    let keyring: KeyringModule;
    try {
      keyring = await import('@napi-rs/keyring');
    } catch (error) {
      throw new KeychainUnavailableError(`the keychain binding could not be loaded (${reasonOf(error)})`);
    }
    const backend = new KeychainSecretBackend(keyring);
    await backend.call('probe', '', (entry, signal) => entry.getPassword(signal));
    return backend;
  }

  private async call<T>(connector: string, name: string, work: (entry: AsyncEntry, signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      const entry = new this.keyring.AsyncEntry(KEYCHAIN_SERVICE, `${connector}/${name}`, { linux: { store: 'secret-service' } });
      return await work(entry, AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS));
    } catch (error) {
      throw new KeychainUnavailableError(reasonOf(error));
    }
  }

  async read(connector: string, name: string): Promise<Secrets> {
    const text = await this.call(connector, name, (entry, signal) => entry.getPassword(signal));
    if (text === null || text === undefined) return {};
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!isStringMap(data)) {
      throw new InputError(
        'config_damaged',
        `The keychain item ${KEYCHAIN_SERVICE} ${connector}/${name} is damaged: it is not a map of strings.`,
        `Remove it with connector-setup profiles remove ${connector} ${name} and run the setup again.`,
      );
    }
    return data;
  }

  async write(connector: string, name: string, secrets: Secrets): Promise<void> {
    await this.call(connector, name, (entry, signal) => entry.setPassword(JSON.stringify(secrets), signal));
  }

  async remove(connector: string, name: string): Promise<void> {
    await this.call(connector, name, (entry, signal) => entry.deleteCredential(signal));
  }
}

/** CONNECTOR_SETUP_SECRET_STORE: `keychain` or `file` forces one; unset tries the keychain first. */
export function requestedSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStoreKind | 'auto' {
  const raw = env.CONNECTOR_SETUP_SECRET_STORE?.trim().toLowerCase();
  if (!raw || raw === 'auto') return 'auto';
  if (raw === 'keychain' || raw === 'file') return raw;
  throw new InputError(
    'invalid_input',
    `CONNECTOR_SETUP_SECRET_STORE must be keychain or file, not "${raw.slice(0, 40)}".`,
    'Unset it to use the OS keychain where one works and the file otherwise.',
  );
}
