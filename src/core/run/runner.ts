// One run of one connector for one profile: the wizard's steps (setup) or the checks alone (verify), the token
// check with its "What now?" loop, the write-ahead save of a one-time secret, and the final save. It returns one
// typed outcome and prints no result itself (core/render.ts does, called from program.ts).
import path from 'node:path';
import type { ConnectorSteps, NextMove, RunContextBase, Step, StepContext, StepResult, Values } from './connector.js';
import { CliError, type HintRun, InterruptedError, RejectedError } from '../errors.js';
import { PROFILE, command, joinHints } from '../hint.js';
import { askOpen } from './wizard.js';
import type { FieldSpec } from './fields.js';
import { type TokenRefusal, diagnoseRefusal, requestToken } from '../net/oauth.js';
import { type Check, type CyclrValue, type RunOutcome, failureKind } from '../outcome.js';
import { writeNewFile } from '../store/atomic-file.js';
import type { ProfileChange, ProfileWithSecrets } from '../store/profile-store.js';
import type { Choice } from '../terminal/prompts.js';
import { type ValueSource, isExplicit, missingInputs } from './resolve.js';
import { retryWhileSettling } from './settle.js';
import { assessExpiry } from './verification.js';

/** Where a value came from, including from a step of this run (asked, or issued by the partner). */
type RunSource = ValueSource | 'step';

/** How a run writes its profile; verify --all serialises these within the process. */
export interface ProfileWriter {
  /** Where profiles live, for the "Saved profile" line. */
  directory: string;
  /** Returns what the user is to hear about where the secrets went (the keychain fell back to the file). */
  update(change: ProfileChange): Promise<readonly string[]>;
  markVerified(at: Date): Promise<void>;
}

export interface RunInput {
  /** The step context without its recorders (the runner adds `check` and `warn`). */
  context: RunContextBase;
  steps: ConnectorSteps;
  values: Values;
  sources: Readonly<Record<string, ValueSource>>;
  /** Secrets read from the team's vault: key -> the reference, which a saved profile keeps instead of the value. */
  references?: Readonly<Record<string, string>>;
  /** Warnings known before the run starts (e.g. whitespace removed from a secret). */
  warnings?: readonly string[];
  /** undefined: the profile is not saved (--no-save); a one-time secret is saved all the same. */
  writer: ProfileWriter | undefined;
  /** Writes a one-time secret even with --no-save: it is the only copy. */
  keepWriter: ProfileWriter;
  /** The writer of another profile, for a run a step moves to a new profile. */
  writerFor(profileName: string): ProfileWriter;
  /** `--expiring-within DAYS` (verify only). */
  failWithinDays?: number;
  /** `--secret-out FILE` (setup only): where a one-time secret goes when its profile cannot keep it. */
  secretOut?: string;
}

const DEFAULT_MOVES: Choice<NextMove>[] = [
  { name: 'Try again (after changing the setting)', short: 'Try again', value: 'retry' },
  { name: 'Change the values I entered', value: 'edit' },
  { name: 'Quit', value: 'quit' },
];

/** The partner refused the token request; carried out of the check to be diagnosed. */
class Refused extends Error {
  constructor(readonly refusal: TokenRefusal) {
    super('token request refused');
  }
}

/** The user chose Quit after the wizard had shown the refusal. */
class Stopped extends Error {
  constructor(readonly refusal: CliError) {
    super(refusal.message);
  }
}

/** A step showed its plan (a dry run): nothing more is done. */
class Planned extends Error {
  constructor() {
    super('planned');
  }
}

/** A run's answers and where each came from; replaced, never changed in place. */
interface RunState {
  values: Values;
  sources: Readonly<Record<string, RunSource>>;
}

function merge(state: RunState, values: Values | undefined): RunState {
  if (!values) return state;
  const sources = { ...state.sources };
  for (const key of Object.keys(values)) sources[key] = 'step';
  return { values: { ...state.values, ...values }, sources };
}

