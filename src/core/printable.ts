// What text from outside (a server's answer, a saved file, a pasted value) may become before it is shown: the one
// definition of the characters and escape sequences that never reach a terminal, a report or a message as they are.

/**
 * Control characters: C0 (line breaks, NUL, ESC ...), DEL, C1, the Unicode line and paragraph separators, and every
 * format character (\p{Cf}): bidirectional overrides and isolates (U+202A-202E, U+2066-2069), direction marks,
 * zero-width characters, the byte order mark. Any of them can make what a terminal shows differ from the text.
 */
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\p{Cf}';
export const CONTROL_CHARACTER = new RegExp(`[${CONTROL_CLASS}]`, 'u');
const CONTROL_RUNS = new RegExp(`[${CONTROL_CLASS}]+`, 'gu');

/**
 * A terminal escape sequence, whole: CSI (colours, cursor moves, erasing; 7- and 8-bit), OSC (titles, clipboard,
 * links), DCS / SOS / PM / APC strings, and the short ESC forms. An unterminated string runs to the end of the text.
 */
// eslint-disable-next-line no-control-regex
export const ESCAPE_SEQUENCE = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?/g;

/** The colours and weights our own palette writes (chalk at level 1); the only escape sequences a terminal is sent. */
// eslint-disable-next-line no-control-regex
export const OWN_SGR = /\x1b\[(?:1|2|22|31|32|33|36|39)m/g;
// eslint-disable-next-line no-control-regex
const OWN_SGR_PIECES = /(\x1b\[(?:1|2|22|31|32|33|36|39)m)/;
const CONTROL_EXCEPT_LINES = new RegExp(`(?![\\n\\t])[${CONTROL_CLASS}]`, 'gu');
/** Text that holds nothing the expressions above could match (checking this is far quicker than running them). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PRINTABLE_LINES = /^[\x20-\x7e\n\t]*$/;

/**
 * Words from outside as one line of plain text: escape sequences removed, every run of control characters (line
 * breaks included, so a server cannot print lines of its own) made one space.
 */
export function oneLine(text: string): string {
  // Most text is printable ASCII, where neither escapes nor controls can be: only spaces are left to tidy.
  if (PRINTABLE_ASCII.test(text)) return text.includes('  ') ? text.replace(/ {2,}/g, ' ').trim() : text.trim();
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_RUNS, ' ').replace(/ {2,}/g, ' ').trim();
}

/** True when the text holds a control character (see CONTROL_CHARACTER). */
export function hasControlCharacter(text: string): boolean {
  // Printable ASCII holds none, and the Unicode class costs milliseconds to compile on its first use.
  return !PRINTABLE_ASCII.test(text) && CONTROL_CHARACTER.test(text);
}

/** Text without escape sequences and control characters, line breaks and tabs aside (for a report file). */
export function withoutControls(text: string): string {
  if (PRINTABLE_LINES.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_EXCEPT_LINES, '');
}

/**
 * What may reach a terminal: text, line breaks, tabs and our own palette's colour codes. Every other escape sequence
 * and control character, whoever wrote it, is dropped.
 */
export function terminalSafe(text: string): string {
  if (PRINTABLE_LINES.test(text)) return text;
  // Split around our own colour codes (they are the odd pieces), so only what lies between them is cleaned.
  return text
    .split(OWN_SGR_PIECES)
    .map((piece, index) => (index % 2 === 1 ? piece : withoutControls(piece)))
    .join('');
}

/**
 * Serialised JSON with each control character JSON.stringify leaves raw (C1, separators, format characters) written as
 * a \uXXXX escape: the document reads the same. Its own line breaks and indentation stay.
 */
export function escapeControls(json: string): string {
  if (PRINTABLE_LINES.test(json)) return json;
  return json.replace(CONTROL_EXCEPT_LINES, (char) =>
    Array.from({ length: char.length }, (_unused, index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join(''),
  );
}
