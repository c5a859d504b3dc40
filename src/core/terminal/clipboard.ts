// Copying one value to the clipboard, so a secret reaches Cyclr without being printed. An OS tool first where one
// can work (its exit status confirms the copy), else OSC 52 when stdout is a terminal (the terminal does the copy,
// so it works over SSH and in tmux, but nothing confirms it). A copy is only ever called done when it was seen to
// be done, and a copy that cannot be attempted is an error, never a silent no-op.
import type { Writable } from 'node:stream';
import { CliError } from '../errors.js';
import type { Hint } from '../hint.js';
import type { Output } from './output.js';
import type { Prompter } from './prompts.js';
import { type Redactor, childEnvironment } from '../redact.js';

export type ClipboardMethod = 'osc52' | 'pbcopy' | 'wl-copy' | 'xclip' | 'xsel' | 'clip.exe';

export interface ClipboardOptions {
  /** Where OSC 52 goes when it is a terminal; process.stdout by default. */
  terminal?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The run's redactor: no variable holding a secret it knows reaches the tool (xclip stays running with it). */
  redactor?: Redactor;
}

/** How a value was copied, and whether anything saw the copy happen (an OS tool's exit 0; never OSC 52). */
export interface ClipboardCopy {
  method: ClipboardMethod;
  confirmed: boolean;
  /** Inside tmux: OSC 52 reaches the clipboard only with tmux's `set-clipboard on`, which the user is told. */
  tmux: boolean;
}

/** A tool that does not finish within this long is treated as absent (e.g. xclip waiting on a display). */
const TOOL_TIMEOUT_MS = 5_000;

/**
 * The OS tools that can work here, in order, each with the arguments that make it read stdin into the clipboard.
 * X11 and Wayland tools are tried only with a display to talk to: without one they can only fail.
 */
function osTools(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Array<{ method: ClipboardMethod; command: string; args: string[] }> {
  if (platform === 'darwin') return [{ method: 'pbcopy', command: 'pbcopy', args: [] }];
  if (platform === 'win32') return [{ method: 'clip.exe', command: 'clip.exe', args: [] }];
  return [
    ...(env.WAYLAND_DISPLAY ? [{ method: 'wl-copy' as const, command: 'wl-copy', args: [] }] : []),
    ...(env.DISPLAY
      ? [
          { method: 'xclip' as const, command: 'xclip', args: ['-selection', 'clipboard'] },
          { method: 'xsel' as const, command: 'xsel', args: ['--clipboard', '--input'] },
        ]
      : []),
    // Windows' own tool, reachable from WSL.
    { method: 'clip.exe', command: 'clip.exe', args: [] },
  ];
}

/**
 * OSC 52 "set clipboard". Plain inside tmux, which takes it into its own buffer and on to the outer terminal's
 * clipboard with `set-clipboard on` (a passthrough-wrapped one is dropped unless `allow-passthrough` is on, which
 * it is not by default); wrapped for screen, which passes a sequence on only inside its own envelope.
 */
export function osc52(value: string, env: NodeJS.ProcessEnv = process.env): string {
  const sequence = `\x1b]52;c;${Buffer.from(value, 'utf8').toString('base64')}\x07`;
  if (!env.TMUX && env.TERM?.startsWith('screen')) return `\x1bP${sequence}\x1b\\`;
  return sequence;
}

/** Feeds the value to a tool's stdin; resolves true when it took it (exit 0), false when absent or failing. */
function pipeTo(command: string, args: string[], value: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    // stdout/stderr ignored: xclip and wl-copy leave a child serving the selection, which would hold pipes open.
    // Loaded when first used: node:child_process (and net, dgram) is most of the start-up of a run that never copies.
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'], env });
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    // A tool that exits early (no display) closes its stdin: EPIPE is that failure, already reported by 'exit'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(value);
  });
}

/** The clipboard could not be reached: the value stays where it is, and the user is told how else to get it. */
export class ClipboardError extends CliError {
  constructor(hint: Hint) {
    super(
      'clipboard_unavailable',
      'No clipboard could be reached: stdout is not a terminal (for OSC 52) and none of pbcopy, wl-copy, xclip, xsel or clip.exe worked.',
      hint,
      2,
    );
  }
}

