// Where a run keeps secrets, decided once when the run is prepared: CONNECTOR_SETUP_SECRET_STORE is read a single
// time, and each backend is opened on first use and then reused. The profile store asks this one object, never the
// environment; another kind of store (a vault reference, say) is one more SecretBackend that it hands out.
import { type Clock, systemClock } from '../clock.js';
import { InputError } from '../errors.js';
import { FileSecretBackend, KeychainSecretBackend, KeychainUnavailableError, type SecretBackend, type SecretStoreKind, type Secrets } from './secret-backend.js';
import { type VaultStore, VaultStoreWriter, parseStoreChoice } from './vault-stores.js';
import { toolEnvironment } from './vault-tools.js';

const SECRETS_SCHEMA_VERSION = 1;

/**
 * `--store` or CONNECTOR_SETUP_SECRET_STORE: `keychain` or `file` forces one; unset (or `auto`) tries the keychain
 * first; `op:VAULT`, `vault:PATH` or `pass:PREFIX` writes new secrets to the team's vault and keeps references.
 */
export type RequestedSecretStore = SecretStoreKind | 'auto' | VaultStore;

/** Where one save put a profile's secrets, and how to put back what was there before. */
export interface SavedSecrets {
  readonly kind: SecretStoreKind;
  /** The keychain could not keep them and the file did: one line for the user, which whoever saved reports. */
  readonly warning: string | undefined;
  /** Puts the previous secrets back where they were (the record naming the new place could not be written). */
  undo(): Promise<void>;
  /** Once the record names the new place: a copy the keychain now holds fresher leaves the file. */
  settle(): Promise<void>;
}

/**
 * One profile's secrets in the run's store, asked for once per read, save or removal: read where the profile's
 * record says they are, and written where this run keeps new secrets.
 */
export interface ProfileSecrets {
  /** The team vault new secrets go to (`--store op:VAULT` and the like), or undefined; throws when the store named is not valid. */
  vault(): VaultStoreWriter | undefined;
  /** The secrets where the record says; a keychain that no longer works is an error naming the profile. */
  read(): Promise<Secrets>;
  /**
   * Replaces them with `secrets` (none: removes them). A keychain that fails falls back to the file, even a forced
   * one: the secret may exist nowhere else. `beforeKeychainItem` runs first when a keychain item is about to be
   * written that the record does not point to yet.
   */
  replace(secrets: Secrets, previous: Secrets, beforeKeychainItem: () => Promise<void>): Promise<SavedSecrets>;
  /** Removes them wherever they may be: the record's store (a keychain that cannot be reached fails), an older keychain copy, the file. */
  remove(): Promise<void>;
  /** A keychain item no record points to (its writer was killed); fails when the keychain does not answer. */
  removeKeychainItem(): Promise<void>;
}

/** What a profile store needs of the run's secret store. */
export interface SecretStore {
  /** secrets.json: where secrets go when the keychain is not used, shown to the user. */
  readonly filePath: string;
  /** One profile's secrets; `recorded` is the store its record names (none: a profile not saved yet). */
  of(connector: string, name: string, recorded: SecretStoreKind | undefined): ProfileSecrets;
  /** Before anything is sent: a store the user forced that cannot keep an item fails here, with the reason. */
  preflight(): Promise<void>;
  /** Ends what the backends opened (the keychain's connection). */
  close(): void;
}

export interface SecretStoreOptions {
  /** The run's environment: CONNECTOR_SETUP_SECRET_STORE, and where the session bus is. */
  env: NodeJS.ProcessEnv;
  /** The run's clock: a keychain call's deadline runs on it. */
  clock?: Clock;
  /** `--store`, which wins over CONNECTOR_SETUP_SECRET_STORE. */
  store?: string;
  /** Aborted on Ctrl+C: a keychain call under way is abandoned, and nothing goes to the file instead. */
  signal?: AbortSignal;
}

function parseRequested(env: NodeJS.ProcessEnv, flag: string | undefined): RequestedSecretStore {
  if (flag !== undefined) return parseStoreChoice(flag, '--store');
  return parseStoreChoice(env.CONNECTOR_SETUP_SECRET_STORE ?? '', 'CONNECTOR_SETUP_SECRET_STORE');
}

/** The OS keychain where one works, else a 0600 file beside the profiles, as CONNECTOR_SETUP_SECRET_STORE asks. */
export class ChosenSecretStore implements SecretStore {
  private readonly file: FileSecretBackend;
  private keychain: KeychainSecretBackend | undefined;
  /** The choice, or why the variable could not be read: said where a secret is first stored or removed. */
  private readonly requested: RequestedSecretStore | InputError;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;

