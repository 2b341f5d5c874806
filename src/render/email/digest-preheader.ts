import { headerText as oneLine } from './headers.ts';

/** The same invisible run after the preheader as in an editorial's email (content.ts), for the same reason. */
export const PREHEADER_PADDING = '&#847;&zwnj;&nbsp;'.repeat(24);
/** Titles the preheader names, and the characters it keeps: about what an inbox preview has room for. */
const PREHEADER_TITLES = 3;
const PREHEADER_CHARS = 150;
/** The most bytes a preheader takes in the HTML: every character escaped to at most six bytes (`&#x27;`). */
export const PREHEADER_BYTES = (PREHEADER_CHARS + 1) * 6;

/** The first few titles, as an inbox shows them before the email is opened. */
export function digestPreheader(titles: readonly string[]): string {
  const joined = titles
    .slice(0, PREHEADER_TITLES)
    .map((title) => oneLine(title))
    .filter((title) => title !== '')
    .join(' · ');
  const chars = [...joined];
  return chars.length <= PREHEADER_CHARS ? joined : `${chars.slice(0, PREHEADER_CHARS).join('').trimEnd()}…`;
}