/**
 * The non-secret values a run names (in its result and its profile): given, saved, or set by a step. A value left
 * at its default is not named.
 */
export function namedValues(fields: readonly FieldSpec[], state: RunState): Record<string, string> {
  const named: Record<string, string> = {};
  for (const field of fields) {
    const value = state.values[field.key];
    if (field.secret || value === undefined || state.sources[field.key] === 'default') continue;
    named[field.key] = value;
  }
  return named;
}

/**
 * Where each field of the run got its value, in the connector's field order. Fields without a value are left out,
 * and so are values only an application's creation uses while they sit at their defaults (noise for a verify).
 */
export function fieldSources(fields: readonly FieldSpec[], state: RunState): Record<string, RunSource> {
  const sources: Record<string, RunSource> = {};
  for (const field of fields) {
    const source = state.sources[field.key];
    if (source === 'default' && field.setupOnly) continue;
    if (source !== undefined && state.values[field.key] !== undefined) sources[field.key] = source;
  }
  return sources;
}

/** The secrets a profile keeps (never the short-lived ones, such as Invenias' API Key). */
function keptSecrets(fields: readonly FieldSpec[], values: Values, sources: Readonly<Record<string, RunSource>> = {}, references: Readonly<Record<string, string>> = {}): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (!field.secret || field.transient || value === undefined) continue;
    // A value read from the team's vault stays there: the profile keeps its reference, never a copy.
    if (sources[field.key] !== 'reference') secrets[field.key] = value;
    else if (references[field.key] !== undefined) secrets[field.key] = references[field.key] as string;
  }
  return secrets;
}

/** The values to enter in Cyclr, in the order Cyclr's setup page asks for them. */
function cyclrValues(fields: readonly FieldSpec[], values: Values): CyclrValue[] {
  return fields
    .filter((field) => field.cyclrOrder !== undefined && values[field.key] !== undefined)
    .sort((a, b) => (a.cyclrOrder ?? 0) - (b.cyclrOrder ?? 0))
    .map((field) => ({ label: field.label, value: values[field.key] ?? '', secret: Boolean(field.secret), password: Boolean(field.password) }));
}

/** Turns anything thrown into one of our errors; an unknown error's text is shown only when debugging, redacted. */
export function asCliError(error: unknown, context: Pick<StepContext, 'signal' | 'env' | 'out'>): CliError {
  if (error instanceof CliError) return error;
  if (context.signal.aborted) return new InterruptedError();
  if (context.env.CONNECTOR_SETUP_DEBUG) context.out.say((error as Error)?.stack ?? String(error));
  return new CliError(
    'internal_error',
    `Unexpected problem: ${(error as Error)?.message ?? String(error)}`,
    'Run again with CONNECTOR_SETUP_DEBUG=1 and report it.',
    1,
  );
}

/** Proves the values the way Cyclr will use them: the token request, then any check the connector adds. */
async function checkToken(context: StepContext, steps: ConnectorSteps, values: Values, expiresOn: string | null): Promise<void> {
  const request = steps.tokenRequest(values);
  const answer = await context.check(request.checkName, async () => {
    const result = await requestToken(context.http, request, context.redactor);
    // A refusal fails the check; its diagnosis (which may ask more, e.g. PingOne's region look-ups) comes after.
    if (result.kind !== 'token') throw new Refused(result);
    return result;
  }).catch(async (thrown: unknown) => {
    if (!(thrown instanceof Refused)) throw thrown;
    const generic = diagnoseRefusal(context.connector.title, thrown.refusal);
    throw steps.diagnose ? await steps.diagnose(context, thrown.refusal, values, generic, expiresOn) : generic;
  });
  if (answer.expiresIn !== undefined && answer.expiresIn <= 0) {
    context.warn(`${context.connector.title} issued a token that has already expired; check the application's token lifetime.`);
  }
  await steps.afterToken?.(context, values, answer);
}