/** Copies `value` and says how; throws ClipboardError (with `fallbackHint` as its Fix) when nothing could be tried. */
export async function copyToClipboard(value: string, fallbackHint: Hint, options: ClipboardOptions = {}): Promise<ClipboardCopy> {
  const terminal = options.terminal ?? process.stdout;
  const env = options.env ?? process.env;
  const tmux = Boolean(env.TMUX);
  for (const tool of osTools(env, options.platform ?? process.platform)) {
    if (await pipeTo(tool.command, tool.args, value, childEnvironment(env, options.redactor))) return { method: tool.method, confirmed: true, tmux };
  }
  if (terminal.isTTY) {
    terminal.write(osc52(value, env));
    return { method: 'osc52', confirmed: false, tmux };
  }
  throw new ClipboardError(fallbackHint);
}

/**
 * The line that reports a copy: a ✔ only for a copy that was seen to happen; for OSC 52, what was sent and how to
 * check it, since no terminal answers whether it took it. `what` is e.g. `the Client Secret of profile "acme"`.
 */
export function copiedLine(out: Output, what: string, copy: Pick<ClipboardCopy, 'confirmed' | 'tmux'> & { method: string }): string {
  if (copy.confirmed) return `${out.paint.green('✔')} Copied ${what} with ${copy.method}.`;
  const check = copy.tmux
    ? 'inside tmux it reaches the clipboard only with `tmux set -g set-clipboard on`'
    : 'if pasting gives nothing, your terminal does not allow OSC 52';
  return `• Sent ${what} to your terminal's clipboard (OSC 52), which cannot be confirmed: paste it once to check; ${check}.`;
}

export interface HandOffValue {
  label: string;
  value: string;
  secret: boolean;
}

export interface HandOffOptions {
  prompter: Prompter;
  out: Output;
  /** The values Cyclr needs, in the order the user pastes them. */
  values: HandOffValue[];
  /**
   * The full command that shows the secrets later, e.g. `connector-setup profiles show invenias acme --show-secrets`;
   * undefined when no profile holds them (--no-save), so no command names one that does not.
   */
  revealCommand: string | undefined;
  clipboard?: ClipboardOptions;
}

type HandOffChoice = { copy: HandOffValue } | { reveal: HandOffValue } | 'done';

/**
 * The step after a create or renew, in a terminal: copy any value to the clipboard, or reveal a secret once, until
 * the user is done. Nothing is copied or shown without being chosen; a copied value is never printed.
 */
export async function handOffSecrets(options: HandOffOptions): Promise<void> {
  const { prompter, out, values, revealCommand } = options;
  const revealed = new Set<string>();
  for (;;) {
    const choices = [
      ...values.map((entry) => ({ name: `Copy the ${entry.label} to the clipboard`, value: { copy: entry } as HandOffChoice })),
      ...values
        .filter((entry) => entry.secret && !revealed.has(entry.label))
        .map((entry) => ({ name: `Show the ${entry.label} once here`, value: { reveal: entry } as HandOffChoice })),
      { name: 'Done', value: 'done' as HandOffChoice },
    ];
    const choice = await prompter.select<HandOffChoice>({ message: 'Take the values to Cyclr', choices, default: 'done' });
    if (choice === 'done') break;
    if ('copy' in choice) {
      try {
        const { label, secret } = choice.copy;
        const instead = revealCommand ? `Reveal it with: ${revealCommand}` : secret ? `Choose "Show the ${label} once here" instead.` : 'It is in the list above.';
        const copy = await copyToClipboard(choice.copy.value, instead, options.clipboard);
        out.say(copiedLine(out, `the ${label}`, copy));
      } catch (error) {
        if (!(error instanceof ClipboardError)) throw error;
        out.failure(error);
      }
      continue;
    }
    revealed.add(choice.reveal.label);
    out.say(`${choice.reveal.label}: ${choice.reveal.value}`, { revealSecrets: true });
    out.say(
      out.paint.dim(
        revealCommand ? `It will not be shown again unprompted; later: ${revealCommand}` : 'It was not saved (--no-save), so it will not be shown again: keep it until Cyclr has it.',
      ),
    );
  }
}
