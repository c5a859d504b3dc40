// One redaction layer for everything the process prints or writes: it knows every secret value of the run (flags,
// stdin, environment, profile, and what servers hand back) and hides it in every encoding a server plausibly echoes
// it in. Terminal, JSON, JUnit and every file the tool writes go through redact(); words from outside go through
// quote() first.
//
// The rule. redact() hides every secret of at least MIN_SECRET_LENGTH characters wherever it appears whole in the
// text, read
//   - as it is, and with escape sequences and control characters (which a terminal does not show) left out;
//   - decoded, once or twice over (one kind per layer): percent-encoding in either case (`%2f`, `%2F`, UTF-8 bytes, `%uXXXX`),
//     `+` as a space or as itself, JSON and JavaScript escapes (`\"`, `\/`, `\u002f`, `\x2f`), HTML entities
//     (`&#47;`, `&#x2F;`, `&sol;`);
//   - as base64 or base64url, when a run of such characters decodes to text holding it (the secret, or `id:secret`
//     as HTTP Basic sends it): the whole run is hidden.
// quote(), for what a server or a file says, also hides every run of FRAGMENT_LENGTH or more consecutive characters
// of a secret (a prefix or suffix a server cut, read the same ways), and only then cuts to length. Fragments are
// looked for only there, where they can come from: our own words (hints, commands) are never cut from a secret, and
// a password that holds an ordinary word ("invenias", "password") must not blank that word out of every hint.
// Each stretch of the text that holds a hidden part becomes one `[redacted]`.

import { ESCAPE_SEQUENCE, oneLine } from './printable.js';

/** Shorter secrets are refused as input (see parseSecret): hiding every 3-letter run would blank out ordinary text. */
export const MIN_SECRET_LENGTH = 4;
/** A run of this many characters of a secret is as secret as the whole. */
export const FRAGMENT_LENGTH = 8;
export const REDACTED = '[redacted]';

/** A text as read one way, each character mapped back to the stretch [start, end) of the original it stands for. */
interface Reading {
  text: string;
  start: Int32Array;
  end: Int32Array;
}

/**
 * A text as read one way, its characters in the order of the original's: [from, to) of it stands for the stretch
 * stretch(from, to) of the original (with what was left out between them), so no map of every character is kept.
 */
interface InOrder {
  text: string;
  stretch(from: number, to: number): [number, number];
}

/** The text as a terminal shows it, and which characters of the original it left out. */
interface Visible extends InOrder {
  /** Indexed by the original's characters (1: left out); empty when nothing was left out. */
  skipped: Uint8Array;
  /** The same reading mapped character by character, for a decoding of it (made only then). */
  reading(): Reading;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", sol: '/', bsol: '\\', plus: '+', equals: '=', num: '#', excl: '!',
  dollar: '$', percnt: '%', lpar: '(', rpar: ')', ast: '*', midast: '*', comma: ',', period: '.', colon: ':', semi: ';',
  quest: '?', commat: '@', lsqb: '[', lbrack: '[', rsqb: ']', rbrack: ']', hat: '^', lowbar: '_', grave: '`',
  lcub: '{', lbrace: '{', verbar: '|', vert: '|', rcub: '}', rbrace: '}', nbsp: ' ', tab: '\t', newline: '\n',
};
const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
// eslint-disable-next-line no-control-regex
const HIDDEN_IN_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;
/** Base64 and base64url characters, by character code. */
const BASE64_CHARACTER = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_CHARACTER[character.charCodeAt(0)] = 1;
/** Long enough to hold a 4-character secret. */
const BASE64_MIN_RUN = 6;

/**
 * Calls `found` with each run of base64 characters of `text` at least BASE64_MIN_RUN long, with up to two `=` after
 * it (what /[A-Za-z0-9+/_-]{6,}={0,2}/g matches), without a match object for every word of a long report.
 */