/** "Try again" right after a console change: the partner may still answer from the old settings for a while. */
function retryAfterConsoleChange(context: StepContext, steps: ConnectorSteps, values: Values, expiresOn: string | null, justIssued: boolean): Promise<void> {
  const attempt = (): Promise<void> => checkToken(context, steps, values, expiresOn);
  if (!steps.settling) return attempt();
  const { codes, whileNew = [], waitsSeconds } = steps.settling;
  return retryWhileSettling(attempt, {
    codes: justIssued ? [...codes, ...whileNew] : codes,
    waitsSeconds,
    sleep: (ms) => context.clock.sleep(ms, context.signal),
    tick: (left, nextTry, tries) =>
      context.out.status(`  Trying again in ${left} s (try ${nextTry} of ${tries}): ${context.connector.title} can take a few seconds to apply a console change…`),
  }).finally(() => context.out.status(''));
}

/** The token check; in a terminal, a refusal is shown and the user picks what to do, until it passes or they quit. */
async function verifyUntilAccepted(context: StepContext, steps: ConnectorSteps, state: RunState, expiresOn: string | null, settling = false): Promise<RunState> {
  let current = state;
  let move: NextMove | undefined = settling ? 'retry' : undefined;
  for (let first = true; ; first = false) {
    try {
      if (move === 'retry') await retryAfterConsoleChange(context, steps, current.values, expiresOn, settling && first);
      else await checkToken(context, steps, current.values, expiresOn);
      return current;
    } catch (error) {
      if (!context.interactive || !(error instanceof RejectedError)) throw error;
      context.out.failure(aboutRun(error, context, current.values), { code: false });
      move = await context.prompt.select<NextMove>({ message: 'What now?', choices: steps.nextMoves?.(current.values, error) ?? DEFAULT_MOVES });
      if (move === 'quit') throw new Stopped(error);
      // The diagnosis found the value that works (e.g. the right region): taken, and tried once.
      if (typeof move === 'object') current = merge(current, move.use);
      if (move === 'edit') current = merge(current, await (steps.edit ? steps.edit(context, current.values, error) : askOpen(context, steps.questions ?? [], current.values, true)));
    }
  }
}

/** What completes a hint of this run: its non-secret values, the profile that holds them, and whether it is the wizard. */
function hintRun(context: Pick<StepContext, 'connector' | 'profileName' | 'interactive'>, values: Values): HintRun {
  const secret = new Set(context.connector.fields.filter((field) => field.secret).map((field) => field.key));
  const named = Object.fromEntries(Object.entries(values).filter(([key]) => !secret.has(key)));
  return { values: { ...named, profile: context.profileName }, wizard: context.interactive };
}

/** The failure as this run can follow it: its commands completed with the run's profile and values. */
function aboutRun(error: CliError, context: Pick<StepContext, 'connector' | 'profileName' | 'interactive'>, values: Values): CliError {
  return error.forRun(hintRun(context, values));
}

/** True when every value of the run is the saved profile's, so the profile's expiry date is the application's. */
function checksSavedValues(fields: readonly FieldSpec[], saved: ProfileWithSecrets | undefined, state: RunState): boolean {
  if (!saved) return false;
  return fields.every(
    (field) => !isExplicit(state.sources[field.key]) || state.values[field.key] === (field.secret ? saved.secrets[field.key] : saved.values[field.key]),
  );
}

function requireKeys(context: Pick<StepContext, 'connector' | 'notAsked'>, values: Values, keys: readonly string[]): void {
  const missing = context.connector.fields.filter((field) => keys.includes(field.key) && values[field.key] === undefined);
  if (missing.length > 0) throw missingInputs(missing, '', context.notAsked);
}

/**
 * The expiry date the profile knows for the application these values name: unknown (null) for another application,
 * or for a secret that is not the saved one (the application was given a new secret elsewhere).
 */
function applicationExpiry(context: Pick<StepContext, 'connector' | 'saved'>, values: Values): string | null {
  const { connector, saved } = context;
  const kept = connector.oneTimeSecret;
  if (!kept || !saved) return null;
  const same = saved.values[kept.application] === values[kept.application] && saved.secrets[kept.secret] === values[kept.secret];
  return same ? saved.expiresOn : null;
}

