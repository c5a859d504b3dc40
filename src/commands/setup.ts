// `connector-setup <connector>` and `connector-setup <connector> --verify`:
// resolve values -> connector steps -> verify -> save -> render.
import type { ConnectorDefinition } from '../connectors/types.js';
import { CliError, type ExitCode, InputError, InterruptedError, toErrorJson } from '../core/errors.js';
import type { ProfileWithSecrets } from '../core/profile-store.js';
import { parseProfileName } from '../core/profile-store.js';
import { type Redactor, maskSecret } from '../core/redact.js';
import { stdinField } from '../core/resolve.js';
import { createRunContext } from '../core/run-context.js';
import type { RunContext, RunResult, SetupSummary } from '../core/run.js';
import { type GeneralOptions, type Session, openSession } from '../core/session.js';
import { readStdinLine } from '../core/stdin.js';
import { checkedValues, verifyWithExpiry, warnAboutExpiry } from '../core/verification.js';
import { refusalShown } from '../core/wizard.js';

export interface SetupOptions extends GeneralOptions {
  verify?: boolean;
  save?: boolean;
  [option: string]: unknown;
}

function sameValues(summary: SetupSummary, saved: ProfileWithSecrets): boolean {
  const equal = (a: Record<string, string>, b: Record<string, string>): boolean =>
    Object.entries(a).every(([key, value]) => b[key] === value);
  return equal(summary.values, saved.values) && equal(summary.secrets, saved.secrets);
}

async function buildContext(session: Session, connector: ConnectorDefinition, options: SetupOptions): Promise<RunContext> {
  const profileName = parseProfileName(options.profile ?? 'default');
  const interactive = !options.verify && session.canPrompt;
  connector.prepareOptions?.(options);
  const fromStdin = stdinField(connector.fields, options);
  const stdinLine = fromStdin ? await readStdinLine({ field: fromStdin, signal: session.signal, mayAsk: options.input !== false }) : undefined;
  const saved = await session.store.get(connector.name, profileName);
  if (!saved && options.profile !== undefined && options.verify) {
    throw new InputError('profile_not_found', `No ${connector.title} profile named "${profileName}".`, 'See connector-setup profiles list.');
  }
  const savedFrom = `the saved profile "${profileName}" in ${session.store.directory}`;
  return createRunContext({ session, connector, profileName, options, env: process.env, saved, savedFrom, stdinLine, interactive });
}

/** 2031-11-22T20:06:24.831Z -> 2031-11-22, as verify words it; anything unparseable is shown as it is. */
function calendarDay(expiresOn: string): string {
  const time = Date.parse(expiresOn);
  return Number.isNaN(time) ? expiresOn : new Date(time).toISOString().slice(0, 10);
}

function renderSuccess(session: Session, context: RunContext, summary: SetupSummary, verb: string, options: SetupOptions): void {
  const { out } = session;
  context.warnings.forEach((warning) => out.warn(warning));
  out.say(out.paint.green(`✔ ${context.connector.title} ${verb}.`));
  if (options.verify) return;
  out.say();
  out.say(out.paint.bold(`Enter these in ${context.connector.cyclrLocation}:`));
  const width = Math.max(...summary.cyclrValues.map((entry) => entry.label.length));
  for (const entry of summary.cyclrValues) {
    // Under --json the run is a script's: secrets stay masked even with --show-secrets.
    const reveal = entry.secret && Boolean(options.showSecrets) && !out.json;
    const shown = entry.secret && !reveal ? `${maskSecret(entry.value)}  ${out.paint.dim('(--show-secrets to reveal)')}` : entry.value;
    out.say(`  ${entry.label.padEnd(width)}  ${shown}`, { revealSecrets: reveal });
  }
  if (summary.expiresOn) out.say(`  ${out.paint.dim(`The application expires on ${calendarDay(summary.expiresOn)}.`)}`);
}

export function unexpected(error: unknown, redactor?: Redactor): CliError {
  if (process.env.CONNECTOR_SETUP_DEBUG) {
    const stack = (error as Error)?.stack ?? String(error);
    process.stderr.write(`${redactor ? redactor.redact(stack) : stack}\n`);
  }
  return new CliError('internal_error', `Unexpected problem: ${(error as Error)?.message ?? String(error)}`, 'Run again with CONNECTOR_SETUP_DEBUG=1 and report it.', 1);
}

export async function runSetup(connector: ConnectorDefinition, options: SetupOptions): Promise<ExitCode> {
  const session = await openSession(options);
  const result: RunResult = { ok: false, connector: connector.name, profile: null, checks: [], values: {}, warnings: [], error: null };
  let exitCode: ExitCode = 0;
  let context: RunContext | undefined;
  try {
    // A bad --timeout is reported like any other bad input, in the run's own JSON document.
    if (session.optionError) throw session.optionError;
    context = await buildContext(session, connector, options);
    result.profile = options.save === false && !options.verify ? null : context.profileName;
    result.checks = context.checks;
    result.warnings = context.warnings;
    if (options.verify) result.values = checkedValues(context);
    if (!options.verify && options.save !== false) await session.store.checkSecretStore();
    // Notices about the input (e.g. a trimmed secret) were printed already; --json carries them as warnings.
    if (session.out.json) context.warnings.push(...context.resolved.notices);
    let summary: SetupSummary;
    if (options.verify) {
      summary = await verifyWithExpiry(context);
    } else {
      summary = await (await connector.load()).setup(context);
      warnAboutExpiry(context, summary.expiresOn);
    }
    result.values = summary.values;
    const now = new Date();
    if (options.verify) {
      if (context.saved && sameValues(summary, context.saved)) await session.store.markVerified(connector.name, context.profileName, now);
    } else if (options.save !== false) {
      await session.store.update(connector.name, context.profileName, {
        values: summary.values,
        secrets: summary.secrets,
        lastVerified: now.toISOString(),
        ...(summary.expiresOn !== undefined ? { expiresOn: summary.expiresOn } : {}),
      });
      session.out.say(`Saved profile "${context.profileName}" (${connector.name}) in ${session.store.directory}.`);
    }
    result.ok = true;
    renderSuccess(session, context, summary, options.verify ? 'credentials work' : 'setup verified', options);
  } catch (caught) {
    const error = caught instanceof CliError ? caught : session.signal.aborted ? new InterruptedError() : unexpected(caught, session.redactor);
    result.error = toErrorJson(error);
    // CI must see which application failed: the non-secret values resolved or collected so far (never secrets).
    if (context) result.values = checkedValues(context);
    // The profile asked for by name is the one the document is about, even when it does not exist (the name was checked).
    if (error.code === 'profile_not_found' && typeof options.profile === 'string') result.profile = options.profile;
    exitCode = error.exitCode;
    // A refusal the wizard showed just before "Quit" is not repeated in full; its code still ends the run.
    if (refusalShown(error)) session.out.say(`${session.out.paint.red('✖')} Stopped. ${session.out.paint.dim(`[${error.code}]`)}`);
    else session.out.failure(error);
  } finally {
    await session.close();
  }
  if (session.out.json) session.out.printJson(result);
  await session.out.flush();
  return exitCode;
}
