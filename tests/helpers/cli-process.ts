// The built CLI as a child process the test can signal while it runs (Ctrl+C is SIGINT to the process).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { expect } from '@jest/globals';
import { BIN, type CliResult, baseEnv, tempConfigDir } from './cli.js';
import { expectNoSecrets } from './fixtures.js';

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  result: Promise<CliResult>;
}

/**
 * Starts the CLI. `killAfterMs` is a safety net (SIGKILL, so `result.signal` says it was needed), not a
 * timing assertion: a test that expects the CLI to end on its own checks that the signal is null.
 */
export function startCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string; configDir?: string; killAfterMs?: number } = {},
): RunningCli {
  const env = baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: options.configDir ?? tempConfigDir(), ...options.env });
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 45_000);
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

/** What a person reading stderr must never see: a JavaScript stack trace. */
export function expectNoStackTrace(stderr: string): void {
  if (/^\s+at .+(\(|:\d+:\d+)/m.test(stderr) || /\b(TypeError|ReferenceError|SyntaxError|RangeError):/.test(stderr)) {
    throw new Error(`stderr shows a stack trace or a raw JavaScript error:\n${stderr}`);
  }
}

/** The --json document of a setup or verify run, as far as the fault tests read it. */
export interface RunDocument {
  ok: boolean;
  values: Record<string, string>;
  error: { code: string; message: string; hint: string } | null;
}

/**
 * The checks every failing run must pass: its exit code and error code, a readable sentence as the message (not
 * a code or an object dump), no stack trace and no secret anywhere. Returns the error for case-specific checks.
 */
export function expectFailedRun(result: CliResult, exitCode: number, code: string, secrets: readonly string[]): { code: string; message: string; hint: string } {
  expect(result.signal).toBeNull();
  const document = JSON.parse(result.stdout) as RunDocument;
  expect(document.ok).toBe(false);
  expect(document.error?.code).toBe(code);
  expect(result.code).toBe(exitCode);
  expect(document.error?.message).toMatch(/^[A-Z0-9].{15,}[.)"]$/s);
  expect(document.error?.message).not.toMatch(/undefined|\[object |Error:/);
  expectNoStackTrace(result.stderr);
  expectNoSecrets(result.stdout + result.stderr, secrets);
  return document.error as { code: string; message: string; hint: string };
}