function base64Runs(text: string, found: (from: number, to: number) => void): void {
  const isBase64 = (index: number): boolean => {
    const code = text.charCodeAt(index);
    return code < 128 && BASE64_CHARACTER[code] === 1;
  };
  for (let index = 0; index < text.length; index += 1) {
    if (!isBase64(index)) continue;
    let end = index + 1;
    while (end < text.length && isBase64(end)) end += 1;
    if (end - index >= BASE64_MIN_RUN) {
      for (let padding = 0; padding < 2 && text.charCodeAt(end) === 61; padding += 1) end += 1;
      found(index, end);
    }
    index = end - 1;
  }
}
/** How much of a server's answer quote() reads at most, and how much of that only to judge what comes before. */
const QUOTE_WINDOW = 16 * 1024;
const QUOTE_EDGE = 256;
const HEX = /^[0-9a-f]+$/i;

/** 0, 1, 2, ...: identity readings are views of it, so reading a long text as it is allocates nothing. */
let counting = new Int32Array(0);

function identity(text: string): Reading {
  if (counting.length < text.length + 1) {
    counting = new Int32Array(Math.max(text.length + 1, counting.length * 2, 1024));
    for (let index = 0; index < counting.length; index += 1) counting[index] = index;
  }
  return { text, start: counting.subarray(0, text.length), end: counting.subarray(1, text.length + 1) };
}

const HIDDEN_IN_TERMINAL_ALL = new RegExp(HIDDEN_IN_TERMINAL.source, 'gu');

/** The text as it is, read in order. */
function asItIs(text: string): InOrder {
  return { text, stretch: (from, to) => [from, to] };
}

const isHighSurrogate = (code: number): boolean => (code & 0xfc00) === 0xd800;
const isLowSurrogate = (code: number): boolean => (code & 0xfc00) === 0xdc00;

/** The text as a terminal shows it: escape sequences and control characters left out. */
function visible(text: string): Visible {
  if (!HIDDEN_IN_TERMINAL.test(text)) return { ...asItIs(text), skipped: new Uint8Array(0), reading: () => identity(text) };
  const skipped = new Uint8Array(text.length);
  for (const match of text.matchAll(ESCAPE_SEQUENCE)) skipped.fill(1, match.index, match.index + match[0].length);
  for (const match of text.matchAll(HIDDEN_IN_TERMINAL_ALL)) skipped.fill(1, match.index, match.index + match[0].length);
  // What is left, as stretches of the original (where each starts in what is shown, and in the original): a long
  // report is kept in one piece per line instead of a map of every character. A surrogate pair is never split.
  const shownAt: number[] = [];
  const originalAt: number[] = [];
  const originalEnd: number[] = [];
  const parts: string[] = [];
  let length = 0;
  let from = -1;
  for (let index = 0; index <= text.length; index += 1) {
    if (index === text.length || skipped[index]) {
      if (from >= 0) {
        parts.push(text.slice(from, index));
        shownAt.push(length);
        originalAt.push(from);
        originalEnd.push(index);
        length += index - from;
      }
      from = -1;
      continue;
    }
    if (from < 0) from = index;
    if (isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1))) index += 1;
  }
  /** The stretch of the original that shown character `at` stands for: both halves of a pair stand for the pair. */
  const unit = (at: number): [number, number] => {
    let low = 0;
    let high = shownAt.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((shownAt[middle] ?? 0) <= at) low = middle;
      else high = middle - 1;
    }
    const first = originalAt[low] ?? 0;
    const index = first + (at - (shownAt[low] ?? 0));
    if (isHighSurrogate(text.charCodeAt(index)) && index + 1 < (originalEnd[low] ?? 0) && isLowSurrogate(text.charCodeAt(index + 1))) return [index, index + 2];
    if (isLowSurrogate(text.charCodeAt(index)) && index - 1 >= first && isHighSurrogate(text.charCodeAt(index - 1))) return [index - 1, index + 1];
    return [index, index + 1];
  };
  return {
    text: parts.join(''),
    skipped,
    stretch: (start, end) => [unit(start)[0], unit(end - 1)[1]],
    reading: () => {
      const start = new Int32Array(length);
      const end = new Int32Array(length);
      for (let at = 0; at < length; at += 1) [start[at], end[at]] = unit(at);
      return { text: parts.join(''), start, end };
    },
  };
}

