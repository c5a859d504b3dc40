// `connector-setup verify`: the CI check of record. Verifies saved profiles concurrently (bounded) through one
// HTTP client, so connections are reused and one 429 pauses the whole batch; one token request per profile;
// its only write is each passing profile's last-verified time.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import path from 'node:path';
import { findConnector } from '../connectors/index.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { CliError, type ExitCode, InputError, InterruptedError, toErrorJson } from '../core/errors.js';
import { Output } from '../core/output.js';
import { type StoredProfile, parseProfileName } from '../core/profile-store.js';
import { Redactor } from '../core/redact.js';
import { createRunContext } from '../core/run-context.js';
import type { RunResult } from '../core/run.js';
import { type Session, openSession } from '../core/session.js';
import { checkedValues, verifyWithExpiry } from '../core/verification.js';
import { unexpected } from './setup.js';

export interface VerifyOptions {
  all?: boolean;
  connector?: string;
  profile?: string;
  expiringWithin?: string;
  concurrency?: string;
  json?: boolean;
  junit?: string;
  timeout?: string;
}

const DEFAULT_CONCURRENCY = 8;
const MAX_CONCURRENCY = 64;

interface Outcome {
  result: RunResult;
  ms: number;
  exitCode: ExitCode;
}

function parseCount(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError('invalid_input', `${flag} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

async function selectProfiles(session: Session, options: VerifyOptions): Promise<StoredProfile[]> {
  const connector = options.connector === undefined ? undefined : findConnector(options.connector).name;
  const name = options.profile === undefined ? undefined : parseProfileName(options.profile);
  const selected = (await session.store.list()).filter(
    (profile) => (connector === undefined || profile.connector === connector) && (name === undefined || profile.name === name),
  );
  if (selected.length === 0) {
    const which = [connector && `connector ${connector}`, name && `name "${name}"`].filter(Boolean).join(' and ');
    throw new InputError(
      'profile_not_found',
      which ? `No saved profile with ${which}.` : 'There are no saved profiles to verify.',
      'See connector-setup profiles list; run connector-setup <connector> to save one.',
    );
  }
  return selected;
}

/** Human text from a profile's steps stays out of the batch's output; warnings travel in the result. */
function quietOutput(redactor: Redactor): Output {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return new Output({ json: false, redactor, stdout: sink, stderr: sink, env: { NO_COLOR: '1' } });
}

/**
 * A batch reads saved values only, so a missing one means the profile was never finished (e.g. an Invenias setup
 * that kept its one-time secret and then stopped): say how to finish it rather than which variable to set.
 */
function incompleteProfile(error: CliError, profile: StoredProfile): CliError {
  if (error.code !== 'missing_input') return error;
  return new InputError(
    error.code,
    `${error.message.replace(/\.$/, '')} in the saved profile.`,
    `Finish it: connector-setup ${profile.connector} --profile ${profile.name}.`,
  );
}

async function verifyOne(session: Session, profile: StoredProfile, failWithinDays: number | undefined, record: (work: () => Promise<void>) => Promise<void>): Promise<Outcome> {
  const started = performance.now();
  const result: RunResult = { ok: false, connector: profile.connector, profile: profile.name, checks: [], values: { ...profile.values }, warnings: [], error: null };
  let exitCode: ExitCode = 0;
  try {
    const connector = findConnector(profile.connector);
    const saved = await session.store.get(profile.connector, profile.name);
    if (!saved) throw new InputError('profile_not_found', `The profile "${profile.name}" (${profile.connector}) was removed meanwhile.`);
    // Only the saved profile counts: a batch must not pick up one CI variable for every profile.
    const context = createRunContext({ session, connector, profileName: profile.name, options: {}, env: {}, saved, savedFrom: `the saved profile "${profile.name}" in ${session.store.directory}`, interactive: false, out: quietOutput(session.redactor) });
    result.checks = context.checks;
    result.warnings = context.warnings;
    result.values = checkedValues(context);
    const summary = await verifyWithExpiry(context, { failWithinDays });
    result.values = summary.values;
    await record(() => session.store.markVerified(profile.connector, profile.name, new Date()));
    result.ok = true;
  } catch (caught) {
    const error = caught instanceof CliError ? caught : session.signal.aborted ? new InterruptedError() : unexpected(caught);
    result.error = toErrorJson(incompleteProfile(error, profile));
    exitCode = error.exitCode;
  }
  return { result, ms: Math.round(performance.now() - started), exitCode };
}

/** CONTRACT.md: 1 when any was rejected; else 3 when any could not be asked; bad input 2; Ctrl+C 130. */
function overallExitCode(outcomes: Outcome[]): ExitCode {
  const codes = new Set(outcomes.map((outcome) => outcome.exitCode));
  for (const code of [130, 1, 3, 2] as const) if (codes.has(code)) return code;
  return 0;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML as CI systems read it: one testcase per profile; rejected is a failure, could-not-ask an error. */
export function junitReport(outcomes: Outcome[]): string {
  const failures = outcomes.filter((outcome) => outcome.exitCode === 1).length;
  const errors = outcomes.filter((outcome) => outcome.exitCode !== 0 && outcome.exitCode !== 1).length;
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const total = outcomes.reduce((sum, outcome) => sum + outcome.ms, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="connector-setup verify" tests="${outcomes.length}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
    `  <testsuite name="connector-setup verify" tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(total)}" timestamp="${new Date().toISOString()}">`,
  ];
  for (const { result, ms, exitCode } of outcomes) {
    const name = xmlEscape(`${result.connector}/${result.profile ?? 'default'}`);
    lines.push(`    <testcase classname="${xmlEscape(result.connector)}" name="${name}" time="${seconds(ms)}">`);
    if (result.error) {
      const tag = exitCode === 1 ? 'failure' : 'error';
      const body = [result.error.message, result.error.hint && `Fix: ${result.error.hint}`].filter(Boolean).join('\n');
      lines.push(`      <${tag} type="${xmlEscape(result.error.code)}" message="${xmlEscape(result.error.message)}">${xmlEscape(body)}</${tag}>`);
    }
    if (result.warnings.length > 0) lines.push(`      <system-out>${xmlEscape(result.warnings.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function junitUnwritable(target: string, code: string): InputError {
  return new InputError('invalid_input', `Could not write the JUnit report to ${target} (${code}).`, 'Pass --junit a file in a directory you can write to.');
}

/**
 * Before any request: a report that could not be written would otherwise cost the whole batch's results. A
 * missing directory is created, as every CI reporter does (`--junit reports/verify.xml` on a fresh checkout).
 */
async function checkJunitTarget(file: string): Promise<void> {
  const target = path.resolve(file);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await access(path.dirname(target), constants.W_OK);
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
  } catch (error) {
    throw junitUnwritable(target, (error as { code?: string }).code ?? 'unknown error');
  }
}

async function writeJunit(file: string, xml: string): Promise<void> {
  const target = path.resolve(file);
  try {
    await writeFileAtomic(target, xml, 0o644);
  } catch (error) {
    throw junitUnwritable(target, (error as { code?: string }).code ?? 'unknown error');
  }
}

/** A live "n of m" line on a terminal; nothing elsewhere (CI logs get the table only). */
function progressLine(session: Session, total: number): { update(done: number, failed: number): void; end(): void } {
  const live = !session.out.json && Boolean(process.stderr.isTTY);
  return {
    update(done, failed) {
      if (!live) return;
      const failedText = failed > 0 ? session.out.paint.red(`, ${failed} failed`) : '';
      process.stderr.write(`\r\x1b[K${session.out.paint.cyan('…')} Verifying profiles: ${done}/${total} done${failedText}`);
    },
    end() {
      if (live) process.stderr.write('\r\x1b[K');
    },
  };
}

function renderTable(session: Session, outcomes: Outcome[]): void {
  const { out } = session;
  const rows = [['PROFILE', 'RESULT', 'TIME', 'HINT']];
  for (const { result, ms } of outcomes) {
    const hint = result.error ? [result.error.message, result.error.hint && `Fix: ${result.error.hint}`].filter(Boolean).join(' ') : result.warnings.join(' ');
    rows.push([`${result.connector}/${result.profile ?? 'default'}`, result.ok ? (result.warnings.length ? 'ok (warning)' : 'ok') : (result.error?.code ?? 'failed'), `${ms} ms`, hint]);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) out.data(row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd());
  const passed = outcomes.filter((outcome) => outcome.result.ok).length;
  const line = `${passed} of ${outcomes.length} profile${outcomes.length === 1 ? '' : 's'} passed.`;
  out.say(passed === outcomes.length ? out.paint.green(`✔ ${line}`) : out.paint.red(`✖ ${line}`));
}

export async function runVerify(options: VerifyOptions): Promise<ExitCode> {
  const session = await openSession({ json: options.json, timeout: options.timeout, input: false });
  let exitCode: ExitCode = 0;
  let document: unknown;
  try {
    if (session.optionError) throw session.optionError;
    const concurrency = parseCount(options.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
    const failWithinDays = options.expiringWithin === undefined ? undefined : parseCount(options.expiringWithin, '--expiring-within', 0, 0, 3650);
    if (options.junit) await checkJunitTarget(options.junit);
    const profiles = await selectProfiles(session, options);
    const outcomes: Outcome[] = new Array(profiles.length);
    // markVerified takes the store's lock; one at a time within this process keeps the lock uncontended.
    let recording = Promise.resolve();
    const record = (work: () => Promise<void>): Promise<void> => {
      const next = recording.then(work);
      recording = next.catch(() => undefined);
      return next;
    };
    const progress = progressLine(session, profiles.length);
    let next = 0;
    let done = 0;
    let failed = 0;
    progress.update(0, 0);
    const worker = async (): Promise<void> => {
      for (let index = next++; index < profiles.length; index = next++) {
        const outcome = await verifyOne(session, profiles[index] as StoredProfile, failWithinDays, record);
        outcomes[index] = outcome;
        done += 1;
        if (!outcome.result.ok) failed += 1;
        progress.update(done, failed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, profiles.length) }, worker));
    progress.end();
    exitCode = overallExitCode(outcomes);
    if (options.junit) await writeJunit(options.junit, junitReport(outcomes));
    document = { ok: exitCode === 0, results: outcomes.map((outcome) => outcome.result) };
    if (!session.out.json) renderTable(session, outcomes);
  } catch (caught) {
    const error = caught instanceof CliError ? caught : unexpected(caught);
    exitCode = error.exitCode;
    document = { ok: false, results: [], error: toErrorJson(error) };
    session.out.failure(error);
  } finally {
    await session.close();
  }
  if (session.out.json) session.out.printJson(document);
  await session.out.flush();
  return exitCode;
}