/** Ctrl+C after a one-time secret was kept: where it is, and that running again verifies it without another application. */
function interruptedAfterKeep(context: Pick<StepContext, 'connector' | 'profileName'>, values: Values): InterruptedError {
  const { connector, profileName } = context;
  const kept = connector.oneTimeSecret;
  const secret = connector.fields.find((field) => field.key === kept?.secret)?.label ?? 'secret';
  const application = kept ? ` ${values[kept.application] ?? ''}` : '';
  return new InterruptedError(`Interrupted. Application${application} and its new ${secret} are saved in profile "${profileName}".`, [
    'Run ',
    command(connector.name, PROFILE),
    ' again to verify them; no new application is created.',
  ]);
}

class Run {
  private readonly checks: Check[] = [];
  private readonly warnings: string[];
  /** Where the secrets went, when the user is to hear it (said before the saved line). */
  private readonly savedNotes: string[] = [];
  private state: RunState;
  context: StepContext;
  /** Where the profile is saved (undefined with --no-save) and where a one-time secret is kept: moved with the run. */
  private writer: ProfileWriter | undefined;
  private keepWriter: ProfileWriter;
  /** A one-time secret was saved during this run. */
  private kept = false;
  /** A step changed something on the partner's side that takes a moment to apply. */
  private settling = false;
  private expiresOn: string | null = null;

  constructor(private readonly input: RunInput) {
    this.warnings = [...(input.warnings ?? [])];
    this.state = { values: input.values, sources: input.sources };
    this.writer = input.writer;
    this.keepWriter = input.keepWriter;
    const base = input.context;
    this.context = {
      ...base,
      // A step's save of another profile (an admin worker) is reported with the run, as its own save is.
      profiles: {
        get: (name) => base.profiles.get(name),
        names: () => base.profiles.names(),
        update: async (name, change) => {
          const said = await base.profiles.update(name, change);
          this.noteSaved(said);
          return said;
        },
      },
      sources: input.sources,
      check: (name, work, passed) => this.check(name, work, passed),
      // A warning's commands are completed with this run's profile and values, and start as the tool was started.
      warn: (said) => {
        const text = this.context.out.hint(said, hintRun(this.context, this.state.values));
        if (!this.warnings.includes(text)) this.warnings.push(text);
      },
    };
  }

  private async check<T>(name: string, work: () => Promise<T>, passed: (result: T) => boolean = () => true): Promise<T> {
    const progress = this.context.out.progress(name);
    const started = performance.now();
    try {
      const result = await work();
      const ok = passed(result);
      this.checks.push({ name, ok, ms: Math.round(performance.now() - started) });
      progress.done(ok);
      return result;
    } catch (error) {
      this.checks.push({ name, ok: false, ms: Math.round(performance.now() - started) });
      progress.done(false);
      throw error;
    }
  }

  private report(mode: 'setup' | 'verify') {
    const { connector, profileName } = this.context;
    return {
      connector: connector.name,
      title: connector.title,
      profile: mode === 'setup' && !this.writer ? null : profileName,
      checks: [...this.checks],
      values: namedValues(connector.fields, this.state),
      sources: fieldSources(connector.fields, this.state),
      warnings: [...this.warnings],
      savedNotes: [...this.savedNotes],
    };
  }

  /** What a save said about where the secrets went, once per run however often it is said. */
  private noteSaved(said: readonly string[]): void {
    for (const text of said) if (!this.savedNotes.includes(text)) this.savedNotes.push(text);
  }

  private failed(mode: 'setup' | 'verify', caught: unknown): RunOutcome {
    const stopped = caught instanceof Stopped;
    let error = asCliError(stopped ? caught.refusal : caught, this.context);
    if (error instanceof InterruptedError && this.kept && error.code === 'interrupted') {
      error = (this.input.steps.interruptedAfterKeep ?? interruptedAfterKeep)(this.context, this.state.values);
    }
    error = aboutRun(error, this.context, this.state.values);
    return { ...this.report(mode), kind: failureKind(error), error, shown: stopped };
  }

