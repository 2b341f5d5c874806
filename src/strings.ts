/*
 * Linear-time string trimming by character set. A pattern such as /[-_.]+$/ or /\n+$/ looks harmless but makes
 * the engine try every start position of a long run that is not at the end (quadratic time): these scans
 * never look at a character twice.
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
