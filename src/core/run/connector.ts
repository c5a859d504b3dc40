// What a connector is, in core's terms: data (its fields, where its values go in Cyclr) plus small functions
// (its wizard steps, the token request Cyclr sends, and how it refines a refusal). Core owns the rest: resolving
// values, the verify -> "What now?" -> edit loop, saving, and rendering. Connectors import this; core never
// imports a connector.
import type { Clock } from '../clock.js';
import type { CliError } from '../errors.js';
import type { FieldSpec } from './fields.js';
import type { Hint } from '../hint.js';
import type { Http } from '../net/http.js';
import type { TokenAnswer, TokenRefusal, TokenRequest } from '../net/oauth.js';
import type { RunOutput } from '../terminal/run-output.js';
import type { ProfileChange, ProfileWithSecrets } from '../store/profile-store.js';
import type { Choice, Prompter } from '../terminal/prompts.js';
import type { Settling } from './settle.js';
import type { Redaction } from '../redact.js';
import type { NotAsked, ValueSource } from './resolve.js';

/** A run's answers by field key (plus any step-only keys a connector uses, e.g. Invenias' `plan`). */
export type Values = Readonly<Record<string, string | undefined>>;

/**
 * What a command line gives a connector: its own flags as commander names them (values as strings, switches as
 * booleans), plus `verify` and `save`. Only the connector's definition reads it, once; its steps are built for what it asks.
 */
export type ConnectorOptions = Readonly<Record<string, string | boolean | undefined>>;

/** What every step may use; a step's type names the part it needs (`Pick<StepContext, 'prompt' | 'out'>`). */
export interface StepContext {
  readonly connector: ConnectorInfo;
  readonly profileName: string;
  readonly env: NodeJS.ProcessEnv;
  readonly interactive: boolean;
  /** Why this run asks nothing (undefined in the wizard): what a "missing value" hint offers besides the flags. */
  readonly notAsked: NotAsked | undefined;
  readonly prompt: Prompter;
  readonly out: RunOutput;
  readonly http: Http;
  readonly redactor: Redaction;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The profile as saved before this run. */
  readonly saved: ProfileWithSecrets | undefined;
  /** This connector's other saved profiles (an admin worker kept with --save-admin), through the run's store. */
  readonly profiles: ConnectorProfiles;
  /** Where each resolved value came from (flags, stdin, env, profile, default). */
  readonly sources: Readonly<Record<string, ValueSource>>;
  /**
   * Runs one network check with a progress line, and records its name, outcome and time in the run's result. A
   * look-up that answers "not found" is not a pass: `passed` says whether its answer gets a ✔ (by default, any answer).
   */
  check<T>(name: string, work: () => Promise<T>, passed?: (result: T) => boolean): Promise<T>;
  /** A warning for the run's result (printed with it, and in its JSON); its commands are completed with the run's profile. */
  warn(text: Hint): void;
}

/** A connector's saved profiles by name: secrets read (a vault reference resolved) and known to the redactor. */
export interface ConnectorProfiles {
  get(name: string): Promise<ProfileWithSecrets | undefined>;
  /** Every saved profile's name (to suggest a new one that is not taken). */
  names(): Promise<readonly string[]>;
  /**
   * Written as a setup writes its own profile: atomically, under the lock, secrets in the run's secret store. Returns
   * what the user is to hear about where its secrets went (the runner reports it with the run).
   */
  update(name: string, change: ProfileChange): Promise<readonly string[]>;
}

/** What a wizard question may use. */
export type QuestionContext = Pick<StepContext, 'prompt' | 'out' | 'redactor' | 'sources'>;

/** One question of a connector's wizard (most are one field: see askField in wizard.ts). */
export interface Question {
  /** The value it answers: asked while not given on the command line, on stdin or in the environment. */
  readonly key: string;
  /** Asks; returns the values it set (one answer can set several, as a pasted URL does). */
  ask(context: QuestionContext, values: Values, editing: boolean): Promise<Values>;
}

/** A step context without the run's own recorders (`check`, `warn`) and sources: what a session gives a run. */
export type RunContextBase = Omit<StepContext, 'check' | 'warn' | 'sources'>;

