// What a terminal draws as one character (a grapheme cluster), as Intl.Segmenter splits text, for the width that
// wrapping measures (scripts/build.mjs hands it to wrap-ansi's string-width in place of its own segmenter).
// Building an Intl.Segmenter loads ICU's break rules, ~16 ms of a run's start; the CLI's own lines need none.

/**
 * Text made only of these code points is split into code points: none of them joins a neighbour into one cluster
 * (no combining mark, joiner, variation selector, Hangul jamo, regional indicator or control character among them).
 * Printable ASCII, Latin-1 to Latin Extended-B and the spacing modifiers, the punctuation of U+2010-U+2027 and
 * U+2030-U+205E (• …), arrows, mathematical and technical signs, box drawing, shapes and dingbats (✔ ✖ ❯), braille
 * (the spinner's frames).
 */
const EACH_CODE_POINT_ALONE = /^[\u0020-\u007e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u23ff\u2500-\u27bf\u2800-\u28ff]*$/;

let segmenter: Intl.Segmenter | undefined;

/** Intl.Segmenter's segment() for graphemes, the segmenter built only for text that needs it. */
export const graphemes = {
  segment(text: string): Iterable<{ segment: string }> {
    if (EACH_CODE_POINT_ALONE.test(text)) return Array.from(text, (segment) => ({ segment }));
    segmenter ??= new Intl.Segmenter();
    return segmenter.segment(text);
  },
};
