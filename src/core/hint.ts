// A hint is data: words, and the commands and flags in them. One renderer turns it into text for the run it is
// about: a command as this process was started (`npx connector-setup ...` or `connector-setup ...`), completed with
// the profile that holds the values, or, in the wizard, the choice that does the same there.

/** An argument only the run knows: its profile (`profile`) or a value (a field's key), after `flag` when given. */
export interface RunArg {
  readonly value: string;
  readonly flag?: string;
  /** Shown when the run has no such value (`<Client ID>`); without it the argument is left out. */
  readonly otherwise?: string;
}

export type Arg = string | RunArg;

export interface HintStep {
  /** Words for a shell user (a flag to add). */
  readonly text?: string;
  /** A command to run, without the program's name. */
  readonly command?: readonly Arg[];
  /** In the wizard, what to choose instead ('' leaves the part out). */
  readonly wizardChoice?: string;
}

export type Hint = string | readonly (string | HintStep)[];

/** What a hint is completed with: how the tool was started, and the run it is about. */
export interface HintSetting {
  /** The command a person types to start the tool again: `['npx', 'connector-setup']` or `['connector-setup']`. */
  readonly program: readonly string[];
  /** The run's values by key, `profile` included (the profile that holds them). */
  readonly values?: Readonly<Record<string, string | undefined>>;
  /** The hint is shown at the wizard's "What now?", not at a shell prompt. */
  readonly wizard?: boolean;
}

export const PROGRAM_NAME = 'connector-setup';
export const BARE: readonly string[] = [PROGRAM_NAME];

/** `--profile NAME` with the run's profile. */
export const PROFILE: RunArg = { value: 'profile', flag: '--profile' };

/** A hint step that is a command: `command('invenias', '--renew', PROFILE)`. */
export function command(...args: Arg[]): HintStep {
  return { command: args };
}

/** Words for the shell that the wizard says its own way. */
export function inWizard(text: string, wizardChoice: string): HintStep {
  return { text, wizardChoice };
}

/** A value as a shell reads it back: plain words as they are, anything else in single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A value safe to complete a command with: one word, printable (a placeholder is shown otherwise). */
function usable(value: string | undefined): value is string {
  return value !== undefined && /^[\x21-\x7e]{1,100}$/.test(value);
}

function commandText(args: readonly Arg[], setting: HintSetting): string {
  const words: string[] = [...setting.program];
  for (const arg of args) {
    if (typeof arg === 'string') {
      words.push(arg);
      continue;
    }
    const known = setting.values?.[arg.value];
    const value = usable(known) ? shellWord(known) : arg.otherwise;
    if (value === undefined) continue;
    if (arg.flag) words.push(arg.flag);
    words.push(value);
  }
  return words.join(' ');
}

/** The one renderer: a hint as text for this setting. */
export function renderHint(hint: Hint, setting: HintSetting): string {
  if (typeof hint === 'string') return hint;
  return hint
    .map((part) => {
      if (typeof part === 'string') return part;
      if (setting.wizard && part.wizardChoice !== undefined) return part.wizardChoice;
      return part.command ? commandText(part.command, setting) : (part.text ?? '');
    })
    .join('');
}

/** Hints joined into one (`A Then: B`). */
export function joinHints(...hints: Hint[]): Hint {
  return hints.flatMap((hint) => (typeof hint === 'string' ? [hint] : hint));
}

/**
 * How this process was started, as a person types it again: through npx (npm says so in the environment it gives
 * its child, or the script lives in npx's cache), else by the name on PATH.
 */
export function startedAs(env: NodeJS.ProcessEnv, script: string | undefined): readonly string[] {
  const viaNpx = env.npm_command === 'exec' || env.npm_lifecycle_event === 'npx' || /[\\/]_npx[\\/]/.test(script ?? '');
  return viaNpx ? ['npx', PROGRAM_NAME] : BARE;
}
