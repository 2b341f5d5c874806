import { codePointCount, trimEndOf } from '../strings.ts';

export { collapseWhitespace } from '../strings.ts';

export function hasLineBreak(text: string): boolean {
  return /[\r\n\u2028\u2029\u0085]/u.test(text);
}

/** Words of running text: whitespace-separated runs that contain a letter or a digit. */
export function countWords(text: string): number {
  let words = 0;
  // Whether the run being read has been counted already: its later characters need no look.
  let counted = false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x20 && unit < 0x80) {
      // Printable ASCII, most of the text: no whitespace test needed.
      if (counted) continue;
      counted = (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x30 && unit <= 0x39);
      if (counted) words++;
      continue;
    }
    if (isWhitespace(unit)) {
      counted = false;
      continue;
    }
    if (counted) continue;
    if (unit < 0x80) {
      counted = (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x30 && unit <= 0x39);
    } else {
      // A character beyond the Basic Multilingual Plane is a surrogate pair: both halves are tested together.
      const pair = unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1));
      counted = LETTER_OR_DIGIT.test(text.slice(i, pair ? i + 2 : i + 1));
      if (pair) i++;
    }
    if (counted) words++;
  }
  return words;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
// What \s matches beyond ASCII: no-break and other spaces, line and paragraph separators, the byte order mark.
const WIDE_WHITESPACE = new Set([
  0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029,
  0x202f, 0x205f, 0x3000, 0xfeff,
]);

/** Whether a UTF-16 unit is whitespace as \s reads it. */
function isWhitespace(unit: number): boolean {
  return unit < 0x80 ? unit === 0x20 || (unit >= 0x09 && unit <= 0x0d) : WIDE_WHITESPACE.has(unit);
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

export const HEADING_MAX_CHARS = 80;

// Sentence and clause marks across scripts: Latin, Arabic (؟ ، ؛ ۔), CJK and full-width, Devanagari danda; all in the
// Basic Multilingual Plane, so one UTF-16 unit each.
const CLOSING_PUNCTUATION = '.!?:;,…؟،؛۔。！？：；，।';
// Quotes and brackets that may follow the mark: `."`, `?”`, `.)` (all in the Basic Multilingual Plane).
const TRAILING_CLOSERS = '"”’\'»›)]」』';

/**
 * A line that can be a section heading: short, and not ending in sentence or clause punctuation
 * (a closing quote or bracket after such a mark counts as that mark).
 */
export function isHeadingLike(line: string): boolean {
  return isTrimmedHeadingLike(line.trim());
}

/** `isHeadingLike` of a line already trimmed. */
export function isTrimmedHeadingLike(text: string): boolean {
  // A paragraph, most lines, is told by its length alone: more than two UTF-16 units a character is more than the
  // limit in characters, and no more than one a character is within it.
  if (text === '' || text.length > 2 * HEADING_MAX_CHARS) return false;
  if (text.length > HEADING_MAX_CHARS && codePointCount(text) > HEADING_MAX_CHARS) return false;
  const bare = trimEndOf(text, TRAILING_CLOSERS);
  return bare === '' || !CLOSING_PUNCTUATION.includes(bare[bare.length - 1]!);
}
