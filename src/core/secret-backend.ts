// Where a profile's secrets live: the OS keychain (macOS Keychain, Windows Credential Manager, the Linux
// Secret Service), asked from a child process (keychain-child.ts), or a 0600 file beside the profiles. The profile
// store picks one and records the choice in each profile, so reads always go to the right place.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { JsonFile, damagedFile } from './atomic-file.js';
import { systemClock } from './clock.js';
import type { Clock } from './connector.js';
import { InputError } from './errors.js';
import { NO_SESSION_BUS, sessionBusAddress } from './keychain/bus-address.js';

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
/** Starting the keychain process (Node and its bundle) on a busy machine; no keychain is asked yet. */
const KEYCHAIN_START_MS = 10_000;

/**
 * On Linux the Secret Service lives on the session bus. Where there is none (a server, a container, CI)
 * that is said at once instead of starting the keychain process to hear it.
 */
export function missingSessionBus(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'linux' && !sessionBusAddress(env) ? NO_SESSION_BUS : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Secrets {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
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
        for (const [connector, byName] of Object.entries(data.secrets)) {
          if (!isRecord(byName) || !Object.values(byName).every(isStringMap)) throw damagedFile(file, `secrets.${connector} is not a map of strings`);
        }
        return data as SecretsFile;
      },
      () => ({ schemaVersion, secrets: {} }),
    );
  }

  get path(): string {
    return this.file.path;
  }

  async read(connector: string, name: string): Promise<Secrets> {
    return { ...(await this.file.read()).secrets[connector]?.[name] };
  }

  async write(connector: string, name: string, secrets: Secrets): Promise<void> {
    const data = await this.file.read();
    (data.secrets[connector] ??= {})[name] = { ...secrets };
    await this.file.write(data);
  }

  async remove(connector: string, name: string): Promise<void> {
    const data = await this.file.read();
    const byName = data.secrets[connector];
    if (!byName?.[name]) return;
    delete byName[name];
    await this.file.write(data);
  }
}

type Answer = { id?: number; ready?: true; ok?: boolean; value?: unknown; reason?: string };
type Request = { op: 'get' | 'set' | 'delete'; account: string; password?: string };

/**
 * One keychain item per profile (service `connector-setup`, account `<connector>/<name>`) holding the
 * profile's secrets as JSON, so a profile costs one keychain call. The calls run in a child process
 * (keychain-child.ts) that is killed when it does not answer in time; after any failure every later call
 * fails at once, so a run waits for a broken keychain once at most.
 */
export class KeychainSecretBackend implements SecretBackend {
  readonly kind = 'keychain' as const;
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private broken: KeychainUnavailableError | undefined;
  private waiting: { id: number; settle: (answer: Answer) => void } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  /** `env`: the run's environment, where the child finds the session bus; `clock`: what a call's deadline runs on. */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly clock: Clock = systemClock,
  ) {}

  private fail(reason: string): KeychainUnavailableError {
    this.broken ??= new KeychainUnavailableError(reason);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.broken;
  }

  private start(): Promise<void> {
    const missing = missingSessionBus(this.env);
    if (missing) return Promise.reject(this.fail(missing));
    this.ready ??= new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [fileURLToPath(new URL('./keychain-child.js', import.meta.url))], { stdio: ['pipe', 'pipe', 'ignore'], env: this.env });
      this.child = child;
      // Neither the process nor its pipes keep a finished run alive; while a call waits, the process does (call()).
      child.unref();
      for (const stream of [child.stdin, child.stdout] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
      child.stdin?.on('error', () => undefined);
      const timer = setTimeout(() => reject(this.fail(`its process did not start within ${KEYCHAIN_START_MS / 1000} s`)), KEYCHAIN_START_MS);
      const settle = (error?: KeychainUnavailableError): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      child.once('error', (error) => settle(this.fail(`its process could not be started (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`)));
      child.once('exit', (code, signal) => {
        const error = this.fail(`its process ended (${signal ?? code})`);
        settle(error);
        this.waiting?.settle({ ok: false, reason: error.reason });
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let answer: Answer;
        try {
          answer = JSON.parse(line) as Answer;
        } catch {
          return;
        }
        if (answer.ready === true) settle();
        else if (answer.id !== undefined && answer.id === this.waiting?.id) this.waiting.settle(answer);
      });
    });
    return this.ready;
  }

  /** One call at a time, each with its own deadline: a queued call does not pay for the one before it. */
  private call(request: Request): Promise<unknown> {
    const run = async (): Promise<unknown> => {
      if (this.broken) throw this.broken;
      await this.start();
      const id = this.nextId++;
      const deadline = this.clock.deadline(KEYCHAIN_TIMEOUT_MS);
      const answer = await new Promise<Answer>((resolve) => {
        const expired = (): void => {
          this.waiting = undefined;
          resolve({ ok: false, reason: `no answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s (a locked keyring waiting for an unlock prompt?)`, id: -1 });
        };
        deadline.addEventListener('abort', expired, { once: true });
        this.waiting = {
          id,
          settle: (result) => {
            deadline.removeEventListener('abort', expired);
            this.waiting = undefined;
            resolve(result);
          },
        };
        // The deadline's timer does not keep a run alive; the process it waits on does, until it answers.
        this.child?.ref();
        this.child?.stdin?.write(`${JSON.stringify({ id, ...request })}\n`);
      });
      this.child?.unref();
      if (answer.ok === true) return answer.value;
      throw this.fail(answer.reason ?? 'unknown error');
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async read(connector: string, name: string): Promise<Secrets> {
    const text = await this.call({ op: 'get', account: `${connector}/${name}` });
    if (text === null || text === undefined) return {};
    let data: unknown;
    try {
      data = JSON.parse(String(text));
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
    await this.call({ op: 'set', account: `${connector}/${name}`, password: JSON.stringify(secrets) });
  }

  async remove(connector: string, name: string): Promise<void> {
    await this.call({ op: 'delete', account: `${connector}/${name}` });
  }

  /** Whether an item can be stored at all: writes and removes a probe item (a locked keyring can still be read). */
  async check(): Promise<void> {
    await this.call({ op: 'set', account: 'probe', password: '{}' });
    await this.call({ op: 'delete', account: 'probe' });
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
