/*
 * Small string helpers shared by parsing and rendering. Trimming by character set is linear: a pattern such as
 * /[-_.]+$/ or /\n+$/ looks harmless but makes the engine try every start of a long run that is not at the end
 * (quadratic time); these scans never look at a character twice.
 */

/** The text without any of `chars` at its end. */
export function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** The text without any of `chars` at its start. */
export function trimStartOf(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start]!)) start++;
  return text.slice(start);
}

/** The text without any of `chars` at either end. */
export function trimOf(text: string, chars: string): string {
  return trimEndOf(trimStartOf(text, chars), chars);
}

/** Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): in a one-line field they can make a
 * title, a subject or a source label read backwards ("gpj.exe" shown as "exe.jpg"). Marks (U+200E, U+200F) stay. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function dropBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** Characters as `[...text].length` counts them (a surrogate pair is one), without building the array. */
export function codePointCount(text: string): number {
  // Most text has no character outside the Basic Multilingual Plane: one native scan says so.
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

// A run of whitespace that is not already one plain space: the rest of the text is left as it is, which costs far
// less than replacing every single space with itself.
const UNCOLLAPSED_WHITESPACE = /\s{2,}|[^\S ]/g;

/** Every run of whitespace (line breaks included) as one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(UNCOLLAPSED_WHITESPACE, ' ').trim();
}

/** How many times `needle` (not empty) occurs in the text, without overlaps, as `text.split(needle)` counts them
 * less one, but without building the parts. */
export function occurrencesOf(text: string, needle: string): number {
  if (needle === '') throw new RangeError('occurrencesOf: the needle is empty');
  let n = 0;
  // indexOf is native: one call a match beats a JavaScript loop over every code unit (about twice as fast on prose).
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