  /** The partner issued a secret it shows only once: it goes to the profile before anything else happens. */
  private async keep(keep: NonNullable<StepResult['keep']>, issued: Values): Promise<void> {
    const { connector } = this.context;
    const named = namedValues(connector.fields, this.state);
    const belonging = new Set([...keep.with, ...Object.keys(issued)]);
    try {
      this.noteSaved(await this.keepWriter.update({
        values: Object.fromEntries(Object.entries(named).filter(([key]) => belonging.has(key))),
        // Only what the partner issued: other secrets are saved once the run has proved them.
        secrets: keptSecrets(connector.fields, issued),
        expiresOn: keep.expiresOn,
      }));
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw await this.rescue(keep, issued, error instanceof CliError ? error.message : ((error as { code?: string }).code ?? 'unknown error'));
      // Ctrl+C while saving ends the run as interrupted (exit 130), still saying where the secret went or how to get it again.
      const rescued = await this.rescue(keep, issued, 'the save was interrupted (Ctrl+C)');
      throw new InterruptedError(rescued.message, rescued.advice);
    }
    this.kept = true;
    this.expiresOn = keep.expiresOn;
    this.context.out.say(keep.saidAs);
    if (!this.writer) this.context.warn(`${connector.title} showed this secret once: it was saved in profile "${this.context.profileName}" despite --no-save, as the only copy.`);
  }

  /**
   * The profile could not keep a secret the partner shows only once: it is not dropped. It goes to the file the
   * user named with --secret-out (a new file, mode 0600), else it is shown once to the person at the terminal; only a
   * run with neither (a script, --json) ends without it, with how to get a new one.
   */
  private async rescue(keep: NonNullable<StepResult['keep']>, issued: Values, reason: string): Promise<CliError> {
    const { connector, out, profileName } = this.context;
    const secrets = keptSecrets(connector.fields, issued);
    const values = namedValues(connector.fields, this.state);
    const file = this.input.secretOut;
    let why = reason;
    if (file !== undefined) {
      try {
        const document = { connector: connector.name, profile: profileName, values, secrets };
        await writeNewFile(path.resolve(file), `${JSON.stringify(document, null, 2)}\n`, 0o600);
        return keep.notSaved(why, `It was written to ${file} (mode 0600) instead`);
      } catch (error) {
        why = `${why}; --secret-out ${file} could not be written either (${(error as { code?: string }).code ?? 'unknown error'})`;
      }
    }
    if (!out.atTerminal) return keep.notSaved(why);
    out.say(`${connector.title} shows this secret only once and it could not be saved: copy it now, it is not shown again.`);
    for (const field of connector.fields) {
      const value = field.secret ? secrets[field.key] : values[field.key];
      if (value !== undefined && (field.secret || field.cyclrOrder !== undefined)) out.say(`  ${field.label}: ${value}`, { revealSecrets: field.secret === true });
    }
    return keep.notSaved(why, 'It was shown above, once');
  }

  /** The person chose a new profile for this run: nothing of the profile it started from is saved over. */
  private moveTo(profileName: string): void {
    this.context = { ...this.context, profileName, saved: undefined };
    this.writer = this.writer ? this.input.writerFor(profileName) : undefined;
    this.keepWriter = this.input.writerFor(profileName);
  }