/** The data of a connector, readable without loading its code. */
export interface ConnectorInfo {
  readonly name: string;
  readonly title: string;
  readonly fields: readonly FieldSpec[];
  /** Where the values go in Cyclr. */
  readonly cyclrLocation: string;
  /** The keys the token check needs (all reported at once when missing): what a verify, an import or CI must have. */
  readonly verifyKeys: readonly string[];
  /**
   * For partners whose applications expire: how to renew one (the hint of `app_expired` and `expiring_soon`); its
   * command is completed with the run's profile.
   */
  readonly renewHint?: Hint;
  /**
   * The partner issues a secret it shows only once (keys of the field holding it and of the field naming its
   * application): core keeps it even with --no-save, says after Ctrl+C where it is, and says what a profile's
   * removal loses.
   */
  readonly oneTimeSecret?: { readonly secret: string; readonly application: string };
}

export interface Connector extends ConnectorInfo {
  readonly summary: string;
  /** Flags beyond the fields' own, e.g. `--authorization-url`. */
  readonly extraFlags: readonly ExtraFlag[];
  /** Checks the connector's flags together (before anything is read) and turns its own into field values. */
  prepareOptions?(options: ConnectorOptions): Record<string, string>;
  /** The steps for what the command line asks: the connector reads its flags into its own typed request here. */
  load(options: ConnectorOptions): Promise<ConnectorSteps>;
}

export interface ExtraFlag {
  /** commander syntax, e.g. `--authorization-url <url>`. */
  flags: string;
  description: string;
}

/**
 * What a step hands back to the runner: new values (merged into the run's answers), steps to run next, and a
 * one-time secret the partner just issued, which the runner saves before anything else happens.
 */
export interface StepResult {
  values?: Values;
  next?: readonly Step[];
  /** The values just set include a secret shown only once: save them now (write-ahead), whatever follows. */
  keep?: {
    expiresOn: string | null;
    /** Values from earlier in the run that belong with the secret (where the application lives). */
    with: readonly string[];
    /** The line that tells the user it is safe. */
    saidAs: string;
    /**
     * The error when the profile could not keep it. `keptAt` says where the secret went instead (a --secret-out file,
     * or shown once on the terminal); without it the secret is gone: say how to get another.
     */
    notSaved(reason: string, keptAt?: string): CliError;
  };
  /**
   * What this step did on the partner's side takes a moment to apply (a new application, a role, a new secret): the
   * token check after the steps is retried while it settles, as after "Try again".
   */
  settles?: boolean;
  /** A dry run: the plan was shown and nothing was changed; the run ends here, successfully, saving nothing. */
  planned?: boolean;
  /**
   * The rest of the run belongs in another, new profile (the person chose it): what it keeps and saves goes there,
   * and the profile it started from is left as it was.
   */
  profile?: string;
}

export type Step = (context: StepContext, values: Values) => Promise<StepResult | void>;

/** A "What now?" answer after a refusal: try again, change the values, stop, or take the values a diagnosis found and try. */
export type NextMove = 'retry' | 'edit' | 'quit' | { readonly use: Values };

export interface ConnectorSteps {
  /** The wizard: guide, collect, create where the partner allows it. Without a terminal the steps only check. */
  setup: readonly Step[];
  /** The request Cyclr sends for a token, built from the run's values. */
  tokenRequest(values: Values): TokenRequest & { checkName: string };
  /** Refines core's reading of a refusal (RFC 6749 codes) with what this partner means by it. */
  diagnose?(context: StepContext, refusal: TokenRefusal, values: Values, generic: CliError, expiresOn: string | null): Promise<CliError> | CliError;
  /** A check after the token, as Cyclr's first call would be (e.g. one cheap API call with the token). */
  afterToken?(context: StepContext, values: Values, token: Extract<TokenAnswer, { kind: 'token' }>): Promise<void>;
  /** The choices after a refusal, in the partner's words. */
  nextMoves?(values: Values, refusal: CliError): Choice<NextMove>[];
  /** The wizard's questions, in order; core asks those still open (see askStep) and, by default, all of them again to edit. */
  questions?: readonly Question[];
  /** "Change the values I entered", where it depends on the refusal: asks again and returns the new values. */
  edit?(context: StepContext, values: Values, refusal: CliError): Promise<Values>;
  /** Ctrl+C after a one-time secret was kept, where core's words (from oneTimeSecret) do not fit the partner. */
  interruptedAfterKeep?(context: StepContext, values: Values): CliError;
  /** Console settings take a moment to apply: after "Try again", these refusals are retried with a countdown. */
  settling?: Settling;
}