/** Bytes of consecutive `%XX` at `index` that make one UTF-8 character: its text and how many source characters. */
function percentCharacter(text: string, index: number): { char: string; length: number } | undefined {
  const byteAt = (at: number): number | undefined => {
    const hex = text.slice(at + 1, at + 3);
    return text[at] === '%' && hex.length === 2 && HEX.test(hex) ? Number.parseInt(hex, 16) : undefined;
  };
  const lead = byteAt(index);
  if (lead === undefined) return undefined;
  const count = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (count === 0) return { char: String.fromCharCode(lead), length: 3 };
  const bytes = [lead];
  for (let more = 1; more < count; more += 1) {
    const byte = byteAt(index + more * 3);
    if (byte === undefined || byte < 0x80 || byte > 0xbf) return { char: String.fromCharCode(lead), length: 3 };
    bytes.push(byte);
  }
  return { char: Buffer.from(bytes).toString('utf8'), length: count * 3 };
}

/** One kind of encoding a server may echo a secret in. */
type Encoding = 'percent' | 'form' | 'json' | 'html';

/** The escape of `encoding` that starts at `index`: what it stands for and its length, or undefined. */
function escapeAt(text: string, index: number, encoding: Encoding): { char: string; length: number } | undefined {
  const head = text[index];
  if (head === '+' && encoding === 'form') return { char: ' ', length: 1 };
  if (head === '%' && (encoding === 'percent' || encoding === 'form')) {
    const wide = /^%u([0-9a-f]{4})/i.exec(text.slice(index, index + 6));
    if (wide) return { char: String.fromCharCode(Number.parseInt(wide[1] ?? '0', 16)), length: 6 };
    return percentCharacter(text, index);
  }
  if (head === '\\' && encoding === 'json') {
    const rest = text.slice(index + 1, index + 6);
    const unicode = /^u([0-9a-f]{4})/i.exec(rest);
    if (unicode) return { char: String.fromCharCode(Number.parseInt(unicode[1] ?? '0', 16)), length: 6 };
    const byte = /^x([0-9a-f]{2})/i.exec(rest);
    if (byte) return { char: String.fromCharCode(Number.parseInt(byte[1] ?? '0', 16)), length: 4 };
    const simple = JSON_ESCAPES[rest[0] ?? ''];
    return simple === undefined ? undefined : { char: simple, length: 2 };
  }
  if (head === '&' && encoding === 'html') {
    const entity = /^&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));?/i.exec(text.slice(index, index + 12));
    if (!entity) return undefined;
    if (entity[3] !== undefined) {
      const named = NAMED_ENTITIES[entity[3].toLowerCase()];
      return named === undefined ? undefined : { char: named, length: entity[0].length };
    }
    const codePoint = entity[1] !== undefined ? Number(entity[1]) : Number.parseInt(entity[2] ?? '0', 16);
    return codePoint <= 0x10ffff ? { char: String.fromCodePoint(codePoint), length: entity[0].length } : undefined;
  }
  return undefined;
}

/** Where an escape of each encoding may start (global: scanned from a position on). */
const ESCAPE_STARTS: Record<Encoding, RegExp> = { percent: /%/g, form: /[%+]/g, json: /\\/g, html: /&/g };
/** Where an escape of any of them may start: a text without one reads the same decoded. */
const ANY_ESCAPE_START = /[%+\\&]/;
/** What hiddenStretches gives a text with nothing to hide (read only). */
const NOTHING_HIDDEN = new Uint8Array(0);

/**
 * One layer of `encoding` decoded; undefined when there was nothing to decode. The text between escapes is copied
 * a stretch at a time: a long answer or report is mostly plain text, and a layer never grows it (every escape
 * stands for fewer characters than it takes).
 */
