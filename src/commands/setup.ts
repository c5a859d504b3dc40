// `connector-setup <connector>` and `connector-setup <connector> --verify`: one run of one profile, prepared and run
// by core/run/prepare.ts (values resolved flags > stdin > env > profile, then the runner verifies and saves).
import type { Connector, ConnectorOptions } from '../core/run/connector.js';
import { handOffSecrets } from '../core/terminal/clipboard.js';
import { InputError, InterruptedError } from '../core/errors.js';
import type { CommandOutcome, RunOutcome } from '../core/outcome.js';
import { createPrompter } from '../core/terminal/prompts.js';
import { runProfile } from '../core/run/prepare.js';
import { type GeneralOptions, interruptedByCtrlC, openSession } from '../core/run/session.js';
import { revealCommand } from '../core/terminal/render.js';
import { readStdinLine } from '../core/terminal/stdin.js';
import type { Io } from '../core/run/io.js';
import { command } from '../core/hint.js';

/** What `connector-setup <connector>` is given, parsed once from its command line. */
export interface SetupOptions extends GeneralOptions {
  /** --verify: the checks alone, from flags, stdin, environment and the saved profile; never prompts. */
  verify: boolean;
  /** false with --no-save. */
  save: boolean;
  /** --secret-out FILE: where a secret shown only once goes (a new file, mode 0600) if the profile cannot keep it. */
  secretOut: string | undefined;
  /** The connector's own flags (its fields', their --*-stdin, its extra ones), keyed as commander names them. */
  flags: ConnectorOptions;
}

export async function setupCommand(io: Io, connector: Connector, options: SetupOptions): Promise<CommandOutcome> {
  const session = openSession(io, options);
  try {
    const askOnTerminal = options.input && io.stderr.isTTY ? session.prompter(true) : undefined;
    const run = await runProfile(session, {
      connector,
      mode: options.verify ? 'verify' : 'setup',
      profile: options.profile,
      flags: options.flags,
      env: io.env,
      save: options.save,
      secretOut: options.secretOut,
      readStdin: (field) => readStdinLine({ field, prompter: askOnTerminal }, io.stdin),
      // --verify of a profile that was named and is not saved fails; `default` may be absent.
      whenMissing: options.verify
        ? (name, named) => (named ? new InputError('profile_not_found', `No ${connector.title} profile named "${name}".`, ['See ', command('profiles', 'list'), '.']) : undefined)
        : undefined,
    });
    const handOff = run.kind === 'verified' && run.mode === 'setup' && personTakesValues(options, session.canPrompt, io.env) ? () => handOffValues(io, run) : undefined;
    return { kind: 'run', run, showSecrets: options.showSecrets === true, handOff };
  } finally {
    await session.close();
  }
}

/**
 * A person at a terminal pastes the values into Cyclr next: a setup that could ask (stdin and stdout terminals, no
 * --no-input), not a --verify, a --json run or a CI job, whose output a program reads.
 */
function personTakesValues(options: SetupOptions, canPrompt: boolean, env: NodeJS.ProcessEnv): boolean {
  return canPrompt && !options.verify && !options.json && !env.CI;
}

/**
 * The setup is verified and the next step is pasting its values into Cyclr (a secret masked on screen, and perhaps
 * shown only once by the partner): offer to copy each value (never printed) or to show the secret once. Ctrl+C here
 * ends the hand-off only: the setup is done and saved.
 */
async function handOffValues(io: Io, run: Extract<RunOutcome, { kind: 'verified' }>): Promise<void> {
  const ctrlC = interruptedByCtrlC();
  try {
    await handOffSecrets({
      prompter: (io.prompter ?? createPrompter)(ctrlC.signal),
      out: io.out,
      values: [...run.cyclrValues],
      revealCommand: run.heldIn ? io.out.hint(revealCommand(run.connector, run.heldIn)) : undefined,
      clipboard: { terminal: io.stdout, env: io.env, redactor: io.redactor },
    });
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
  } finally {
    ctrlC.release();
  }
}
