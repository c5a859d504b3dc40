// `connector-setup verify`: the CI check of record. Verifies saved profiles concurrently (bounded) through one
// HTTP client, so connections are reused and one 429 pauses the whole batch; one token request per profile;
// its only write is each passing profile's last-verified time.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { writeFileAtomic } from '../core/store/atomic-file.js';
import { type CliError, InputError } from '../core/errors.js';
import { type BatchEntry, type CommandOutcome, type RunOutcome, runExitCode } from '../core/outcome.js';
import { silentOutput } from '../core/terminal/output.js';
import type { RunOutput } from '../core/terminal/run-output.js';
import { type StoredProfile, chosenProfileName } from '../core/store/profile-store.js';
import type { Redactor } from '../core/redact.js';
import type { Connector } from '../core/run/connector.js';
import { withoutControls } from '../core/printable.js';
import { findConnector } from '../core/run/registry.js';
import { runProfile } from '../core/run/prepare.js';
import { asCliError, failedBeforeRun } from '../core/run/runner.js';
import { type Session, openSession } from '../core/run/session.js';
import { keepHeapSmall } from '../core/run/batch-heap.js';
import type { Io } from '../core/run/io.js';
import { BARE, command } from '../core/hint.js';

/** What `connector-setup verify` is given, parsed once from its command line; numbers are checked here. */
export interface VerifyOptions {
  /** --all: every saved profile, which is also what nothing narrowing the batch means. */
  all: boolean;
  connector: string | undefined;
  profile: string | undefined;
  expiringWithin: string | undefined;
  concurrency: string | undefined;
  junit: string | undefined;
  timeout: string | undefined;
}

/** A batch spans many hosts; each host gets at most a few of these at once (net/host-limits.ts). */
const DEFAULT_CONCURRENCY = 32;
const MAX_CONCURRENCY = 64;