function decoded(reading: Reading, encoding: Encoding): Reading | undefined {
  const { text } = reading;
  const escapes = ESCAPE_STARTS[encoding];
  escapes.lastIndex = 0;
  let next = escapes.exec(text);
  if (!next) return undefined;
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  const parts: string[] = [];
  let length = 0;
  let index = 0;
  let changed = false;
  const keep = (to: number): void => {
    if (to === index) return;
    parts.push(text.slice(index, to));
    if (to - index > 32) {
      start.set(reading.start.subarray(index, to), length);
      end.set(reading.end.subarray(index, to), length);
      length += to - index;
      index = to;
    }
    for (; index < to; index += 1, length += 1) {
      start[length] = reading.start[index] ?? 0;
      end[length] = reading.end[index] ?? 0;
    }
  };
  while (next) {
    keep(next.index);
    const escape = escapeAt(text, index, encoding);
    if (escape) {
      changed = true;
      const from = reading.start[index] ?? 0;
      const to = reading.end[index + escape.length - 1] ?? from;
      parts.push(escape.char);
      for (let unit = 0; unit < escape.char.length; unit += 1, length += 1) {
        start[length] = from;
        end[length] = to;
      }
      index += escape.length;
    } else keep(index + 1);
    escapes.lastIndex = index;
    next = escapes.exec(text);
  }
  keep(text.length);
  return changed ? { text: parts.join(''), start: start.subarray(0, length), end: end.subarray(0, length) } : undefined;
}

const ENCODINGS: readonly Encoding[] = ['percent', 'form', 'json', 'html'];

/**
 * Every way the text is read: as it is, as a terminal shows it, and decoded one or two layers deep, one encoding per
 * layer (JSON-escaped percent-encoding, percent-encoded twice, ...). One kind at a time, so a secret that itself
 * holds something escape-like (`&amp`, `\\b`) is not decoded inside its own echo.
 */
function readings(text: string, shown: Visible): (Reading | InOrder)[] {
  // When nothing was left out, the text as it is and as shown are the same reading.
  const all: (Reading | InOrder)[] = shown.text.length === text.length ? [shown] : [asItIs(text), shown];
  // Mapped character by character only when there is something to decode.
  if (!ANY_ESCAPE_START.test(shown.text)) return all;
  const base = shown.reading();
  for (const outer of ENCODINGS) {
    const once = decoded(base, outer);
    if (!once) continue;
    all.push(once);
    for (const inner of ENCODINGS) {
      const twice = decoded(once, inner);
      if (twice) all.push(twice);
    }
  }
  return all;
}

/**
 * Secrets by their first MIN_SECRET_LENGTH characters, so a text is read once for all of them: a batch knows a
 * thousand secrets or more, and looking for each in turn would read every text a thousand times.
 */
class SecretIndex {
  /** A quick "no" for most positions: a bit per hash of the first characters. */
  private readonly seen = new Uint8Array(1 << 16);
  private readonly byStart = new Map<number, string[]>();

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) this.add(secret);
  }

  /** One more secret: a batch learns one or two per profile, and rebuilding the index for each costs a read of them all. */
  add(secret: string): void {
    const key = startKey(secret, 0);
    this.seen[key & 0xffff] = 1;
    const list = this.byStart.get(key);
    if (list) list.push(secret);
    else this.byStart.set(key, [secret]);
  }

  /** Calls `found` with each [from, to) stretch of `text` that is one of the secrets. */
  find(text: string, found: (from: number, to: number) => void): void {
    for (let index = 0; index + MIN_SECRET_LENGTH <= text.length; index += 1) {
      const key = startKey(text, index);
      if (this.seen[key & 0xffff] === 0) continue;
      for (const secret of this.byStart.get(key) ?? []) {
        if (text.startsWith(secret, index)) found(index, index + secret.length);
      }
    }
  }
}

/** A hash of the MIN_SECRET_LENGTH characters from `index` on. */
function startKey(text: string, index: number): number {
  let key = 0;
  for (let offset = 0; offset < MIN_SECRET_LENGTH; offset += 1) key = (Math.imul(key, 31) + text.charCodeAt(index + offset)) | 0;
  return key >>> 0;
}