  constructor(directory: string, options: SecretStoreOptions) {
    this.file = new FileSecretBackend(directory, SECRETS_SCHEMA_VERSION);
    this.env = options.env;
    this.clock = options.clock ?? systemClock;
    this.signal = options.signal;
    try {
      this.requested = parseRequested(options.env, options.store);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.requested = error;
    }
  }

  get filePath(): string {
    return this.file.path;
  }

  private get choice(): RequestedSecretStore {
    if (this.requested instanceof InputError) throw this.requested;
    return this.requested;
  }

  /** Whether new secrets go to the keychain first; throws when the store named is not valid. */
  private get triesKeychain(): boolean {
    return this.choice === 'auto' || this.choice === 'keychain';
  }

  private vaultWriter: VaultStoreWriter | undefined;

  private vault(): VaultStoreWriter | undefined {
    const choice = this.choice;
    if (typeof choice === 'string') return undefined;
    this.vaultWriter ??= new VaultStoreWriter(choice, toolEnvironment(this.env));
    return this.vaultWriter;
  }

  private openKeychain(): KeychainSecretBackend {
    this.keychain ??= new KeychainSecretBackend(this.env, this.clock, this.signal);
    return this.keychain;
  }

  private backend(kind: SecretStoreKind): SecretBackend {
    return kind === 'file' ? this.file : this.openKeychain();
  }

  /** Keychain first where this run tries it, else (or when it fails, saying so) the file. */
  private async put(connector: string, name: string, secrets: Secrets): Promise<{ kind: SecretStoreKind; warning?: string }> {
    let warning: string | undefined;
    if (this.triesKeychain) {
      try {
        await this.openKeychain().write(connector, name, secrets);
        return { kind: 'keychain' };
      } catch (error) {
        if (!(error instanceof KeychainUnavailableError)) throw error;
        // One line a person reads on every save; the keychain's own words (D-Bus detail) only when debugging.
        const detail = this.env.CONNECTOR_SETUP_DEBUG ? ` The keychain said: ${error.reason}. CONNECTOR_SETUP_SECRET_STORE=file stops trying it.` : '';
        warning = `OS keychain unavailable: secrets saved in ${this.filePath} (mode 0600).${detail}`;
      }
    }
    await this.file.write(connector, name, secrets);
    return { kind: 'file', warning };
  }

  of(connector: string, name: string, recorded: SecretStoreKind | undefined): ProfileSecrets {
    const held = recorded ?? 'file';
    /** Work on the secrets where the record says; a keychain that no longer works is an error naming the profile. */
    const inRecordedStore = async <T>(work: (backend: SecretBackend) => Promise<T>): Promise<T> => {
      try {
        return await work(this.backend(held));
      } catch (error) {
        if (!(error instanceof KeychainUnavailableError)) throw error;
        throw new KeychainUnavailableError(error.reason, `The secrets of profile "${name}" (${connector}) are in the OS keychain, which is not available`);
      }
    };
    return {
      vault: () => this.vault(),
      read: () => inRecordedStore((backend) => backend.read(connector, name)),
      replace: async (secrets, previous, beforeKeychainItem) => {
        let kind = held;
        let warning: string | undefined;
        if (Object.keys(secrets).length > 0) {
          if (held !== 'keychain' && this.triesKeychain) await beforeKeychainItem();
          ({ kind, warning } = await this.put(connector, name, secrets));
        } else {
          await this.backend(held).remove(connector, name);
        }
        const target = this.backend(kind);
        const before = held === kind ? previous : {};
        return {
          kind,
          warning,
          undo: () => (Object.keys(before).length > 0 ? target.write(connector, name, before) : target.remove(connector, name)),
          settle: async () => {
            if (kind === 'keychain' && recorded === 'file') await this.file.remove(connector, name);
          },
        };
      },
      remove: async () => {
        if (recorded === 'keychain') await inRecordedStore((backend) => backend.remove(connector, name));
        // An older keychain copy can outlive a save that fell back to the file: cleared when the keychain answers.
        else if (this.triesKeychain) await this.openKeychain().remove(connector, name).catch(() => undefined);
        // A file entry can outlive a move to the keychain or a profile removed by hand: clear it too.
        await this.file.remove(connector, name);
      },
      removeKeychainItem: () => this.openKeychain().remove(connector, name),
    };
  }

  /** Only a forced keychain or a team vault is checked: otherwise a keychain that fails later is no reason to stop (the file takes over). */
  async preflight(): Promise<void> {
    if (this.choice === 'keychain') await this.openKeychain().check();
    await this.vault()?.check();
  }

  close(): void {
    this.keychain?.close();
  }
}
