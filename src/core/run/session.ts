// What a command that talks to partners shares: Ctrl+C handling, the HTTP client and the profile store, around the
// output and redactor program.ts gave it.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { Clock } from '../clock.js';
import type { ConnectorInfo, RunContextBase } from './connector.js';
import { InputError } from '../errors.js';
import type { Http } from '../net/http.js';
import { HttpClient } from '../net/transport.js';
import type { RunOutput } from '../terminal/run-output.js';
import { type ProfileStore, type ProfileWithSecrets, openProfileStore } from '../store/profile-store.js';
import { type Prompter, createPrompter, noPrompter } from '../terminal/prompts.js';
import type { Redactor } from '../redact.js';
import { type FieldSpec, savedProfileCheck } from './fields.js';
import { type NotAsked, type ResolveInput, type ResolvedValues, resolveValues } from './resolve.js';
import { parseSecretReference, resolveSecretReference } from '../store/secret-references.js';
import { toolEnvironment } from '../store/vault-tools.js';

const DEFAULT_TIMEOUT_SECONDS = 15;
const MAX_TIMEOUT_SECONDS = 600;

/** The general options of docs/contract.md, parsed once from the command line. */
export interface GeneralOptions {
  /** --profile NAME, as typed (checked where it is used). */
  profile: string | undefined;
  /** false with --no-input: never prompt. */
  input: boolean;
  json: boolean;
  /** --timeout SECONDS, as typed (a bad one is the session's optionError). */
  timeout: string | undefined;
  showSecrets: boolean;
  /** --store: where new secrets go (over CONNECTOR_SETUP_SECRET_STORE). */
  store?: string;
}

export interface Session {
  /** The run's environment (CONNECTOR_SETUP_DEBUG, proxies, where values may come from). */
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  out: RunOutput;
  http: Http;
  signal: AbortSignal;
  store: ProfileStore;
  /** Runs one write of the profile store after the previous one: a batch's runs then never wait on each other's lock. */
  oneWriteAtATime<T>(write: () => Promise<T>): Promise<T>;
  /** Prompts only when stdin and stdout are terminals and --no-input is absent. */
  canPrompt: boolean;
  /** Why a run of this session that may ask (a setup) asks nothing; undefined when it asks. */
  notAsked: NotAsked | undefined;
  /**
   * A general option that did not parse (a bad --timeout). The session still opens, so the command can throw
   * this inside its own error handling and report it in its own document; nothing is sent before it does.
   */
  optionError: InputError | undefined;
  /** The terminal's prompter (or the test's), stopped by Ctrl+C; `false` gives one that refuses every question. */
  prompter(interactive: boolean): Prompter;
  /**
   * One profile's values, resolved (flags > stdin > env > profile > default), every secret known to the redactor
   * first; a reference to the team's vault is read through its CLI, and checked as the field's own value would be.
   */
  resolve(input: ResolveInput): Promise<ResolvedValues>;
  /** What the session gives every step of one profile's run (the runner adds its recorders). */
  runContext(run: RunOf): RunContextBase;
  close(): Promise<void>;
}

/** The run a step context is for; `out` replaces the session's (verify --all keeps each profile's run quiet). */
export interface RunOf {
  connector: ConnectorInfo;
  profileName: string;
  interactive: boolean;
  notAsked: NotAsked | undefined;
  saved: ProfileWithSecrets | undefined;
  out?: RunOutput;
}

export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new InputError('invalid_input', `--timeout must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (e.g. 30 or 0.5).`);
  }
  return Math.max(1, Math.round(seconds * 1000));
}

export interface SessionSurroundings {
  out: RunOutput;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
  prompter?: (signal: AbortSignal) => Prompter;
  /** Waits (retries, countdowns) go through it: in-process tests wait for nothing. */
  clock: Clock;
  /** The connectors: a saved profile of another, or with a value they would refuse, is reported as damaged. */
  registry: readonly ConnectorInfo[];
}

