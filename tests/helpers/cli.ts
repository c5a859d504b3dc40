// Runs the CLI as a user would, with its own config directory and a clean environment (no PingOne or Invenias
// variables leak in from the machine running the tests): in this process, or as a child process where it must be.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connector } from '../../src/core/run/connector.js';
import type { Deadlines } from './in-process.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(ROOT, 'bin/connector-setup.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** In-process runs: the milliseconds the run waited (on its clock, which returns at once), in order. */
  slept?: number[];
}

export function tempConfigDir(): string {
  return mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'config-'));
}

/** Every file in a config directory with its contents (the lock directory aside), to compare before and after a run. */
export function configFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory)) {
    if (name !== 'profiles.lock') files[name] = readFileSync(path.join(directory, name), 'utf8');
  }
  return files;
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The machine's own session bus is left out too (its address, and the runtime directory that holds its socket):
    // tests use a private keyring (secret-service.ts) or none. So is npm's environment, which says how a run was started,
    // and the CI variable of a runner the suite runs on, which a test that means a CI job sets itself.
    if (!/^(npm_|PINGONE_|INVENIAS_|CYCLR_|CONNECTOR_SETUP_|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|FORCE_COLOR|DBUS_SESSION_BUS_ADDRESS$|XDG_RUNTIME_DIR$|CI$)/.test(name)) env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Runs one command line in this process (program.ts runCli, what main.ts runs), as a user's shell would: the
 * whole environment of baseEnv, no terminal, standard input given or empty. Waits (retries, countdowns) return at
 * once while the run's clock moves on. For what needs a process of its own (signals, exit while writing, a
 * different NODE_EXTRA_CA_CERTS, the packed tarball) use runCliProcess.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env = baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: options.configDir ?? tempConfigDir(), ...options.env });
  let timer: NodeJS.Timeout | undefined;
  // The safety net of a child process, kept: a run that hangs reads as killed, not as a Jest timeout.
  const hung = new Promise<CliResult>((resolve) => {
    timer = setTimeout(() => resolve({ code: null, signal: 'SIGKILL', stdout: '', stderr: 'the run did not end in time' }), options.timeoutMs ?? 45_000);
  });
  // Loaded on the first run in this process: a file that only starts the built CLI never loads the sources.
  const { runInProcess } = await import('./in-process.js');
  const ran = runInProcess(args, {
    env,
    registry: options.registry,
    stdin: options.stdin ?? '',
    exactEnv: true,
    clockStart: options.clockStart ?? Date.now(),
    deadlines: options.deadlines,
    onSleep: options.onSleep,
    onStderr: options.onStderr,
  }).then(
    (result): CliResult => ({ code: result.code, signal: null, stdout: result.stdout, stderr: result.stderr, slept: result.slept }),
  );
  try {
    return await Promise.race([ran, hung]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  configDir?: string;
  /** Past this, the run counts as hung (signal SIGKILL); 45 s by default. */
  timeoutMs?: number;
  /** In-process: the time the run's clock starts at (now by default). */
  clockStart?: number;
  /** In-process: who ends the run's request time limits (real time by default). */
  deadlines?: Deadlines;
  /** In-process: the connectors (the built-in ones by default). */
  registry?: readonly Connector[];
  /** In-process: called at each wait of the run, before its clock moves on (see runInProcess). */
  onSleep?: (ms: number) => void;
  /** In-process: called with each piece of stderr as the run writes it. */
  onStderr?: (text: string) => void;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  result: Promise<CliResult>;
}

/**
 * Starts the built CLI (or `bin`) as a child process the test can signal while it runs. `timeoutMs` is a safety
 * net (SIGKILL, so `result.signal` says it was needed), not a timing assertion.
 */
export function startCli(args: string[], options: CliOptions & { bin?: string } = {}): RunningCli {
  const env = baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: options.configDir ?? tempConfigDir(), ...options.env });
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    // A CLI that exits before reading its input closes the pipe (EPIPE): its exit code is what the test checks.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  child.stdin.end(options.stdin ?? '');
  return { child, stdout: () => stdout, stderr: () => stderr, result };
}

/** Runs the built CLI as a child process to its end; it is killed (signal SIGKILL) if it runs past `timeoutMs`. */
export function runCliProcess(args: string[], options: CliOptions & { bin?: string } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}
