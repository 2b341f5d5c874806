import { trimEndOf } from '../strings.ts';

/** Trims and turns every run of whitespace (including line breaks) into one space. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

export function hasLineBreak(text: string): boolean {
  return /[\r\n\u2028\u2029\u0085]/u.test(text);
}

/** Words of running text: whitespace-separated runs that contain a letter or a digit. */
export function countWords(text: string): number {
  let n = 0;
  for (const token of text.split(/\s+/u)) if (/[\p{L}\p{N}]/u.test(token)) n++;
  return n;
}

export const HEADING_MAX_CHARS = 80;

// Sentence and clause marks across scripts: Latin, Arabic (؟ ، ؛ ۔), CJK and full-width, Devanagari danda.
const CLOSING_PUNCTUATION = /[.!?:;,…؟،؛۔。！？：；，।]$/u;
// Quotes and brackets that may follow the mark: `."`, `?”`, `.)` (all in the Basic Multilingual Plane).
const TRAILING_CLOSERS = '"”’\'»›)]」』';

/**
 * A line that can be a section heading: short, and not ending in sentence or clause punctuation
 * (a closing quote or bracket after such a mark counts as that mark).
 */
export function isHeadingLike(line: string): boolean {
  const text = line.trim();
  if (text === '' || [...text].length > HEADING_MAX_CHARS) return false;
  const bare = trimEndOf(text, TRAILING_CLOSERS);
  return !CLOSING_PUNCTUATION.test(bare);
}