/**
 * The first Ctrl+C aborts the signal (what is in flight ends, exit 130 once it unwinds). The handler then steps
 * aside, so a second one ends the process the default way; writes are atomic, so that leaves nothing half-written.
 */
export function interruptedByCtrlC(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  // Every request of a batch in flight or waiting for its host listens: Node's warning past 10 is no leak here.
  setMaxListeners(0, controller.signal);
  const release = (): void => void process.off('SIGINT', onSigint);
  const onSigint = (): void => {
    controller.abort();
    // Stepping aside only once every listener of this signal has run: the prompt library's exit hook kills the
    // process when it finds itself alone, and would, were this handler gone before its turn.
    queueMicrotask(release);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release };
}

/** A value read from a vault is checked as the field's own value; the message names the reference, never the value. */
function parseReferenced(field: FieldSpec, value: string, reference: string): string {
  try {
    return field.parse(value);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.code, `${error.message} (from ${reference})`, error.hint);
  }
}

export function openSession(io: SessionSurroundings, options: Pick<GeneralOptions, 'input' | 'timeout' | 'store'>): Session {
  const { out, redactor } = io;
  const ctrlC = interruptedByCtrlC();
  const { signal } = ctrlC;
  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  let optionError: InputError | undefined;
  try {
    timeoutMs = parseTimeout(options.timeout);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    optionError = error;
  }
  const http = new HttpClient({ timeoutMs, signal, clock: io.clock, env: io.env, redactor });
  const store = openProfileStore({ env: io.env, clock: io.clock, notice: (text) => out.warn(text), signal, store: options.store, checkProfile: savedProfileCheck(io.registry) });
  const oneToolCall = pLimit(1);
  const atTerminal = Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
  const prompter = (interactive: boolean): Prompter => (interactive ? (io.prompter ?? createPrompter)(signal) : noPrompter);
  const oneWriteAtATime = pLimit(1);
  return {
    env: io.env,
    redactor,
    out,
    http,
    signal,
    store,
    oneWriteAtATime,
    canPrompt: options.input && atTerminal,
    notAsked: !atTerminal ? 'no-terminal' : !options.input ? 'no-input' : undefined,
    optionError,
    prompter,
    async resolve(input) {
      redactor.add(input.stdinLine);
      for (const secret of Object.values(input.saved?.secrets ?? {})) redactor.add(secret);
      const resolved = resolveValues(input);
      for (const [key, text] of Object.entries(resolved.references)) {
        const field = input.fields.find((candidate) => candidate.key === key);
        const reference = parseSecretReference(text);
        if (!field || !reference) continue;
        // One vault call at a time: a tool that asks to unlock asks once, not once per profile of a batch.
        const value = await oneToolCall(() => resolveSecretReference(reference, toolEnvironment(io.env)));
        redactor.add(value);
        resolved.values[key] = parseReferenced(field, value, text);
      }
      for (const field of input.fields) if (field.secret) redactor.add(resolved.values[field.key]);
      return resolved;
    },
    runContext: (run) => ({
      connector: run.connector,
      profileName: run.profileName,
      env: io.env,
      interactive: run.interactive,
      notAsked: run.notAsked,
      prompt: prompter(run.interactive),
      out: run.out ?? out,
      http,
      redactor,
      signal,
      clock: io.clock,
      saved: run.saved,
      profiles: {
        async get(name) {
          const profile = await store.get(run.connector.name, name);
          if (!profile) return undefined;
          const secrets = { ...profile.secrets };
          for (const [key, text] of Object.entries(profile.references ?? {})) {
            const reference = parseSecretReference(text);
            if (reference) secrets[key] = await oneToolCall(() => resolveSecretReference(reference, toolEnvironment(io.env)));
          }
          Object.values(secrets).forEach((secret) => redactor.add(secret));
          return { ...profile, secrets };
        },
        update: (name, change) => oneWriteAtATime(() => store.update(run.connector.name, name, change)),
        names: async () => (await store.list()).filter((profile) => profile.connector === run.connector.name).map((profile) => profile.name),
      },
    }),
    async close() {
      ctrlC.release();
      store.close();
      await http.close();
    },
  };
}