function parseCount(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError('invalid_input', `${flag} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** The name of the profile a runner's environment variables make up when nothing is saved. */
const ENV_PROFILE = 'env';

/**
 * A clean CI runner has no saved profiles, only the variables the team stored as CI secrets: each connector whose
 * variables give every value a verify needs is one profile named `env`. Connectors with some but not all of them
 * are named with what is missing.
 */
async function environmentProfiles(io: Io, connectorName: string | undefined): Promise<{ profiles: StoredProfile[]; partial: string[] }> {
  const profiles: StoredProfile[] = [];
  const partial: string[] = [];
  for (const connector of io.registry) {
    if (connectorName !== undefined && connector.name !== connectorName) continue;
    const needed = connector.fields.filter((field) => connector.verifyKeys.includes(field.key) && field.env);
    const unset = needed.filter((field) => !io.env[field.env as string]);
    if (needed.length > 0 && unset.length === 0) {
      const values = Object.fromEntries(connector.fields.filter((field) => !field.secret && field.env && io.env[field.env]).map((field) => [field.key, io.env[field.env as string] as string]));
      profiles.push({ connector: connector.name, name: ENV_PROFILE, values, secretStore: 'file', createdAt: '', updatedAt: '', lastVerified: null, expiresOn: null });
    } else if (unset.length < needed.length) {
      partial.push(`${connector.title} lacks ${unset.map((field) => field.env).join(', ')}`);
    }
  }
  return { profiles, partial };
}

async function selectProfiles(io: Io, session: Session, options: VerifyOptions): Promise<{ profiles: StoredProfile[]; fromEnv: boolean }> {
  const connector = options.connector === undefined ? undefined : findConnector(io.registry, options.connector).name;
  // CONNECTOR_SETUP_PROFILE narrows a plain `verify` as --profile does; --all means every profile.
  const name = options.profile !== undefined || !options.all ? chosenProfileName(options.profile, io.env) : undefined;
  const saved = (await session.store.list()).filter((profile) => connector === undefined || profile.connector === connector);
  const selected = saved.filter((profile) => name === undefined || !name.explicit || profile.name === name.name);
  if (selected.length > 0) return { profiles: selected, fromEnv: false };
  const fromEnv = saved.length === 0 && (!name?.explicit || name.name === ENV_PROFILE) ? await environmentProfiles(io, connector) : { profiles: [], partial: [] };
  if (fromEnv.profiles.length > 0) return { profiles: fromEnv.profiles, fromEnv: true };
  const which = [connector && `connector ${connector}`, name?.explicit && `name "${name.name}"`].filter(Boolean).join(' and ');
  throw new InputError(
    'profile_not_found',
    which ? `No saved profile with ${which}.` : 'There are no saved profiles to verify.',
    fromEnv.partial.length > 0
      ? `Nor a complete set of variables: ${fromEnv.partial.join('; ')}.`
      : ['See ', command('profiles', 'list'), '; run ', command('<connector>'), ' to save one, or set its environment variables (', command('connectors'), ' lists them).'],
  );
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
    ['Finish it: ', command(profile.connector, '--profile', profile.name), '.'],
  );
}

/** What every profile of one batch shares. */
interface Batch {
  /** `--expiring-within DAYS`. */
  failWithinDays: number | undefined;
  /** The profiles are made of the runner's environment variables (nothing was saved). */
  fromEnv: boolean;
  /** Human text from a profile's steps stays out of the batch's output; warnings travel in the result. */
  out: RunOutput;
  passed: VerifiedMark[];
}

/** One saved profile, as `connector-setup <connector> --verify --profile NAME` would check it with nothing else set. */
async function verifyOne(io: Io, session: Session, profile: StoredProfile, batch: Batch): Promise<RunOutcome> {
  let connector: Connector;
  try {
    connector = findConnector(io.registry, profile.connector);
  } catch (error) {
    const unknown = { name: profile.connector, title: profile.connector };
    return failedBeforeRun(unknown, profile.name, asCliError(error, { signal: session.signal, env: io.env, out: io.out }), profile.values);
  }
  const run = await runProfile(session, {
    connector,
    mode: 'verify',
    profile: profile.name,
    // Only the saved profile counts: a batch must not pick up one CI variable for every profile. A runner with no
    // saved profiles verifies its variables instead.
    flags: {},
    env: batch.fromEnv ? io.env : {},
    save: false,
    named: profile.values,
    whenMissing: batch.fromEnv ? undefined : (name) => new InputError('profile_not_found', `The profile "${name}" (${profile.connector}) was removed meanwhile.`),
    out: batch.out,
    failWithinDays: batch.failWithinDays,
    batch: true,
    recordVerified: async (at) => void batch.passed.push({ connector: profile.connector, name: profile.name, at }),
  });
  if (run.kind === 'verified') return run;
  return batch.fromEnv ? run : { ...run, error: incompleteProfile(run.error, profile) };
}

/** A passing profile and when it passed: the batch saves them all in one write at its end. */
interface VerifiedMark {
  connector: string;
  name: string;
  at: Date;
}

/** The profiles passed whatever happens here: a store that cannot take their times is a warning, not a failure. */
async function saveVerifiedTimes(io: Io, session: Session, passed: readonly VerifiedMark[]): Promise<void> {
  try {
    await session.store.markVerified(passed);
  } catch (error) {
    const why = asCliError(error, { signal: session.signal, env: io.env, out: io.out });
    io.out.warn(`The profiles were verified, but their last-verified times could not be saved: ${why.message}`);
  }
}

/** Text for XML: markup escaped, and no control character (XML 1.0 forbids most; a CI page would show the rest). */
function xmlEscape(text: string): string {
  return withoutControls(text).replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JUnit XML as CI systems read it: one testcase per profile; rejected is a failure, could-not-ask an error. */
/** The JUnit XML of a batch; each hint's commands begin with `program`, as the tool was started. */
export function junitReport(outcomes: readonly BatchEntry[], finishedAt: Date, redactor: Redactor, program: readonly string[] = BARE): string {
  // CI systems upload this file: every text in it goes through the run's redactor, and the whole file again.
  const xmlText = (text: string): string => xmlEscape(redactor.redact(text));
  const failures = outcomes.filter((entry) => runExitCode(entry.outcome) === 1).length;
  const errors = outcomes.filter((entry) => ![0, 1].includes(runExitCode(entry.outcome))).length;
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const total = outcomes.reduce((sum, entry) => sum + entry.ms, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="connector-setup verify" tests="${outcomes.length}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
    `  <testsuite name="connector-setup verify" tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(total)}" timestamp="${finishedAt.toISOString()}">`,
  ];
  for (const { outcome: result, ms } of outcomes) {
    const name = xmlText(`${result.connector}/${result.profile ?? 'default'}`);
    lines.push(`    <testcase classname="${xmlText(result.connector)}" name="${name}" time="${seconds(ms)}">`);
    if (result.kind !== 'verified') {
      const tag = runExitCode(result) === 1 ? 'failure' : 'error';
      const fix = result.error.hintFor(program);
      const body = [result.error.message, fix && `Fix: ${fix}`].filter(Boolean).join('\n');
      lines.push(`      <${tag} type="${xmlText(result.error.code)}" message="${xmlText(result.error.message)}">${xmlText(body)}</${tag}>`);
    }
    if (result.warnings.length > 0) lines.push(`      <system-out>${xmlText(result.warnings.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return redactor.redact(lines.join('\n'));
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
function progressLine(io: Io, total: number): { update(done: number, failed: number): void; end(): void } {
  const { out } = io;
  return {
    update(done, failed) {
      const failedText = failed > 0 ? out.paint.red(`, ${failed} failed`) : '';
      if (io.stderr.isTTY) out.status(`${out.paint.cyan('…')} Verifying profiles: ${done}/${total} done${failedText}`);
    },
    end() {
      if (io.stderr.isTTY) out.status('');
    },
  };
}

export async function verifyCommand(io: Io, options: VerifyOptions): Promise<CommandOutcome> {
  const session = openSession(io, { timeout: options.timeout, input: false });
  // Until the report is printed: printing a thousand profiles' document allocates as much as the batch did.
  const releaseHeap = keepHeapSmall();
  try {
    if (session.optionError) throw session.optionError;
    const concurrency = parseCount(options.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
    const failWithinDays = options.expiringWithin === undefined ? undefined : parseCount(options.expiringWithin, '--expiring-within', 0, 0, 3650);
    if (options.junit) await checkJunitTarget(options.junit);
    const { profiles, fromEnv } = await selectProfiles(io, session, options);
    const progress = progressLine(io, profiles.length);
    let done = 0;
    let failed = 0;
    progress.update(0, 0);
    const limit = pLimit(concurrency);
    const batch: Batch = { failWithinDays, fromEnv, out: silentOutput(io.out.program), passed: [] };
    const entries = await Promise.all(
      profiles.map((profile) =>
        limit(async (): Promise<BatchEntry> => {
          const started = performance.now();
          const outcome = await verifyOne(io, session, profile, batch);
          done += 1;
          if (outcome.kind !== 'verified') failed += 1;
          progress.update(done, failed);
          return { outcome, ms: Math.round(performance.now() - started) };
        }),
      ),
    );
    progress.end();
    await saveVerifiedTimes(io, session, batch.passed);
    if (options.junit) await writeJunit(options.junit, junitReport(entries, new Date(io.clock.now()), io.redactor, io.out.program));
    return { kind: 'batch', entries, printed: releaseHeap };
  } catch (error) {
    releaseHeap();
    return { kind: 'failed', error: asCliError(error, { signal: session.signal, env: io.env, out: io.out }), document: { results: [] } };
  } finally {
    await session.close();
  }
}
