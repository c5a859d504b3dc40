// What the tests that read a CLI's failures check: no stack trace, a readable failure document.
import { expect } from '@jest/globals';
import type { CliResult } from './cli.js';
import { expectNoSecrets } from './fixtures.js';

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
