// What a run says to the person running it: lines, warnings, a progress line per check, a failure and its fix. The
// terminal's Output (output.ts) is the implementation; steps and the runner name only this.
import type { HintRun } from '../errors.js';
import type { Hint } from '../hint.js';

type Paint = (text: string) => string;
export interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
}

export interface Progress {
  /** Ends the progress line with a tick or cross and the time taken. */
  done(ok: boolean, detail?: string): void;
}

export interface RunOutput {
  /** Under --json stdout holds only the document; human text still goes to stderr. */
  readonly json: boolean;
  readonly paint: Palette;
  /** Human text reaches a person at a terminal (not a log, not a --json run): the only place a secret may be shown unasked. */
  readonly atTerminal: boolean;
  /** A line of human text, redacted unless `revealSecrets` (the one place a user asked to see secrets). */
  say(text?: string, options?: { revealSecrets?: boolean }): void;
  warn(text: string): void;
  /** A line that replaces itself (a countdown) on a terminal; an empty text clears it. */
  status(text: string): void;
  progress(label: string): Progress;
  /** A hint as text for this process (its commands as it was started), completed for `run` when given. */
  hint(hint: Hint, run?: HintRun): string;
  /** A failure as every command shows it: a cross, the message, its code, and the fix on the next line. */
  failure(error: { message: string; code: string; advice: Hint; run?: HintRun | undefined }, options?: { code?: boolean }): void;
}
