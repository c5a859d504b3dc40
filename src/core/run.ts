// The context every step of a run receives, and the result every run ends in.
import type { ConnectorDefinition } from '../connectors/types.js';
import type { ErrorJson } from './errors.js';
import type { HttpClient } from './http.js';
import type { Output } from './output.js';
import type { ProfileStore, ProfileWithSecrets } from './profile-store.js';
import type { Prompter } from './prompts.js';
import type { Redactor } from './redact.js';
import type { ResolvedValues } from './resolve.js';

export interface Check {
  name: string;
  ok: boolean;
  ms: number;
}

/** The JSON document of setup and verify (CONTRACT.md, `--json`). */
export interface RunResult {
  ok: boolean;
  connector: string;
  profile: string | null;
  checks: Check[];
  values: Record<string, string>;
  warnings: string[];
  error: ErrorJson | null;
}

export interface CyclrValue {
  label: string;
  value: string;
  secret: boolean;
}

export interface SetupSummary {
  /** Non-secret values for the result. */
  values: Record<string, string>;
  /** Everything the profile keeps. */
  secrets: Record<string, string>;
  cyclrValues: CyclrValue[];
  expiresOn?: string | null;
  /** True when the connector already saved the profile itself (e.g. a one-time secret). */
  savedEarly?: boolean;
}

export interface RunContext {
  connector: ConnectorDefinition;
  profileName: string;
  /** Parsed command options (commander's names). */
  options: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  prompt: Prompter;
  out: Output;
  http: HttpClient;
  redactor: Redactor;
  store: ProfileStore;
  saved: ProfileWithSecrets | undefined;
  resolved: ResolvedValues;
  checks: Check[];
  warnings: string[];
  /**
   * The values a connector's setup has collected so far (its draft, secrets included), kept up to date as it goes so
   * that a failed run can still report the non-secret ones (see checkedValues). Unset until the connector sets it.
   */
  draft?: object;
}

/** Runs one network check with a progress line, and records its name, outcome and time. */
export async function runCheck<T>(context: RunContext, name: string, work: () => Promise<T>): Promise<T> {
  const progress = context.out.progress(name);
  const started = performance.now();
  try {
    const result = await work();
    context.checks.push({ name, ok: true, ms: Math.round(performance.now() - started) });
    progress.done(true);
    return result;
  } catch (error) {
    context.checks.push({ name, ok: false, ms: Math.round(performance.now() - started) });
    progress.done(false);
    throw error;
  }
}