/** Every run of FRAGMENT_LENGTH characters of `secret`. */
function addFragments(fragments: Set<string>, secret: string): void {
  for (let index = 0; index + FRAGMENT_LENGTH <= secret.length; index += 1) fragments.add(secret.slice(index, index + FRAGMENT_LENGTH));
}

/** Up to this many secrets, each is looked for in turn (indexOf is fastest for a few). */
const FEW_SECRETS = 16;
/** redact() remembers texts up to this long (keys, names, values), and this many of them. */
const REMEMBERED_LENGTH = 256;
const REMEMBERED_TEXTS = 8192;

/** What a run's steps, and the calls they make, use of its redactor: a secret made known, text cleaned of the known ones. */
export interface Redaction {
  /** Registers a secret: from then on it is hidden in everything printed, written or passed to a child. */
  add(secret: string | undefined): void;
  /** True when `value` holds a secret or 8 characters of one. */
  reveals(value: string): boolean;
  redact(text: string): string;
  /** Words from outside on one line, redacted, cut to `maxLength` never inside a `[redacted]`. */
  quote(text: string, maxLength: number): string;
}

export class Redactor implements Redaction {
  private readonly secrets = new Set<string>();
  /** The secrets (whole, and the short ones) indexed for one read of a text; add() adds to it. */
  private index: { whole: SecretIndex; short: SecretIndex } | undefined;
  /** Every run of FRAGMENT_LENGTH characters of every secret, once looked for. */
  private fragments: Set<string> | undefined;
  /** Secrets shorter than FRAGMENT_LENGTH, matched whole. */
  private readonly shortSecrets = new Set<string>();
  /** Base64 runs already decoded (the same words recur in every line), until the next secret is added. */
  private readonly base64Seen = { whole: new Map<string, boolean>(), fragments: new Map<string, boolean>() };
  /**
   * Short texts already redacted, until the next secret is added: a batch's report repeats the same keys, check
   * names and values a thousand times over.
   */
  private readonly redacted = new Map<string, string>();

  /** Registers a secret; it is hidden whole and encoded, and in part in words from outside (see the rule above). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.index?.whole.add(secret);
    if (secret.length < FRAGMENT_LENGTH) this.index?.short.add(secret);
    this.base64Seen.whole.clear();
    this.base64Seen.fragments.clear();
    this.redacted.clear();
    if (secret.length < FRAGMENT_LENGTH) this.shortSecrets.add(secret);
    if (this.fragments) addFragments(this.fragments, secret);
  }

  /** True when `value` holds a secret or 8 characters of one (e.g. an environment variable holding a secret). */
  reveals(value: string): boolean {
    return this.secrets.size > 0 && this.hiddenStretches(value, true).some(Boolean);
  }

  /** Every secret hidden wherever it appears whole, in any encoding (see the rule above). */
  redact(text: string): string {
    if (text.length > REMEMBERED_LENGTH) return this.redactPart(text, text.length, false);
    let result = this.redacted.get(text);
    if (result === undefined) {
      result = this.redactPart(text, text.length, false);
      if (this.redacted.size >= REMEMBERED_TEXTS) this.redacted.clear();
      this.redacted.set(text, result);
    }
    return result;
  }

  /**
   * The first `keep` characters of `text`, redacted as part of the whole of `text` (so its edge is judged too);
   * `fragments`: runs of FRAGMENT_LENGTH characters of a secret are hidden too.
   */
  private redactPart(text: string, keep: number, fragments: boolean): string {
    if (this.secrets.size === 0 || text === '') return text.slice(0, keep);
    const hidden = this.hiddenStretches(text, fragments);
    // Copied a stretch at a time: a report of a thousand profiles is one text.
    const parts: string[] = [];
    const end = Math.min(keep, text.length);
    let from = 0;
    for (let index = hidden.indexOf(1); index !== -1 && index < end; index = hidden.indexOf(1, index)) {
      parts.push(text.slice(from, index), REDACTED);
      from = hidden.indexOf(0, index);
      if (from === -1) from = text.length;
      index = from;
    }
    if (from < end) parts.push(text.slice(from, end));
    return parts.join('');
  }

