// `connector-setup <connector>` and `connector-setup <connector> --verify`: resolve values (flags > stdin > env >
// profile), then the connector's steps through the runner, which verifies and saves. Returns the run's outcome.
import type { Connector, ConnectorOptions } from '../core/run/connector.js';
import { handOffSecrets } from '../core/terminal/clipboard.js';
import { InputError, InterruptedError } from '../core/errors.js';
import type { CommandOutcome, RunOutcome } from '../core/outcome.js';
import { proveSecretOut } from '../core/store/config-dir.js';
import { parseProfileName } from '../core/store/profile-store.js';
import { createPrompter } from '../core/terminal/prompts.js';
import { stdinField } from '../core/run/resolve.js';
import { type ProfileWriter, asCliError, failedBeforeRun, namedValues, runSetup, runVerify } from '../core/run/runner.js';
import { type Session, openSession } from '../core/run/session.js';
import { revealCommand } from '../core/terminal/render.js';
import { readStdinLine } from '../core/terminal/stdin.js';
import type { Io } from '../core/run/io.js';
import { command } from '../core/hint.js';

function writerFor(session: Session, connector: Connector, profileName: string): ProfileWriter {
  return {
    directory: session.store.directory,
    update: (change) => session.store.update(connector.name, profileName, change),
    markVerified: (at) => session.store.markVerified(connector.name, profileName, at),
  };
}

export async function setupCommand(io: Io, connector: Connector, rawOptions: Record<string, unknown>): Promise<CommandOutcome> {
  const options = rawOptions as ConnectorOptions;
  const verify = options.verify === true;
  const showSecrets = options.showSecrets === true;
  const session = openSession(io, { input: options.input as boolean | undefined, timeout: options.timeout as string | undefined });
  let profile: string | null = null;
  let named: Record<string, string> = {};
  try {
    // A bad --timeout is reported like any other bad input, in the run's own JSON document.
    if (session.optionError) throw session.optionError;
    const profileName = parseProfileName(typeof options.profile === 'string' ? options.profile : 'default');
    const interactive = !verify && session.canPrompt;
    const fieldOptions = { ...options, ...connector.prepareOptions?.(options) };
    const fromStdin = stdinField(connector.fields, fieldOptions);
    const askOnTerminal = options.input !== false && io.stderr.isTTY ? session.prompter(true) : undefined;
    const stdinLine = fromStdin ? await readStdinLine({ field: fromStdin, prompter: askOnTerminal }, io.stdin) : undefined;
    const saved = await session.store.get(connector.name, profileName);
    if (!saved && options.profile !== undefined && verify) {
      profile = profileName;
      throw new InputError('profile_not_found', `No ${connector.title} profile named "${profileName}".`, ['See ', command('profiles', 'list'), '.']);
    }
    profile = options.save === false && !verify ? null : profileName;
    const resolved = session.resolve({
      fields: connector.fields,
      options: fieldOptions,
      stdinLine,
      env: io.env,
      saved,
      savedFrom: `the saved profile "${profileName}" in ${session.store.directory}`,
    });
    resolved.notices.forEach((notice) => io.out.warn(notice));
    if (verify) named = namedValues(connector.fields, resolved);
    if (!verify && (options.save !== false || connector.oneTimeSecret)) await session.store.preflight();
    if (!verify && typeof options.secretOut === 'string') await proveSecretOut(options.secretOut);
    const writer = writerFor(session, connector, profileName);
    const steps = await connector.load();
    const input = {
      context: session.runContext({ connector, profileName, options, interactive, saved }),
      steps,
      values: resolved.values,
      sources: resolved.sources,
      // Notices about the input (e.g. a trimmed secret) were printed already; --json carries them as warnings.
      warnings: io.out.json ? resolved.notices : [],
      writer: verify || options.save !== false ? writer : undefined,
      keepWriter: writer,
    };
    const run = await (verify ? runVerify(input) : runSetup(input));
    const handOff = interactive && run.kind === 'verified' && run.issuedSecret ? () => handOffIssued(io, run) : undefined;
    return { kind: 'run', run, showSecrets, handOff };
  } catch (error) {
    return { kind: 'run', run: failedBeforeRun(connector, profile, asCliError(error, { signal: session.signal, env: io.env, out: io.out }), named), showSecrets };
  } finally {
    await session.close();
  }
}

/**
 * The partner showed a secret once and the next step is pasting it into Cyclr: offer to copy each value (never
 * printed) or to show the secret once. Ctrl+C here ends the hand-off only: the setup is done and saved.
 */
async function handOffIssued(io: Io, run: Extract<RunOutcome, { kind: 'verified' }>): Promise<void> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    await handOffSecrets({
      prompter: (io.prompter ?? createPrompter)(controller.signal),
      out: io.out,
      values: [...run.cyclrValues],
      revealCommand: io.out.hint(revealCommand(run.connector, run.heldIn ?? run.profile ?? 'default')),
      clipboard: { terminal: io.stdout, env: io.env, redactor: io.redactor },
    });
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
