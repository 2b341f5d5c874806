import { codePointCount, trimEndOf } from '../strings.ts';

export { collapseWhitespace } from '../strings.ts';

export function hasLineBreak(text: string): boolean {
  return /[\r\n\u2028\u2029\u0085]/u.test(text);
}

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
