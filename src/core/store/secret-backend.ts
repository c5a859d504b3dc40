// Where a profile's secrets live: the OS keychain (macOS Keychain, Windows Credential Manager, the Linux
// Secret Service; src/core/store/keychain/), or a 0600 file beside the profiles. The run's secret store (secret-store.ts)
// picks one, and the profile store records the choice in each profile, so reads always go to the right place.
import { JsonFile, damagedFile, own, ownMap } from './atomic-file.js';
import { type Clock, systemClock } from '../clock.js';
import { InputError, InterruptedError } from '../errors.js';
import { isRecord, parseJson } from '../json.js';
import { NO_SESSION_BUS, sessionBusAddress } from './keychain/bus-address.js';
import type { PlatformKeychain } from './keychain/platform.js';
import { command } from '../hint.js';

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
/** A keychain call not answered in this time (an unlock prompt nobody will see, a stuck bus) counts as failed. */
const KEYCHAIN_TIMEOUT_MS = 3_000;

/**
 * On Linux the Secret Service lives on the session bus. Where there is none (a server, a container, CI)
 * that is said at once instead of loading the keychain code to hear it.
 */
export function missingSessionBus(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'linux' && !sessionBusAddress(env) ? NO_SESSION_BUS : undefined;
}

/** Own keys only (for...in over what JSON.parse made), and no array per map: a store holds a thousand of them. */
function isStringMap(value: unknown): value is Secrets {
  if (!isRecord(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

export class KeychainUnavailableError extends InputError {
  constructor(reason: string, why = 'The OS keychain is not available') {
    super(
      'keychain_unavailable',
      `${why}: ${reason}`,
      'On Linux a Secret Service (e.g. gnome-keyring) must be running and unlocked on the session bus (DBUS_SESSION_BUS_ADDRESS); or set CONNECTOR_SETUP_SECRET_STORE=file.',
    );
  }

  /** The reason alone, for a message that says its own "why". */
  get reason(): string {
    return this.message.replace(/^[^:]*: /, '');
  }
}

type SecretsFile = { schemaVersion: number; secrets: Record<string, Record<string, Secrets>> };

/** secrets.json, mode 0600, in the 0700 profile directory. Callers hold the store's lock around writes. */
export class FileSecretBackend implements SecretBackend {
  readonly kind = 'file' as const;
  private readonly file: JsonFile<SecretsFile>;

  constructor(directory: string, schemaVersion: number) {
    this.file = new JsonFile<SecretsFile>(
      directory,
      'secrets',
      (data, file) => {
        if (!isRecord(data) || data.schemaVersion !== schemaVersion || !isRecord(data.secrets)) throw damagedFile(file, 'it is not a secrets file of this version');
        for (const connector in data.secrets) {
          const byName = data.secrets[connector];
          if (!isRecord(byName)) throw damagedFile(file, `secrets.${connector} is not a map of strings`);
          for (const name in byName) if (!isStringMap(byName[name])) throw damagedFile(file, `secrets.${connector} is not a map of strings`);
        }
        return data as SecretsFile;
      },
      () => ({ schemaVersion, secrets: ownMap() }),
      // A profile's secrets are only ever copied out (read), so the maps that hold them are all that is readied.
      3,
    );
  }

  get path(): string {
    return this.file.path;
  }

  async read(connector: string, name: string): Promise<Secrets> {
    return { ...own(own((await this.file.readShared()).secrets, connector), name) };
  }

  async write(connector: string, name: string, secrets: Secrets): Promise<void> {
    const data = await this.file.read();
    const byName = own(data.secrets, connector) ?? (data.secrets[connector] = ownMap());
    byName[name] = { ...secrets };
    await this.file.write(data);
  }

  async remove(connector: string, name: string): Promise<void> {
    const data = await this.file.read();
    const byName = own(data.secrets, connector);
    if (!own(byName, name) || !byName) return;
    delete byName[name];
    await this.file.write(data);
  }
}

/** Only the first line of an error: the platform code never puts a value in one, and nothing else is added. */
function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
}

/**
 * One keychain item per profile (service `connector-setup`, account `<connector>/<name>`) holding the
 * profile's secrets as JSON, so a profile costs one keychain call. Each call has a deadline; a call that passes it
 * is abandoned (the platform code closes its bus connection or ends its tool process), and after any failure every
 * later call fails at once, so a run waits for a broken keychain once at most.
 */
export class KeychainSecretBackend implements SecretBackend {
  readonly kind = 'keychain' as const;
  private keychain: Promise<PlatformKeychain> | undefined;
  private broken: KeychainUnavailableError | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `env`: the run's environment (where the session bus is); `clock`: what a call's deadline runs on; `signal`:
   * Ctrl+C, which abandons a call under way.
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly clock: Clock = systemClock,
    private readonly signal?: AbortSignal,
  ) {}

  private fail(reason: string): KeychainUnavailableError {
    this.broken ??= new KeychainUnavailableError(reason);
    this.close();
    return this.broken;
  }

  /** The platform's keychain, its code loaded on first use: runs that never touch the keychain never read it. */
  private open(): Promise<PlatformKeychain> {
    this.keychain ??= import('./keychain/platform.js').then(({ platformKeychain }) => platformKeychain(KEYCHAIN_SERVICE, this.env));
    return this.keychain;
  }

  /** One call at a time, each with its own deadline: a queued call does not pay for the one before it. */
  private call<T>(work: (keychain: PlatformKeychain) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.signal?.aborted) throw new InterruptedError();
      if (this.broken) throw this.broken;
      const missing = missingSessionBus(this.env);
      if (missing) throw this.fail(missing);
      const deadline = this.clock.deadline(KEYCHAIN_TIMEOUT_MS);
      let expired = (): void => undefined;
      let interrupted = (): void => undefined;
      const late = new Promise<never>((_, reject) => {
        expired = () => reject(new Error(`no answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s (a locked keyring waiting for an unlock prompt?)`));
        interrupted = () => reject(new InterruptedError());
        deadline.signal.addEventListener('abort', expired, { once: true });
        this.signal?.addEventListener('abort', interrupted, { once: true });
      });
      // The deadline's timer does not keep a run alive, nor does a bus connection between a prompt and its answer:
      // this does, until the call ends one way or the other.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        return await Promise.race([this.open().then(work), late]);
      } catch (error) {
        if (!(error instanceof InterruptedError)) throw this.fail(reasonOf(error));
        // Abandoned, not failed: the run ends, and no secret goes to the file in the keychain's place.
        this.close();
        throw error;
      } finally {
        clearInterval(keepAlive);
        deadline.signal.removeEventListener('abort', expired);
        deadline.clear();
        this.signal?.removeEventListener('abort', interrupted);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the connection to the keychain (or its tool process); a call under way fails. */
  close(): void {
    void this.keychain?.then(
      (keychain) => keychain.close(),
      () => undefined,
    );
  }

  async read(connector: string, name: string): Promise<Secrets> {
    const text = await this.call((keychain) => keychain.get(`${connector}/${name}`));
    if (text === null || text === undefined) return {};
    const data = parseJson(String(text));
    if (!isStringMap(data)) {
      throw new InputError(
        'config_damaged',
        `The keychain item ${KEYCHAIN_SERVICE} ${connector}/${name} is damaged: it is not a map of strings.`,
        ['Remove it with ', command('profiles', 'remove', connector, name), ' and run the setup again.'],
      );
    }
    return data;
  }

  async write(connector: string, name: string, secrets: Secrets): Promise<void> {
    await this.call((keychain) => keychain.set(`${connector}/${name}`, JSON.stringify(secrets)));
  }

  async remove(connector: string, name: string): Promise<void> {
    await this.call((keychain) => keychain.delete(`${connector}/${name}`));
  }

  /** Whether an item can be stored at all: writes and removes a probe item (a locked keyring can still be read). */
  async check(): Promise<void> {
    await this.call((keychain) => keychain.set('probe', '{}'));
    await this.call((keychain) => keychain.delete('probe'));
  }
}
