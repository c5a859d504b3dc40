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

/** What a profile store needs of the run's secret store. */
export interface SecretStore {
  /** secrets.json: where secrets go when the keychain is not used, shown to the user. */
  readonly filePath: string;
  /** Whether new secrets go to the keychain first; throws when CONNECTOR_SETUP_SECRET_STORE is not valid. */
  readonly triesKeychain: boolean;
  /** The backend a profile's record names: where its secrets are read, replaced and removed. */
  backend(kind: SecretStoreKind): SecretBackend;
  /** A profile's secrets, where this run keeps them; returns where they went. A failing keychain falls back to the file. */
  write(connector: string, name: string, secrets: Secrets): Promise<SecretStoreKind>;
  /** Before anything is sent: a store the user forced that cannot keep an item fails here, with the reason. */
  preflight(): Promise<void>;
  /** The team vault new secrets go to (`--store op:VAULT` and the like), or undefined for the keychain or file. */
  vault(): VaultStoreWriter | undefined;
  /** Ends what the backends opened (the keychain's connection). */
  close(): void;
}

export interface SecretStoreOptions {
  /** The run's environment: CONNECTOR_SETUP_SECRET_STORE, and where the session bus is. */
  env: NodeJS.ProcessEnv;
  /** The run's clock: a keychain call's deadline runs on it. */
  clock?: Clock;
  /** One line for the user, e.g. that the keychain was unavailable and the file was used. */
  notice?: (text: string) => void;
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
  private noticeGiven = false;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private readonly notice: (text: string) => void;
  private readonly signal: AbortSignal | undefined;

  constructor(directory: string, options: SecretStoreOptions) {
    this.file = new FileSecretBackend(directory, SECRETS_SCHEMA_VERSION);
    this.env = options.env;
    this.clock = options.clock ?? systemClock;
    this.notice = options.notice ?? (() => undefined);
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

  get triesKeychain(): boolean {
    return this.choice === 'auto' || this.choice === 'keychain';
  }

  private vaultWriter: VaultStoreWriter | undefined;

  vault(): VaultStoreWriter | undefined {
    const choice = this.choice;
    if (typeof choice === 'string') return undefined;
    this.vaultWriter ??= new VaultStoreWriter(choice, toolEnvironment(this.env));
    return this.vaultWriter;
  }

  private openKeychain(): KeychainSecretBackend {
    this.keychain ??= new KeychainSecretBackend(this.env, this.clock, this.signal);
    return this.keychain;
  }

  backend(kind: SecretStoreKind): SecretBackend {
    return kind === 'file' ? this.file : this.openKeychain();
  }

  /** Even a forced keychain falls back to the file when it fails: the secret may exist nowhere else. One notice per run. */
  async write(connector: string, name: string, secrets: Secrets): Promise<SecretStoreKind> {
    if (this.triesKeychain) {
      try {
        await this.openKeychain().write(connector, name, secrets);
        return 'keychain';
      } catch (error) {
        if (!(error instanceof KeychainUnavailableError)) throw error;
        if (!this.noticeGiven) {
          this.noticeGiven = true;
          // One line a person reads on every save; the keychain's own words (D-Bus detail) only when debugging.
          const detail = this.env.CONNECTOR_SETUP_DEBUG
            ? ` The keychain said: ${error.reason}. CONNECTOR_SETUP_SECRET_STORE=file stops trying it.`
            : '';
          this.notice(`OS keychain unavailable: secrets saved in ${this.filePath} (mode 0600).${detail}`);
        }
      }
    }
    await this.file.write(connector, name, secrets);
    return 'file';
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
