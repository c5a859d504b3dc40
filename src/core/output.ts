// Everything the process prints goes through here, and through the redactor on its way out.
// Human text goes to stderr (stdout stays clean for --json and for data commands); colour only on a
// terminal without NO_COLOR, and chalk is only loaded then.
import type { Writable } from 'node:stream';
import { type Redactor } from './redact.js';

type Paint = (text: string) => string;
export interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
}

const plain: Paint = (text) => text;
const PLAIN_PALETTE: Palette = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface OutputOptions {
  json: boolean;
  redactor: Redactor;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/**
 * What may reach a terminal: text, line breaks, tabs and colour codes (SGR). Any other control character or
 * escape sequence, whoever wrote it (a server's error text, a hand-edited file), is dropped.
 */
function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (match) => (match.length > 1 ? match : ''));
}

export interface Progress {
  /** Ends the progress line with a tick or cross and the time taken. */
  done(ok: boolean, detail?: string): void;
}

export class Output {
  readonly json: boolean;
  paint: Palette = PLAIN_PALETTE;
  private readonly stdout: Writable & { isTTY?: boolean };
  private readonly stderr: Writable & { isTTY?: boolean };
  private readonly redactor: Redactor;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.redactor = options.redactor;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.env = options.env ?? process.env;
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
    this.stderr.write(`${terminalSafe(options.revealSecrets ? text : this.redactor.redact(text))}\n`);
  }

  /** A failure as every command shows it: a cross, the message, its code, and the fix on the next line. */
  failure(error: { message: string; code: string; hint: string }, options: { code?: boolean } = {}): void {
    const code = options.code === false ? '' : ` ${this.paint.dim(`[${error.code}]`)}`;
    this.say(`${this.paint.red('✖')} ${error.message}${code}`);
    if (error.hint) this.say(`  ${this.paint.yellow('Fix:')} ${error.hint}`);
  }

  /**
   * A line that replaces itself (a countdown) on a terminal; elsewhere each text is one line. An empty text
   * clears it.
   */
  status(text: string): void {
    if (this.json) return;
    if (this.stderr.isTTY) this.stderr.write(`\r\x1b[K${terminalSafe(this.redactor.redact(text))}`);
    else if (text) this.say(text);
  }

  warn(text: string): void {
    this.say(this.paint.yellow(`! ${text}`));
  }

  /** Human-readable data a user may pipe (tables, exports): stdout. */
  data(text: string, options: { revealSecrets?: boolean } = {}): void {
    this.stdout.write(`${terminalSafe(options.revealSecrets ? text : this.redactor.redact(text))}\n`);
  }

  /** The one JSON document of a --json run. */
  printJson(document: unknown): void {
    // JSON.stringify leaves C1 controls and U+2028/2029 raw; escaped, the document is the same and prints safely.
    const text = JSON.stringify(document, null, 2).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    this.stdout.write(`${this.redactor.redact(text)}\n`);
  }

  progress(label: string): Progress {
    const started = performance.now();
    const live = !this.json && Boolean(this.stderr.isTTY);
    let frame = 0;
    const timer = live
      ? setInterval(() => {
          frame = (frame + 1) % SPINNER_FRAMES.length;
          // Frames are one character wide, so a carriage return redraws the line without escape codes.
          this.stderr.write(`\r${this.paint.cyan(SPINNER_FRAMES[frame] ?? '')} ${label}`);
        }, 80)
      : undefined;
    if (live) this.stderr.write(`${this.paint.cyan(SPINNER_FRAMES[0] ?? '')} ${label}`);
    return {
      done: (ok, detail) => {
        if (timer) clearInterval(timer);
        if (live) this.stderr.write(`\r${' '.repeat([...label].length + 2)}\r`);
        const ms = Math.round(performance.now() - started);
        const mark = ok ? this.paint.green('✔') : this.paint.red('✖');
        this.say(`${mark} ${label} ${this.paint.dim(`(${ms} ms)`)}${detail ? ` ${detail}` : ''}`);
      },
    };
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
