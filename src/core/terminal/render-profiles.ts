// How `profiles list` and `profiles show` look: what the commands found (core/outcome.ts ProfileView) laid out as
// labelled lines for people. The renderer (render.ts) calls these; the commands build no text.
import { command } from '../hint.js';
import type { CommandOutcome, ProfileView } from '../outcome.js';
import { oneLine } from '../printable.js';
import type { Output } from './output.js';

/** A value that begins as a moment does (2026-11-24T15:40). Made once: a literal in a function is a new object per call. */
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The moment a value names, as people read it (2026-11-24T15:40:12.345Z -> 2026-11-24 15:40 UTC); any other value as it is. */
function shownValue(value: string): string {
  const time = MOMENT.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? value : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The expiry as list and show print it: its calendar day (as verify words it), with "(expired)" once it has passed. */
function expiryText(expiresOn: string, now: number): string {
  const time = Date.parse(expiresOn);
  if (Number.isNaN(time)) return expiresOn;
  const day = new Date(time).toISOString().slice(0, 10);
  return time <= now ? `${day} (expired)` : day;
}

/** The longest of statusRows' labels, which every profile has. */
const SECRET_STORED_IN = 'Secret stored in';

/** What list and show say of a profile besides its values: where the secret is, when it was last verified, its expiry. */
function statusRows(profile: ProfileView, now: number): string[][] {
  return [
    [SECRET_STORED_IN, profile.secretStoredIn],
    ['Last verified', profile.lastVerified ? shownValue(profile.lastVerified) : 'never'],
    ...(profile.expiresOn ? [['Expires on', expiryText(profile.expiresOn, now)]] : []),
  ];
}

/** Rows as aligned columns; each cell on one line, since saved values come from a file anyone may have edited. */
function table(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map((cell) => oneLine(cell)));
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

/**
 * One profile as labelled lines: its name, each value (on a line of its own under its label when too long for
 * `width`), its status (statusRows, here without a row made for each). A list is a thousand of these: each is one
 * string of its rows added together, and the list joins a thousand of them rather than every piece of every row.
 */
function profileBlock(profile: ProfileView, width: number | undefined, now: number): string {
  const { values } = profile;
  let labelWidth = SECRET_STORED_IN.length;
  for (let index = 0; index < values.length; index += 1) labelWidth = Math.max(labelWidth, (values[index] as { label: string }).label.length);
  let block = `${profile.connector} ${oneLine(profile.name)}`;
  for (let index = 0; index < values.length; index += 1) {
    const { label, value } = values[index] as { label: string; value: string };
    block += row(label, shownValue(value), labelWidth, width);
  }
  block += row(SECRET_STORED_IN, profile.secretStoredIn, labelWidth, width);
  block += row('Last verified', profile.lastVerified ? shownValue(profile.lastVerified) : 'never', labelWidth, width);
  if (profile.expiresOn) block += row('Expires on', expiryText(profile.expiresOn, now), labelWidth, width);
  return block;
}

/** A row of profileBlock: the label, then the value beside it when it fits `width`, else on the next line. */
function row(label: string, text: string, labelWidth: number, width: number | undefined): string {
  const value = oneLine(text);
  if (!width || 2 + labelWidth + 2 + value.length <= width) return rowStart(label, labelWidth) + value;
  return `\n  ${label}\n    ${value}`;
}

/** What comes before a value beside its label, by label and width: a list has a few of each, made once. */
const ROW_STARTS = new Map<string, string[]>();

/** A new line, the label, and the spaces that pad it to `labelWidth` and two more. */
function rowStart(label: string, labelWidth: number): string {
  let byWidth = ROW_STARTS.get(label);
  if (!byWidth) ROW_STARTS.set(label, (byWidth = []));
  return (byWidth[labelWidth] ??= `\n  ${label}${' '.repeat(labelWidth - label.length + 2)}`);
}

export function renderProfileList(out: Output, outcome: Extract<CommandOutcome, { kind: 'profile-list' }>): void {
  if (out.json) return out.printJson(outcome.json);
  if (outcome.profiles.length === 0) return out.say(out.hint(['No saved profiles. Run ', command('<connector>'), ' to make one.']));
  // One block per profile, its values under their labels: it fits a terminal of any width, and a pipe gets the
  // same lines whatever the width (scripts read --json).
  const width = out.dataWidth();
  const blocks = outcome.profiles.map((profile) => profileBlock(profile, width, outcome.now));
  // One write for the whole list, the blocks an empty line apart.
  out.data(blocks.join('\n\n'));
}

export function renderProfileShown(out: Output, outcome: Extract<CommandOutcome, { kind: 'profile-shown' }>): void {
  const { profile, revealSecrets } = outcome;
  outcome.warnings.forEach((warning) => out.warn(out.hint(warning)));
  if (out.json) return out.printJson(outcome.json, { revealSecrets });
  const rows = [
    ['Connector', profile.connector],
    ['Profile', profile.name],
    ...profile.values.map(({ label, value }) => [label, shownValue(value)]),
    ...statusRows(profile, outcome.now),
  ];
  table(rows).forEach((line) => out.data(line, { revealSecrets }));
  if (revealSecrets || outcome.copyable === undefined) return;
  const show = (...flags: string[]) => command('profiles', 'show', profile.connector, profile.name, ...flags);
  out.say(out.paint.dim(out.hint(['Secrets are masked. Reveal them: ', show('--show-secrets'), '; or copy one: ', show('--copy', outcome.copyable)])));
}
