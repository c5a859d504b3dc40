// The one place a command's outcome becomes output: human text on stderr (data on stdout), or exactly one JSON
// document on stdout under --json, always through the redactor of the Output.
import { type BatchEntry, type CommandOutcome, type RunOutcome, runDocument, runExitCode, toErrorJson } from '../outcome.js';
import type { Output } from './output.js';
import { type Hint, command } from '../hint.js';
import { maskSecret } from '../redact.js';
import { copiedLine } from './clipboard.js';
import { renderProfileList, renderProfileShown } from './render-profiles.js';

/** The command that shows a profile's secrets. */
export function revealCommand(connector: string, profile: string): Hint {
  return [command('profiles', 'show', connector, profile, '--show-secrets')];
}

/** 2031-11-22T20:06:24.831Z -> 2031-11-22, as verify words it; anything unparseable is shown as it is. */
function calendarDay(expiresOn: string): string {
  const time = Date.parse(expiresOn);
  return Number.isNaN(time) ? expiresOn : new Date(time).toISOString().slice(0, 10);
}

function renderRun(out: Output, run: RunOutcome, showSecrets: boolean): void {
  run.savedNotes?.forEach((note) => out.warn(note));
  if (run.kind !== 'verified') {
    // A refusal the wizard showed just before "Quit" is not repeated in full; its code still ends the run.
    if (run.shown) out.say(`${out.paint.red('✖')} Stopped. ${out.paint.dim(`[${run.error.code}]`)}`);
    else out.failure(run.error);
    return;
  }
  if (run.savedIn) out.say(`Saved profile "${run.profile ?? ''}" (${run.connector}) in ${run.savedIn}.`);
  run.warnings.forEach((warning) => out.warn(warning));
  if (run.mode === 'plan') {
    out.say(out.paint.green('✔ Dry run: nothing was created or changed.'));
    return;
  }
  out.say(out.paint.green(`✔ ${run.title} ${run.mode === 'verify' ? 'credentials work' : 'setup verified'}.`));
  if (run.mode === 'verify') return;
  out.say();
  out.say(out.paint.bold(`Enter these in ${run.cyclrLocation}:`));
  const width = Math.max(...run.cyclrValues.map((entry) => entry.label.length));
  // A hidden secret names the command that shows it, complete with its profile.
  const revealedBy = run.heldIn ? out.hint(revealCommand(run.connector, run.heldIn)) : '--show-secrets';
  for (const entry of run.cyclrValues) {
    // Under --json the run is a script's: secrets stay masked even with --show-secrets.
    const reveal = entry.secret && showSecrets && !out.json;
    const shown = entry.secret && !reveal ? `${maskSecret(entry.value, entry.password ? 'password' : 'secret')}  ${out.paint.dim(`(${revealedBy} reveals it)`)}` : entry.value;
    out.say(`  ${entry.label.padEnd(width)}  ${shown}`, { revealSecrets: reveal });
  }
  if (run.expiresOn) out.say(`  ${out.paint.dim(`The application expires on ${calendarDay(run.expiresOn)}.`)}`);
}

/** One row per profile, then a one-line summary; the table is data (stdout), the summary human text. */
function renderBatch(out: Output, entries: readonly BatchEntry[]): void {
  const rows = [['PROFILE', 'RESULT', 'TIME', 'HINT']];
  for (const { outcome, ms } of entries) {
    const fix = outcome.kind === 'verified' ? '' : outcome.error.hintFor(out.program);
    const hint = outcome.kind === 'verified' ? outcome.warnings.join(' ') : [outcome.error.message, fix && `Fix: ${fix}`].filter(Boolean).join(' ');
    const result = outcome.kind === 'verified' ? (outcome.warnings.length ? 'ok (warning)' : 'ok') : outcome.error.code;
    rows.push([`${outcome.connector}/${outcome.profile ?? 'default'}`, result, `${ms} ms`, hint]);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) out.data(row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd());
  const passed = entries.filter((entry) => entry.outcome.kind === 'verified').length;
  const line = `${passed} of ${entries.length} profile${entries.length === 1 ? '' : 's'} passed.`;
  out.say(passed === entries.length ? out.paint.green(`✔ ${line}`) : out.paint.red(`✖ ${line}`));
}

export function render(out: Output, outcome: CommandOutcome): void {
  switch (outcome.kind) {
    case 'run':
      // Human text goes to stderr under --json too; stdout then holds only the document.
      renderRun(out, outcome.run, outcome.showSecrets);
      // A warning from below the run (a secrets file others can read, a wait for another run's save) reached stderr: it joins the document.
      if (out.json) out.printJson(runDocument({ ...outcome.run, warnings: [...new Set([...outcome.run.warnings, ...out.warned])] }, out.program));
      return;
    case 'batch': {
      const ok = outcome.entries.every((entry) => runExitCode(entry.outcome) === 0);
      if (out.json) out.printJson({ ok, results: outcome.entries.map((entry) => runDocument(entry.outcome, out.program)) });
      else renderBatch(out, outcome.entries);
      return;
    }
    case 'data': {
      const revealSecrets = outcome.revealSecrets ?? false;
      outcome.warnings?.forEach((warning) => out.warn(out.hint(warning)));
      if (out.json && outcome.json !== undefined) out.printJson(outcome.json, { revealSecrets });
      // One write for all the lines (an export of many profiles, a long table).
      else if (outcome.lines.length > 0) out.data(outcome.lines.join('\n'), { revealSecrets });
      // A note is for a person; under --json the document says it all.
      if (outcome.note && !out.json) out.say(out.hint(outcome.note));
      return;
    }
    case 'profile-list':
      return renderProfileList(out, outcome);
    case 'profile-shown':
      return renderProfileShown(out, outcome);
    case 'profile-copied':
      if (out.json) out.printJson(outcome.json);
      out.say(copiedLine(out, outcome.what, outcome.copy));
      return;
    case 'failed':
      if (out.json) out.printJson({ ok: false, ...outcome.document, error: toErrorJson(outcome.error, out.program) });
      out.failure(outcome.error);
      return;
  }
}
