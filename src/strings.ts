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
