// What a command ends in: one typed outcome, which program.ts renders (human or JSON) and turns into the exit code in
// exactly one place. Nothing below program.ts prints a result or an error itself.
import type { CliError, ErrorJson, ExitCode } from './errors.js';
import type { Hint } from './hint.js';

export interface Check {
  name: string;
  ok: boolean;
  ms: number;
}

export interface CyclrValue {
  label: string;
  value: string;
  secret: boolean;
  /** A person's password: masked as set, never with its last characters. */
  password: boolean;
}

/** What every run of one profile reports, passed or not (docs/contract.md, `--json`). */
export interface RunReport {
  connector: string;
  /** The connector's name as people say it (human output only). */
  title: string;
  profile: string | null;
  checks: readonly Check[];
  /** Non-secret values only. */
  values: Readonly<Record<string, string>>;
  /** Where each field's value came from (flag, stdin, env, profile, reference, default, step): names, never values. */
  sources: Readonly<Record<string, string>>;
  warnings: readonly string[];
  /** Where secrets went, when the user is to hear it (the keychain fell back to the file): said before the saved line. */
  savedNotes?: readonly string[];
}

export type FailureKind = 'refused' | 'unreachable' | 'invalid_input' | 'interrupted' | 'internal_error';

export type RunOutcome =
  | (RunReport & {
      kind: 'verified';
      /** `plan`: a dry run showed what it would do and changed nothing. */
      mode: 'setup' | 'verify' | 'plan';
      cyclrLocation: string;
      cyclrValues: readonly CyclrValue[];
      expiresOn: string | null;
      /** Where the profile was saved, when it was. */
      savedIn: string | null;
      /** The profile that holds the secrets shown (saved, or a one-time secret kept despite --no-save), which a reveal command names. */
      heldIn: string | null;
    })
  | (RunReport & {
      kind: FailureKind;
      error: CliError;
      /** The wizard showed this refusal in full just before the user chose to stop: one short line is enough. */
      shown: boolean;
    });

export interface BatchEntry {
  outcome: RunOutcome;
  ms: number;
}

/** One saved profile as `profiles list` and `profiles show` present it; the renderer lays it out. */
export interface ProfileView {
  connector: string;
  name: string;
  /** Each value under its label, in the connector's field order (a secret masked unless it was asked for). */
  values: readonly { label: string; value: string }[];
  /** Where its secrets are: list says keychain, file or the vault tools; show names the place. */
  secretStoredIn: string;
  lastVerified: string | null;
  expiresOn: string | null;
}

/** How a value reached the clipboard (core/terminal/clipboard.ts). */
export interface ClipboardCopyView {
  method: string;
  confirmed: boolean;
  tmux: boolean;
}

export type CommandOutcome =
  | {
      kind: 'run';
      run: RunOutcome;
      showSecrets: boolean;
      /** After a setup at a terminal: the hand-off of the values to Cyclr, once the summary is on screen. */
      handOff?: () => Promise<void>;
    }
  | {
      kind: 'batch';
      entries: readonly BatchEntry[];
      /** Once the report is printed: the batch's hold on the heap's young generation ends (run/young-generation.ts). */
      printed?: () => void;
    }
  /**
   * A data command's result: its JSON document (under --json) or its lines (stdout), with warnings before and a note
   * after them for a person (stderr). `revealSecrets`: the user asked to see the secrets in it.
   */
  | { kind: 'data'; json?: unknown; lines: readonly string[]; warnings?: readonly Hint[]; note?: Hint; revealSecrets?: boolean }
  /** `profiles list`: its JSON document under --json, else a block per profile (with none, how to make one); only the one printed is made. */
  | { kind: 'profile-list'; json?: unknown; profiles: readonly ProfileView[]; now: number }
  /**
   * `profiles show`: the profile as a table, warnings first (a saved secret gone from its store); `copyable` names a
   * saved secret `--copy` takes, for the note on how to see or copy what is masked.
   */
  | { kind: 'profile-shown'; json: unknown; profile: ProfileView; now: number; warnings: readonly Hint[]; revealSecrets: boolean; copyable?: string }
  /** `profiles show --copy`: what was copied (`the Client Secret of profile "acme" (pingone)`) and how. */
  | { kind: 'profile-copied'; json: unknown; what: string; copy: ClipboardCopyView }
  /** A command that failed before it had a run of its own (bad input, unknown profile, damaged config). */
  | { kind: 'failed'; error: CliError; document?: Record<string, unknown> };

/** The kind of failure an error is, from the exit code docs/contract.md gives it. */
export function failureKind(error: CliError): FailureKind {
  switch (error.exitCode) {
    case 1:
      return error.code === 'internal_error' ? 'internal_error' : 'refused';
    case 2:
      return 'invalid_input';
    case 3:
      return 'unreachable';
    case 130:
      return 'interrupted';
    default:
      return 'internal_error';
  }
}

export function runExitCode(run: RunOutcome): ExitCode {
  return run.kind === 'verified' ? 0 : run.error.exitCode;
}

/** docs/contract.md, Exit codes: 1 when any was rejected; else 3 when any could not be asked; bad input 2; Ctrl+C 130 first. */
export function batchExitCode(entries: readonly BatchEntry[]): ExitCode {
  const codes = new Set(entries.map((entry) => runExitCode(entry.outcome)));
  for (const code of [130, 1, 3, 2] as const) if (codes.has(code)) return code;
  return 0;
}

export function exitCodeOf(outcome: CommandOutcome): ExitCode {
  switch (outcome.kind) {
    case 'run':
      return runExitCode(outcome.run);
    case 'batch':
      return batchExitCode(outcome.entries);
    case 'data':
    case 'profile-list':
    case 'profile-shown':
    case 'profile-copied':
      return 0;
    case 'failed':
      return outcome.error.exitCode;
  }
}

/** An error as JSON; its hint's commands begin with `program`, as the tool was started. */
export function toErrorJson(error: CliError, program: readonly string[]): ErrorJson {
  return { code: error.code, message: error.message, hint: error.hintFor(program) };
}

/** The JSON document of one run (docs/contract.md, `--json`): the same for setup, --verify and each entry of verify --all. */
export function runDocument(run: RunOutcome, program: readonly string[]): Record<string, unknown> {
  return {
    ok: run.kind === 'verified',
    connector: run.connector,
    profile: run.profile,
    checks: run.checks,
    values: run.values,
    sources: run.sources,
    warnings: [...new Set([...run.warnings, ...(run.savedNotes ?? [])])],
    error: run.kind === 'verified' ? null : toErrorJson(run.error, program),
  };
}
