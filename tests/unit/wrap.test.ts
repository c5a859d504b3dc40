// Wrapping human text to the terminal: whole words, continuation lines under the first line's text, no line
// starting with ">", and the words themselves never changed. The characters a line is measured in are split as
// Intl.Segmenter splits them, whether or not the text needed a segmenter, so where a line wraps does not depend on it.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { graphemes } from '../../src/core/terminal/graphemes.js';
import { wrapLine } from '../../src/core/terminal/output.js';

const word = fc.stringMatching(/^[a-z>+().-]{1,12}$/);

describe('wrapLine', () => {
  test('any text of short words: every line fits, the words are kept in order, none starts with ">"', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.constantFrom('', '  ', '  1. ', '✖ ', '  Fix: '), fc.integer({ min: 40, max: 160 }), (words, prefix, width) => {
        const text = `${prefix}${words.join(' ')}`;
        const rows = wrapLine(text, width).split('\n');
        rows.forEach((row, index) => {
          // Over the width only where there was nowhere to break: one word, or words held together because the next
          // one starts with ">" (a continuation line never does). Found by this property: ">a" ">>b" ... in a row.
          const content = index === 0 ? row.slice(prefix.length) : row.trimStart();
          const unbreakable = !/ (?!>)/.test(content);
          expect({ row, fits: [...row].length <= width || unbreakable }).toEqual({ row, fits: true });
        });
        for (const row of rows.slice(1)) expect(row.trimStart().startsWith('>')).toBe(false);
        expect(rows.join(' ').split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
      }),
    );
  });

  test('the last word never stands alone on the last row: the word before it comes down with it', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 40 }), fc.constantFrom('', '  ', '  1. ', '✖ '), fc.integer({ min: 40, max: 160 }), (words, prefix, width) => {
        const rows = wrapLine(`${prefix}${words.join(' ')}`, width).split('\n');
        const last = (rows.at(-1) ?? '').slice(rows.length === 1 ? prefix.length : 0).trim();
        // What cannot be broken: a word with the words after it that start with ">" (no row starts with one).
        const unbreakable = words.reduce<string[]>((runs, each) => (each.startsWith('>') && runs.length > 0 ? [...runs.slice(0, -1), `${runs.at(-1)} ${each}`] : [...runs, each]), []);
        // The last two together fit on a row: a longer pair would stick out of it (found by the property above).
        const pairFits = unbreakable.length < 2 || `${unbreakable.at(-2)} ${unbreakable.at(-1)}`.length <= width - prefix.length;
        if (rows.length > 1 && pairFits) expect({ rows, alone: !last.includes(' ') }).toEqual({ rows, alone: false });
      }),
    );
  });

  test('the last two words stay apart when, held together with the words before them that start with ">", they would not fit a row', () => {
    const text = '  Fix: a >(+ >->-)+.(-)a( >(>.(.aa> )>-+(';
    const rows = wrapLine(text, 40).split('\n');
    expect(rows.filter((row) => row.length > 40)).toEqual([]);
    expect(rows.join(' ').split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
  });

  test('the renew intro at 100 columns ends with "for Cyclr.", never "Cyclr." alone', () => {
    const intro = '  This gives the application a new Client Secret and expiry through the Invenias API, proves it with a token exactly as Cyclr will ask for one, saves it in the profile and prints the values for Cyclr.';
    const rows = wrapLine(intro, 100).split('\n');
    expect(rows.at(-1)?.trim()).toBe('for Cyclr.');
    expect(rows.every((row) => row.length <= 100)).toBe(true);
    expect(rows.join(' ').split(/\s+/).filter(Boolean)).toEqual(intro.split(/\s+/).filter(Boolean));
  });

  test('a last word too long to share a row (a URL) is not joined to the word before it', () => {
    const url = `https://auth.pingone.eu/${'cd91070f-c371-480e-80b2-753c735f8aa1'}/as/authorize`;
    expect(wrapLine(`  Open the AUTHORIZATION URL ${url}`, 60).split('\n')).toEqual(['  Open the AUTHORIZATION URL', `  ${url}`]);
  });

  test('continuation lines are indented under the text after a step number or "Fix:"', () => {
    const rows = wrapLine('  Fix: Copy the Client ID and Client Secret again from Connections > Applications > your Worker app', 40).split('\n');
    expect(rows[0]).toMatch(/^ {2}Fix: Copy/);
    for (const row of rows.slice(1)) expect(row).toMatch(/^ {7}\S/);
    expect(rows.some((row) => row.trimStart().startsWith('>'))).toBe(false);
  });

  test('a word longer than the line (a URL) is left whole, so it still copies as one', () => {
    const url = `https://auth.pingone.eu/${'cd91070f-c371-480e-80b2-753c735f8aa1'}/as/authorize`;
    expect(wrapLine(`  Open ${url} in a browser`, 40).split('\n')).toContain(`  ${url}`);
  });
});

const segmenter = new Intl.Segmenter();
const split = (segments: Iterable<{ segment: string }>): string[] => Array.from(segments, ({ segment }) => segment);
/** Compared as JSON: one string comparison for a text of thousands of characters. */
const expectSameSplit = (text: string): void => expect(JSON.stringify(split(graphemes.segment(text)))).toBe(JSON.stringify(split(segmenter.segment(text))));

const range = (first: number, last: number): string[] => Array.from({ length: last - first + 1 }, (_, index) => String.fromCodePoint(first + index));
/** The code points graphemes.ts splits text into one by one. */
const ALONE = [
  ...range(0x20, 0x7e),
  ...range(0xa0, 0x2ff),
  ...range(0x2010, 0x2027),
  ...range(0x2030, 0x205e),
  ...range(0x2190, 0x23ff),
  ...range(0x2500, 0x27bf),
  ...range(0x2800, 0x28ff),
];
/** Code points that join a neighbour into one cluster, or break a line. */
const JOINERS = ['\u0301', '\u200d', '\ufe0f', '\u20e3', '\u1161', '\u11a8', '\r', '\n', '\u0e33', '\ud83c\udffb', '\ud83c\uddec', '\u200b', '\u2028', '\u2060', '\u0300'];

describe('graphemes', () => {
  test('every code point of the CLI\'s lines, next to every other in turn, is split as Intl.Segmenter splits it', () => {
    expectSameSplit(ALONE.join(''));
    expectSameSplit([...ALONE].reverse().join(''));
    expectSameSplit(ALONE.map((character) => `${character}${character}a${character}`).join(''));
  });

  test('any text of those code points, in any order', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...ALONE), { maxLength: 60 }), (characters) => expectSameSplit(characters.join(''))));
  });

  test('text with a combining mark, a joiner, a variation selector, Hangul jamo or a line break is split by the segmenter', () => {
    for (const joiner of JOINERS) for (const character of ['a', '✔', 'e', '\u1100', '❯', '\ud83d\udc4d']) {
      expectSameSplit(`${character}${joiner}`);
      expectSameSplit(`${character}${joiner}${character}`);
    }
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...ALONE), fc.constantFrom(...JOINERS)), { maxLength: 40 }), (characters) => expectSameSplit(characters.join(''))));
  });

  test('any text at all', () => {
    const anyCodePoints = fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((codePoints) => String.fromCodePoint(...codePoints));
    fc.assert(fc.property(anyCodePoints, expectSameSplit));
  });
});