  /** Every string in a JSON-like value redacted (keys too), before it is serialised. */
  redactDeep<T>(value: T): T {
    // No secret known: a copy would serialise the same (a thousand profiles' list is copied for nothing).
    if (this.secrets.size === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    // What holds nothing to hide serialises the same as its copy: only what does is copied (a batch's document
    // of a thousand profiles is otherwise copied whole, for nothing).
    if (Array.isArray(value)) {
      const items = value.map((item: unknown) => this.redactDeep(item));
      return (items.every((item, index) => item === value[index]) ? value : items) as T;
    }
    const prototype = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    // Plain objects only: anything else (a Date) serialises its own way, and the serialised text is redacted too.
    if (prototype === Object.prototype || prototype === null) {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      const items = keys.map((key) => this.redactDeep(record[key]));
      if (keys.every((key, index) => this.redact(key) === key && items[index] === record[key])) return value;
      return Object.fromEntries(keys.map((key, index) => [this.redact(key), items[index]])) as T;
    }
    return value;
  }

  /**
   * Words from outside (a server's message, a saved value) as they may be quoted: on one line without escape
   * sequences or control characters, redacted, and only then cut to `maxLength` with `…`, never inside a
   * `[redacted]`, so a cut can never leave part of a secret behind.
   */
  quote(text: string, maxLength: number): string {
    // A huge answer is read only as far as could ever be shown; its last QUOTE_EDGE characters only to judge the
    // ones before them, since a secret may run past the edge.
    const bounded = this.redactPart(text.slice(0, QUOTE_WINDOW), text.length > QUOTE_WINDOW ? QUOTE_WINDOW - QUOTE_EDGE : text.length, true);
    const safe = this.redactPart(oneLine(bounded), Infinity, true);
    if (safe.length <= maxLength) return safe;
    let end = maxLength;
    for (let at = safe.indexOf(REDACTED); at !== -1 && at < end; at = safe.indexOf(REDACTED, at + 1)) {
      if (at + REDACTED.length > end) end = at;
    }
    // Nor inside a character written as two UTF-16 units.
    if (/[\ud800-\udbff]/.test(safe[end - 1] ?? '')) end -= 1;
    return `${safe.slice(0, end).trimEnd()}…`;
  }

  /** For each character of `text`: does it belong to a stretch that shows (part of) a secret? */
  private hiddenStretches(text: string, fragments: boolean): Uint8Array {
    if (!HIDDEN_IN_TERMINAL.test(text) && !ANY_ESCAPE_START.test(text)) return this.plainHidden(text, fragments);
    const hidden = new Uint8Array(text.length);
    const hide = (reading: Reading | InOrder, from: number, to: number): void => {
      // In order, what is left out between two hidden characters is hidden with them (as below, for every reading).
      if ('stretch' in reading) hidden.fill(1, ...reading.stretch(from, to));
      else for (let index = from; index < to; index += 1) hidden.fill(1, reading.start[index] ?? 0, reading.end[index] ?? 0);
    };
    const shown = visible(text);
    for (const reading of readings(text, shown)) {
      this.matches(reading.text, fragments, (from, to) => hide(reading, from, to));
      base64Runs(reading.text, (from, to) => {
        if (this.base64Reveals(reading.text.slice(from, to), fragments)) hide(reading, from, to);
      });
    }
    // What a terminal does not show (an escape sequence, a zero-width space) between two hidden characters is hidden
    // with them, so the secret becomes one [redacted] however it was interleaved.
    for (let index = 0; index < text.length; index += 1) {
      if (!shown.skipped[index] || hidden[index] || !hidden[index - 1]) continue;
      let end = index;
      while (end < text.length && shown.skipped[end] && !hidden[end]) end += 1;
      if (hidden[end]) hidden.fill(1, index, end);
      index = end;
    }
    return hidden;
  }

  /**
   * hiddenStretches of a text a terminal shows as it is and that holds no escape: read only as it is, so its
   * positions are its own (most texts are such; nothing is allocated unless something is hidden).
   */
  private plainHidden(text: string, fragments: boolean): Uint8Array {
    let hidden: Uint8Array | undefined;
    const hide = (from: number, to: number): void => void (hidden ??= new Uint8Array(text.length)).fill(1, from, to);
    this.matches(text, fragments, hide);
    base64Runs(text, (from, to) => {
      if (this.base64Reveals(text.slice(from, to), fragments)) hide(from, to);
    });
    return hidden ?? NOTHING_HIDDEN;
  }

  /** Calls `found` with each [from, to) stretch of `text` that is a secret, or with `fragments` a run of 8 of one. */
  private matches(text: string, fragments: boolean, found: (from: number, to: number) => void): void {
    if (fragments) {
      // Made when first looked for (words from outside): a batch that quotes no server keeps none of them.
      if (!this.fragments) {
        this.fragments = new Set();
        for (const secret of this.secrets) addFragments(this.fragments, secret);
      }
      for (let index = 0; index + FRAGMENT_LENGTH <= text.length; index += 1) {
        if (this.fragments.has(text.slice(index, index + FRAGMENT_LENGTH))) found(index, index + FRAGMENT_LENGTH);
      }
    }
    const secrets = fragments ? this.shortSecrets : this.secrets;
    if (secrets.size > FEW_SECRETS) {
      this.index ??= { whole: new SecretIndex(this.secrets), short: new SecretIndex(this.shortSecrets) };
      (fragments ? this.index.short : this.index.whole).find(text, found);
      return;
    }
    for (const secret of secrets) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) found(at, at + secret.length);
    }
  }

  private holds(text: string, fragments: boolean): boolean {
    let found = false;
    this.matches(text, fragments, () => (found = true));
    return found;
  }

  /**
   * A run of base64 (or base64url) characters, decoded from each of its first four positions: does it hold a
   * secret (or a fragment), as it is or form-encoded (HTTP Basic encodes `id:secret` so)?
   */
  private base64Reveals(run: string, fragments: boolean): boolean {
    const seen = fragments ? this.base64Seen.fragments : this.base64Seen.whole;
    const known = seen.get(run);
    if (known !== undefined) return known;
    const reveals = this.decodesToSecret(run, fragments);
    if (seen.size > 4096) seen.clear();
    seen.set(run, reveals);
    return reveals;
  }

  private decodesToSecret(run: string, fragments: boolean): boolean {
    for (let offset = 0; offset < 4 && run.length - offset >= 6; offset += 1) {
      const text = Buffer.from(run.slice(offset), 'base64').toString('utf8');
      if (this.holds(text, fragments)) return true;
      const form = decoded(identity(text), 'form');
      if (form && this.holds(form.text, fragments)) return true;
    }
    return false;
  }
}

/**
 * `****` plus the last four characters, as the Cyclr console shows a client secret. A person's password is shown
 * only as set: its last characters are part of something they chose, and often reuse.
 */
export function maskSecret(secret: string, kind: 'secret' | 'password' = 'secret'): string {
  if (kind === 'password') return '(set)';
  if (secret.length < 12) return '****';
  return `****${secret.slice(-4)}`;
}

/** Variables a child process never needs and must not inherit: the connectors' own, where secrets are given. */
const SECRET_VARIABLES = /^(PINGONE|INVENIAS)_/i;

/**
 * The environment for a child process (a clipboard tool, a browser, a keychain tool): the run's, without the
 * connectors' variables and without any variable whose value holds something the redactor hides.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, redactor?: Redaction): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_VARIABLES.test(name)) continue;
    if (redactor?.reveals(value)) continue;
    kept[name] = value;
  }
  return kept;
}