  private async runSteps(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      const result = await step(this.context, this.state.values);
      if (!result) continue;
      this.state = merge(this.state, result.values);
      if (result.profile !== undefined) this.moveTo(result.profile);
      if (result.settles) this.settling = true;
      if (result.planned) throw new Planned();
      if (result.keep) await this.keep(result.keep, result.values ?? {});
      if (result.next) await this.runSteps(result.next);
    }
  }

  private verified(mode: 'setup' | 'verify' | 'plan', savedIn: string | null): RunOutcome {
    const { connector } = this.context;
    return {
      ...this.report(mode === 'verify' ? 'verify' : 'setup'),
      kind: 'verified',
      mode,
      cyclrLocation: connector.cyclrLocation,
      // Only a setup shows them: a verify never does, and a batch would keep a thousand profiles' (secrets among them).
      cyclrValues: mode === 'setup' ? cyclrValues(connector.fields, this.state.values) : [],
      expiresOn: this.expiresOn,
      savedIn,
      heldIn: savedIn !== null || this.kept ? this.context.profileName : null,
    };
  }

  async setup(): Promise<RunOutcome> {
    const { steps } = this.input;
    const { connector } = this.context;
    try {
      await this.runSteps(steps.setup);
      requireKeys(this.context, this.state.values, connector.verifyKeys);
      if (!this.kept) this.expiresOn = applicationExpiry(this.context, this.state.values);
      this.state = await verifyUntilAccepted(this.context, steps, this.state, this.expiresOn, this.settling);
      // A setup never fails on the expiry date of what it set up; a near one is a warning.
      const { warning, error } = assessExpiry(this.expiresOn, connector.renewHint, { now: this.context.clock.now() });
      const said = error ? joinHints(`${error.message} `, error.advice) : warning;
      if (said) this.context.warn(said);
      // The profile the run ends in (a step may have moved it to a new one).
      const { writer } = this;
      if (!writer) return this.verified('setup', null);
      this.noteSaved(await writer.update({
        values: namedValues(connector.fields, this.state),
        secrets: keptSecrets(connector.fields, this.state.values, this.state.sources, this.input.references),
        lastVerified: new Date(this.context.clock.now()).toISOString(),
        // A connector whose applications expire always records what it knows (null: unknown, e.g. renewed elsewhere).
        ...(connector.oneTimeSecret || this.kept ? { expiresOn: this.expiresOn } : {}),
      }));
      return this.verified('setup', writer.directory);
    } catch (error) {
      if (error instanceof Planned) return this.verified('plan', null);
      return this.failed('setup', error);
    }
  }

  /** The checks alone, no prompts; the application's expiry is judged here, once. Its only write: lastVerified. */
  async verify(): Promise<RunOutcome> {
    const { steps, failWithinDays, writer } = this.input;
    const { connector, saved } = this.context;
    const { renewHint } = connector;
    try {
      const savedValues = checksSavedValues(connector.fields, saved, this.state);
      const savedExpiry = savedValues ? (saved?.expiresOn ?? null) : null;
      const before = assessExpiry(savedExpiry, renewHint, { now: this.context.clock.now(), failWithinDays });
      // An expired application cannot pass: no request is spent on it, and nothing else is worth asking for.
      if (before.error?.code === 'app_expired') throw before.error;
      requireKeys(this.context, this.state.values, connector.verifyKeys);
      this.expiresOn = connector.oneTimeSecret ? applicationExpiry(this.context, this.state.values) : savedExpiry;
      await checkToken(this.context, steps, this.state.values, this.expiresOn);
      const after = assessExpiry(this.expiresOn, renewHint, { now: this.context.clock.now(), failWithinDays });
      if (after.error) throw after.error;
      if (after.warning) this.context.warn(after.warning);
      if (savedValues && writer) await writer.markVerified(new Date(this.context.clock.now()));
      return this.verified('verify', null);
    } catch (error) {
      return this.failed('verify', error);
    }
  }
}

export function runSetup(input: RunInput): Promise<RunOutcome> {
  return new Run(input).setup();
}

export function runVerify(input: RunInput): Promise<RunOutcome> {
  return new Run(input).verify();
}

/** A failure before a run could start (bad flags, unreadable profile): reported in the run's own document. */
export function failedBeforeRun(
  connector: { name: string; title: string },
  profile: string | null,
  error: CliError,
  values: Record<string, string> = {},
  sources: Record<string, string> = {},
): RunOutcome {
  return { connector: connector.name, title: connector.title, profile, checks: [], values, sources, warnings: [], kind: failureKind(error), error, shown: false };
}

