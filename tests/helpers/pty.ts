// Drives the built CLI in a real pseudo-terminal (node-pty): keys typed, screen read.
import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { afterAll, afterEach } from '@jest/globals';
import { spawn, type IPty } from 'node-pty';
import { BIN, baseEnv } from './cli.js';

/** The height of every test terminal, in rows. */
export const TERMINAL_ROWS = 40;

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03', backspace: '\x7f' } as const;

/** The text as a person would read it: escape sequences removed. */
export function plainText(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b[()][A-Za-z0-9]/g, '').replace(/\r/g, '');
}

export interface PtySession {
  /** Everything the terminal has shown so far, escape sequences removed. */
  screen(): string;
  /** Everything the terminal has received, escape sequences included. */
  raw(): string;
  /** The terminal's width in columns. */
  readonly cols: number;
  type(text: string): void;
  /** Waits until the screen (after `mark()`) matches, a string whatever the line breaks; fails with the screen in the message. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Length of the screen now, to wait only for what comes next. */
  mark(): number;
  exit: Promise<number>;
  kill(): void;
  /** Sends the CLI a signal, as a closing terminal or a cancelled CI job would. */
  signal(name: NodeJS.Signals): void;
  /** Stops reading the terminal for now, as a test process too busy to read would. */
  pause(): void;
}

/**
 * `cols`: the terminal's width (default 120), to check layouts on narrow terminals. `file`: another program to run
 * in the terminal (a shell) with `args`, instead of the built CLI.
 */
export function startPty(args: string[], env: Record<string, string | undefined>, options: { cols?: number; file?: string } = {}): PtySession {
  let output = '';
  let since = 0;
  const terminal: IPty = spawn(options.file ?? process.execPath, options.file ? args : [BIN, ...args], {
    name: 'xterm-256color',
    cols: options.cols ?? 120,
    rows: TERMINAL_ROWS,
    // A variable set to undefined is left out (node-pty would pass the text "undefined").
    env: Object.fromEntries(Object.entries(baseEnv(env)).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  const received = (data: string): void => {
    output += data;
  };
  // The text is read on every chunk while a test waits: worked out again only when more has come.
  let plain = { length: 0, text: '' };
  const shown = (): string => {
    if (plain.length !== output.length) plain = { length: output.length, text: plainText(output) };
    return plain.text;
  };
  terminal.onData(received);
  keepLastOutput(terminal, received);
  const exit = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    screen: shown,
    raw: () => output,
    cols: options.cols ?? 120,
    type: (text) => terminal.write(text),
    mark: () => {
      since = shown().length;
      return since;
    },
    waitFor(pattern, timeoutMs = 15_000) {
      const matches = (): boolean => {
        const text = shown().slice(since);
        // Text wraps to the terminal's width, so a phrase is matched whatever line breaks and indentation split it.
        return typeof pattern === 'string' ? text.replace(/\s+/g, ' ').includes(pattern.replace(/\s+/g, ' ')) : pattern.test(text);
      };
      // Checked on every chunk the terminal shows (and once now), not on a polling timer.
      return new Promise<void>((resolve, reject) => {
        if (matches()) return resolve();
        const timer = setTimeout(() => {
          listener.dispose();
          reject(new Error(`Timed out waiting for ${String(pattern)}. Screen:\n${shown()}`));
        }, timeoutMs);
        const listener = terminal.onData(() => {
          if (!matches()) return;
          clearTimeout(timer);
          listener.dispose();
          resolve();
        });
      });
    },
    exit,
    kill: () => terminal.kill(),
    signal: (name) => terminal.kill(name),
    pause: () => terminal.pause(),
  };
}

/**
 * Once the program in a terminal has exited, node-pty waits at most 200 ms for the rest of its output to be read and
 * then drops the terminal with whatever is still unread: on a busy machine a test saw its output cut off after the
 * first lines. What is still waiting is read here, before node-pty lets go of it. (The terminal is
 * non-blocking: a read with nothing left ends at once, as does one after the program has closed it.)
 */
function keepLastOutput(terminal: IPty, received: (data: string) => void): void {
  const inside = terminal as unknown as { _fd?: unknown; _socket?: { destroy: (...args: unknown[]) => unknown; read: () => unknown } };
  const { _fd: fd, _socket: socket } = inside;
  if (typeof fd !== 'number' || !socket) throw new Error('node-pty changed: keepLastOutput needs its _fd and _socket');
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (...args: unknown[]) => {
    // What the stream already holds (read() hands it to the data listeners), then what the terminal still holds.
    while (socket.read() !== null);
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      let count = 0;
      try {
        count = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        break;
      }
      if (count <= 0) break;
      received(decoder.write(buffer.subarray(0, count)));
    }
    return destroy(...args);
  };
}

/** Moves a list's pointer `ups` entries up, waits until it is on `entry`, and chooses it; later waits see only what follows. */
export async function chooseAbove(terminal: PtySession, ups: number, entry: RegExp): Promise<void> {
  terminal.type(KEY.up.repeat(ups));
  await terminal.waitFor(entry);
  terminal.mark();
  terminal.type(KEY.enter);
}

/** The hand-off that ends a setup at a terminal, left as a person done with it leaves it: Enter on Done, its default. */
export async function doneWithHandOff(terminal: PtySession): Promise<void> {
  await terminal.waitFor('? Take the values to Cyclr');
  await terminal.waitFor(/❯ Done/);
  terminal.type(KEY.enter);
}

/**
 * A startPty whose terminals are all killed after each test: one that fails while waiting must not leave its CLI
 * running (Jest would wait for it). Tests run side by side (test.concurrent) have no afterEach: theirs are killed
 * once the file's tests are done. Call once at the top of a test file.
 */
export function startPtyClosedAfterEach(): typeof startPty {
  const open: PtySession[] = [];
  const killAll = (): void => open.splice(0).forEach((terminal) => terminal.kill());
  afterEach(killAll);
  afterAll(killAll);
  return (args, env, options) => {
    const terminal = startPty(args, env, options);
    open.push(terminal);
    return terminal;
  };
}
