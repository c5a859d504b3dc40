// Everything the process prints goes through here, and through the redactor on its way out.
// Human text goes to stderr (stdout stays clean for --json and for data commands); colour only on a
// terminal without NO_COLOR, and chalk is only loaded then.
import type { Writable } from 'node:stream';
import wrapAnsi from 'wrap-ansi';
import type { HintRun } from '../errors.js';
import { BARE, type Hint, renderHint } from '../hint.js';
import { type Redactor } from '../redact.js';
import { escapeControls, terminalSafe } from '../printable.js';
import type { Palette, Progress, RunOutput } from './run-output.js';

const plain = (text: string): string => text;
const PLAIN_PALETTE: Palette = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface OutputOptions {
  json: boolean;
  redactor: Redactor;
  stdout?: Writable & { isTTY?: boolean; columns?: number };
  stderr?: Writable & { isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  /** How the tool was started, which every printed command repeats (`npx connector-setup`); the bare name by default. */
  program?: readonly string[];
}

function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

type Terminal = Writable & { isTTY?: boolean; columns?: number };

/**
 * A line's indentation plus a leading marker (`✖ `, `Fix: `, `3. `) or, in a two-column list, its label and the
 * spaces after it (`  Client Secret  `), which continuation lines are aligned under.
 */
const HANGING_PREFIX = /^(\s+[A-Z][A-Za-z' ]{0,24}?[A-Za-z] {2,}(?=\S)|\s*(?:(?:\x1b\[[0-9;]*m)*(?:[✖✔!•*-]|\d{1,2}\.|[A-Z][A-Za-z ]{0,14}:)(?:\x1b\[[0-9;]*m)*\s+)?)/;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
/** Holds a space while wrapping: before `>`, so no continuation line starts with `>` (it reads as a prompt), and in `12 ms`. */
const KEEP_TOGETHER = '\u00a0';

/**
 * One line wrapped at word boundaries to `width`, continuation lines indented under the first line's text.
 * Words longer than a line (URLs, IDs) are left whole, so they still copy and paste as one.
 */
export function wrapLine(line: string, width: number): string {
  if (line.replace(SGR, '').length <= width) return line;
  const prefix = HANGING_PREFIX.exec(line)?.[1] ?? '';
  const indent = prefix.replace(SGR, '').length;
  // A prefix so wide there is nothing left to wrap into is not worth keeping.
  if (width - indent < 20) return wrapAnsi(line, width, { hard: false });
  // A check's time (`(12 ms)`) stays on one row too.
  const held = line
    .slice(prefix.length)
    .replace(/ >/g, `${KEEP_TOGETHER}>`)
    .replace(/\((\d+) ms\)/g, `($1${KEEP_TOGETHER}ms)`);
  // The last word never stands alone on the last row (`Cyclr.`, `it)`): the word before it goes down with it, when
  // the two fit on a row. A word is what wrapping cannot break, words held together above included.
  const lastTwo = /([^ ]+) ([^ ]+)$/.exec(held);
  const body = lastTwo && lastTwo[0].replace(SGR, '').length <= width - indent ? `${held.slice(0, lastTwo.index)}${lastTwo[1]}${KEEP_TOGETHER}${lastTwo[2]}` : held;
  const wrapped = wrapAnsi(body, width - indent, { hard: false })
    .split('\n')
    .map((row, index) => (index === 0 ? prefix : ' '.repeat(indent)) + row)
    .join('\n');
  return wrapped.replace(new RegExp(KEEP_TOGETHER, 'g'), ' ');
}

/**
 * A run's human text when nobody is to read it (each profile of `verify --all`: its result carries its checks and
 * warnings): dropped where it is said, so a batch does not redact a thousand runs' lines only to throw them away.
 */
export function silentOutput(program: readonly string[]): RunOutput {
  const nothing = (): void => undefined;
  return {
    json: false,
    paint: PLAIN_PALETTE,
    atTerminal: false,
    say: nothing,
    warn: nothing,
    status: nothing,
    progress: () => ({ done: nothing }),
    hint: (hint, run) => renderHint(hint, { program, ...run }),
    failure: nothing,
  };
}

export class Output implements RunOutput {
  readonly json: boolean;
  /** How the tool was started: every command a hint names begins so. */
  readonly program: readonly string[];
  paint: Palette = PLAIN_PALETTE;
  /** Columns the live spinner line takes now; 0 when none is drawn. */
  private liveWidth = 0;
  private readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  private readonly stderr: Terminal;
  private readonly redactor: Redactor;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.redactor = options.redactor;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.env = options.env ?? process.env;
    this.program = options.program ?? BARE;
  }

  /** Loads chalk only when colour will be shown. */
  async loadColors(): Promise<void> {
    if (!wantsColor(this.stderr, this.env)) return;
    const { Chalk } = await import('chalk');
    const chalk = new Chalk({ level: 1 });
    this.paint = { bold: chalk.bold, dim: chalk.dim, green: chalk.green, red: chalk.red, yellow: chalk.yellow, cyan: chalk.cyan };
  }

  /**
   * A line of human text on stderr (also under --json, where stdout holds only the JSON document).
   * `revealSecrets` is for the one place a user asked to see secrets (--show-secrets); all else is redacted.
   */
  say(text = '', options: { revealSecrets?: boolean } = {}): void {
    const safe = terminalSafe(options.revealSecrets ? text : this.redactor.redact(text));
    const width = this.width();
    // A line said while a spinner runs replaces it; the next frame draws the spinner again below.
    this.clearLiveLine();
    this.stderr.write(`${width ? safe.split('\n').map((line) => wrapLine(line, width)).join('\n') : safe}\n`);
  }

  /** Blanks the spinner's row (it fits one row) with spaces, not escape codes, so NO_COLOR output stays plain. */
  private clearLiveLine(): void {
    if (this.liveWidth > 0) this.stderr.write(`\r${' '.repeat(this.liveWidth)}\r`);
  }

  /** Human text reaches a person at a terminal (not a log, not a --json run): the only place a secret may be shown unasked. */
  get atTerminal(): boolean {
    return !this.json && Boolean(this.stderr.isTTY);
  }

  /** The terminal's width for human text, or undefined when stderr is not a terminal (logs are not wrapped). */
  width(): number | undefined {
    return this.stderr.isTTY && this.stderr.columns ? this.stderr.columns : undefined;
  }

  /** The width of the terminal data goes to (stdout), or undefined when it is a file or a pipe. */
  dataWidth(): number | undefined {
    return this.stdout.isTTY && this.stdout.columns ? this.stdout.columns : undefined;
  }

  /** A hint as text for this process (its commands as it was started), completed for `run` when given. */
  hint(hint: Hint, run?: HintRun): string {
    return renderHint(hint, { program: this.program, ...run });
  }

  /** A failure as every command shows it: a cross, the message, its code, and the fix on the next line. */
  failure(error: { message: string; code: string; advice: Hint; run?: HintRun | undefined }, options: { code?: boolean } = {}): void {
    const code = options.code === false ? '' : ` ${this.paint.dim(`[${error.code}]`)}`;
    this.say(`${this.paint.red('✖')} ${error.message}${code}`);
    const hint = this.hint(error.advice, error.run);
    if (hint) this.say(`  ${this.paint.yellow('Fix:')} ${hint}`);
  }

  /**
   * A line that replaces itself (a countdown) on a terminal; elsewhere each text is one line. An empty text
   * clears it.
   */
  status(text: string): void {
    if (this.json) return;
    if (!this.stderr.isTTY) {
      if (text) this.say(text);
      return;
    }
    // Cut to one row like the spinner: a carriage return cannot reach the rows a wrapped line would leave behind.
    const shown = this.fitOneRow(terminalSafe(this.redactor.redact(text)), 1);
    // Whatever live line is drawn (a spinner, the previous status) is blanked first, and this one is blanked by the next.
    this.clearLiveLine();
    this.stderr.write(`\r\x1b[K${shown}`);
    this.liveWidth = [...shown.replace(SGR, '')].length;
  }

  /** Every warning given so far, in order: a --json document carries them all, not only its run's own. */
  readonly warned: string[] = [];

  warn(text: string): void {
    if (!this.warned.includes(text)) this.warned.push(text);
    this.say(this.paint.yellow(`! ${text}`));
  }

  /** Human-readable data a user may pipe (tables, exports): stdout. */
  data(text: string, options: { revealSecrets?: boolean } = {}): void {
    this.stdout.write(`${terminalSafe(options.revealSecrets ? text : this.redactor.redact(text))}\n`);
  }

  /** The one JSON document of a --json run; `revealSecrets` as for `say`. */
  printJson(document: unknown, options: { revealSecrets?: boolean } = {}): void {
    // Each string is redacted before serialising (the document stays valid JSON), the whole text again after.
    // JSON.stringify leaves C1 controls, separators and format characters raw; escaped, the document is the same.
    if (options.revealSecrets) {
      this.stdout.write(`${escapeControls(JSON.stringify(document, null, 2))}\n`);
      return;
    }
    const text = escapeControls(JSON.stringify(this.redactor.redactDeep(document), null, 2));
    this.stdout.write(`${this.redactor.redact(text)}\n`);
  }

  progress(label: string): Progress {
    const started = performance.now();
    const live = !this.json && Boolean(this.stderr.isTTY);
    // The live line must fit one row: a carriage return only goes back to the start of the last row, so a
    // wrapped spinner line would leave its first rows behind. The final line (below) is wrapped in full.
    const shown = this.fitOneRow(label, 3);
    let frame = 0;
    const draw = (): void => {
      this.stderr.write(`\r${this.paint.cyan(SPINNER_FRAMES[frame] ?? '')} ${shown}`);
      this.liveWidth = [...shown].length + 2;
    };
    const timer = live
      ? setInterval(() => {
          frame = (frame + 1) % SPINNER_FRAMES.length;
          draw();
        }, 80)
      : undefined;
    if (live) {
      // A status line still drawn (a countdown) may be longer than this one: blanked, it leaves nothing behind.
      this.clearLiveLine();
      draw();
    }
    return {
      done: (ok, detail) => {
        if (timer) clearInterval(timer);
        this.clearLiveLine();
        this.liveWidth = 0;
        const ms = Math.round(performance.now() - started);
        const mark = ok ? this.paint.green('✔') : this.paint.red('✖');
        this.say(`${mark} ${label} ${this.paint.dim(`(${ms} ms)`)}${detail ? ` ${detail}` : ''}`);
      },
    };
  }

  /** `text` cut to one terminal row, less `reserved` columns, with … where it was cut. */
  private fitOneRow(text: string, reserved: number): string {
    const width = this.width();
    if (!width) return text;
    const rows = wrapAnsi(text, Math.max(10, width - reserved - 1), { hard: true, trim: false }).split('\n');
    return rows.length > 1 ? `${rows[0]?.trimEnd()}…` : text;
  }

  /** Resolves when everything written so far has left the process, so an exit loses nothing. */
  async flush(): Promise<void> {
    await Promise.all(
      [this.stdout, this.stderr].map(
        (stream) => new Promise<void>((resolve) => (stream.writableNeedDrain ? stream.once('drain', resolve) : resolve())),
      ),
    );
  }
}
