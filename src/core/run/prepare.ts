// The one way into a run of one profile, the same for a setup, `<connector> --verify` and each profile of
// `verify --all`: the profile name checked, the --*-stdin line read, the saved profile read, values resolved once
// (flags > stdin > env > profile > default), the secret store checked before anything is sent, then the runner.
// Commands say what they want (a RunRequest); the reads and writes of the profile store happen here and in the runner.
import type { Connector, ConnectorOptions } from './connector.js';
import { InputError } from '../errors.js';
import type { FieldSpec } from './fields.js';
import type { RunOutcome } from '../outcome.js';
import { proveSecretOut } from '../store/config-dir.js';
import { chosenProfileName } from '../store/profile-store.js';
import type { RunOutput } from '../terminal/run-output.js';
import { type NotAsked, allGiven, stdinField } from './resolve.js';
import { type ProfileWriter, type RunInput, asCliError, failedBeforeRun, fieldSources, namedValues, runSetup, runVerify } from './runner.js';
import type { Session } from './session.js';

export interface RunRequest {
  connector: Connector;
  /** setup: the wizard (or its checks without a terminal), then save; verify: the checks alone, no prompts. */
  mode: 'setup' | 'verify';
  /** The profile as named on the command line (checked here); undefined is CONNECTOR_SETUP_PROFILE of `env`, else `default`. */
  profile: string | undefined;
  /** The connector's own flags as given; none for a profile of a batch (only the saved profile counts). */
  flags: ConnectorOptions;
  /** Where values may come from besides flags and the profile: the run's environment, or none (a batch). */
  env: NodeJS.ProcessEnv;
  /** --no-save: a setup keeps no profile (a one-time secret is kept all the same). */
  save: boolean;
  /** --secret-out FILE (setup): where a secret shown only once goes if the profile cannot keep it. */
  secretOut?: string;
  /** Reads the line of the one --*-stdin flag given. */
  readStdin?(field: FieldSpec): Promise<string>;
  /**
   * The failure when the profile is not saved (`named`: the command line or CONNECTOR_SETUP_PROFILE named it);
   * without one, a run starts from nothing.
   */
  whenMissing?(profileName: string, named: boolean): InputError | undefined;
  /** The non-secret values a failure names before any are resolved (a batch: those the profile was listed with). */
  named?: Record<string, string>;
  /** Where the steps' human text goes; a batch keeps each profile's quiet. */
  out?: RunOutput;
  /** `--expiring-within DAYS` (verify only). */
  failWithinDays?: number;
  /** A batch: nobody is ever asked, whatever the terminal. */
  batch?: boolean;
  /** A batch keeps each passing profile's time itself and saves them all in one write, instead of one write each. */
  recordVerified?: (at: Date) => Promise<void>;
}

/** What a failure before the run can still name: the profile (once known) and the values resolved so far. */
interface Known {
  profile: string | null;
  values: Record<string, string>;
  sources: Record<string, string>;
}

function writerFor(session: Session, connector: Connector, profileName: string, recordVerified: RunRequest['recordVerified']): ProfileWriter {
  const { store } = session;
  return {
    directory: store.directory,
    update: (change) => session.oneWriteAtATime(() => store.update(connector.name, profileName, change)),
    markVerified: recordVerified ?? ((at) => session.oneWriteAtATime(() => store.markVerified([{ connector: connector.name, name: profileName, at }]))),
  };
}

async function prepareRun(session: Session, request: RunRequest, known: Known): Promise<RunInput> {
  const { connector, mode } = request;
  const chosen = chosenProfileName(request.profile, request.env);
  // A bad --timeout is reported like any other bad input, in the run's own JSON document.
  if (session.optionError) throw session.optionError;
  const verify = mode === 'verify';
  if (verify && request.secretOut !== undefined) {
    throw new InputError('invalid_input', '--secret-out keeps a secret a setup is issued; --verify issues none, so drop --secret-out.');
  }
  const profileName = chosen.name;
  // Made only when asked for: a batch of a thousand profiles would otherwise build a thousand errors it never throws.
  const missingFails = (): InputError | undefined => request.whenMissing?.(profileName, chosen.explicit);
  const interactive = !verify && session.canPrompt;
  // --verify in a terminal that could ask is worth naming; without one, passing the values is the only way.
  const notAsked: NotAsked | undefined = request.batch ? 'never' : verify ? (session.canPrompt ? 'verify' : 'never') : session.notAsked;
  // What the connector reads: its own flags, and the two switches that change what it may do (--verify, --no-save).
  const given = { ...request.flags, verify, save: request.save };
  const options = { ...request.flags, ...connector.prepareOptions?.(given) };
  const fromStdin = stdinField(connector.fields, options);
  const stdinLine = fromStdin && request.readStdin ? await request.readStdin(fromStdin) : undefined;
  const steps = await connector.load(given);
  // `--verify --no-save` with every value it needs given for the run needs no profile: none is read (a damaged or
  // unreachable profile directory does not stop it).
  const needsNoProfile = verify && !request.save && allGiven(connector.fields, connector.verifyKeys, options, request.env, fromStdin) && !missingFails();
  const saved = needsNoProfile ? undefined : await session.store.get(connector.name, profileName);
  const missing = saved ? undefined : missingFails();
  if (missing) {
    known.profile = profileName;
    throw missing;
  }
  known.profile = !request.save && !verify ? null : profileName;
  const resolved = await session.resolve({
    fields: connector.fields,
    options,
    stdinLine,
    env: request.env,
    saved,
    savedFrom: `the saved profile "${profileName}" in ${session.store.directory}`,
  });
  const out = request.out ?? session.out;
  resolved.notices.forEach((notice) => out.warn(notice));
  if (verify) {
    known.values = namedValues(connector.fields, resolved);
    known.sources = fieldSources(connector.fields, resolved);
  }
  if (!verify && (request.save || connector.oneTimeSecret)) await session.store.preflight();
  if (!verify && request.secretOut !== undefined) await proveSecretOut(request.secretOut);
  const writer = writerFor(session, connector, profileName, request.recordVerified);
  return {
    context: session.runContext({ connector, profileName, interactive, notAsked, saved, out }),
    steps,
    values: resolved.values,
    sources: resolved.sources,
    references: resolved.references,
    // Notices about the input (e.g. a trimmed secret) were printed already; --json carries them as warnings.
    warnings: out.json ? resolved.notices : [],
    writer: verify || request.save ? writer : undefined,
    keepWriter: writer,
    writerFor: (name) => writerFor(session, connector, name, undefined),
    failWithinDays: request.failWithinDays,
    secretOut: verify ? undefined : request.secretOut,
  };
}

/** Prepares the run and runs it; whatever fails before the run starts is that run's failure, with what was known. */
export async function runProfile(session: Session, request: RunRequest): Promise<RunOutcome> {
  const known: Known = { profile: null, values: request.named ?? {}, sources: {} };
  try {
    const input = await prepareRun(session, request, known);
    return await (request.mode === 'verify' ? runVerify(input) : runSetup(input));
  } catch (error) {
    const failure = asCliError(error, { signal: session.signal, env: session.env, out: request.out ?? session.out });
    return failedBeforeRun(request.connector, known.profile, failure, known.values, known.sources);
  }
}
