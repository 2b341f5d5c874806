/** Header fields for RFC 5322 messages: one line of content each, encoded and folded. */
import { dropForbiddenChars } from '../escape.ts';
import { BroadsheetError } from '../../errors.ts';
import { dropBidiControls } from '../../strings.ts';

export const CRLF = '\r\n';
/** RFC 5322 2.1.1: lines SHOULD stay within 78 characters and MUST within 998. */
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;
/** UTF-8 bytes per encoded-word: 56 base64 characters, so "Subject: " plus one word stays within 78. */
const WORD_BYTES = 42;

export class HeaderError extends BroadsheetError {
  override name = 'HeaderError';
}

/**
 * Header values never carry a line break or control character: a title such as "x\r\nBcc: y" must not
 * become a header of its own. Breaks become one space; other controls are dropped.
 */
export function headerText(value: string): string {
  // Split at the breaks and trim each piece: a pattern with \s* on both sides of the break would be quadratic on
  // long runs of spaces.
  return dropBidiControls(dropForbiddenChars(value))
    .split(/[\r\n\u2028\u2029]/)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .join(' ')
    .replace(/\t/g, ' ')
    .trim();
}

const printableAscii = (value: string) => /^[\x20-\x7e]*$/.test(value);

// Built on first use: loading the grapheme data costs every cold start several milliseconds, and most messages
// have headers in plain ASCII that never need it.
let segmenter: Intl.Segmenter | undefined;

/** Splits text into pieces of at most `max` UTF-8 bytes, between grapheme clusters where one fits. */
function chunksOfBytes(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let size = 0;
  const push = (piece: string) => {
    const n = Buffer.byteLength(piece);
    if (size + n > max && current) {
      chunks.push(current);
      current = '';
      size = 0;
    }
    current += piece;
    size += n;
  };
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    if (Buffer.byteLength(segment) <= max) push(segment);
    else for (const codePoint of segment) push(codePoint);
  }
  if (current) chunks.push(current);
  return chunks;
}

/** RFC 2047 "B" encoded-words, each whole characters; whitespace between them vanishes on decoding. */
export function encodedWords(text: string): string[] {
  return chunksOfBytes(text, WORD_BYTES).map((chunk) => `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`);
}

/**
 * Joins tokens into a header field, folding before a token when the line would pass 78 characters.
 * `glue` is what separates two tokens on the same line; a fold replaces it with CRLF plus that whitespace.
 */
export function foldTokens(name: string, tokens: readonly string[], glue = ' '): string {
  const lines: string[] = [];
  let line = `${name}:`;
  tokens.forEach((token, i) => {
    const separator = i === 0 ? ' ' : glue;
    if (i > 0 && line.length + separator.length + token.length > SOFT_LIMIT) {
      lines.push(line);
      line = ` ${token}`;
    } else {
      line += separator + token;
    }
  });
  lines.push(line);
  for (const l of lines)
    if (l.length > HARD_LIMIT) throw new HeaderError(`${name} header line is longer than ${HARD_LIMIT} characters`);
  return lines.join(CRLF);
}

/** Folds printable ASCII at its own spaces, so unfolding gives back the exact text; null when it cannot fit. */
function foldAtSpaces(name: string, value: string): string | null {
  const lines: string[] = [];
  let rest = `${name}: ${value}`;
  while (rest.length > SOFT_LIMIT) {
    let at = -1;
    for (let i = Math.min(SOFT_LIMIT, rest.length - 1); i > name.length + 1; i--) {
      if (rest[i] === ' ' && rest[i - 1] !== ' ' && /\S/.test(rest.slice(i))) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  lines.push(rest);
  return lines.join(CRLF);
}

/** An unstructured field (Subject): plain when printable ASCII folds within 78 columns, else encoded-words. */
export function unstructuredHeader(name: string, value: string): string {
  const text = headerText(value);
  if (printableAscii(text) && !text.includes('=?')) {
    const folded = foldAtSpaces(name, text);
    if (folded !== null) return folded;
  }
  return foldTokens(name, encodedWords(text));
}

const ADDRESS = /^[^\s@<>()",;:\\[\]\u0000-\u001f\u007f-\uffff]+@[^\s@<>()",;:\\[\]\u0000-\u001f\u007f-\uffff]+$/;

export function checkAddress(address: string, what: string): string {
  if (!ADDRESS.test(address))
    throw new HeaderError(`${what} is not a usable email address: ${JSON.stringify(address)}`);
  return address;
}

/** A display name as header tokens: quoted when printable ASCII, else RFC 2047 encoded-words. */
function displayNameTokens(displayName: string | undefined): string[] {
  const display = headerText(displayName ?? '');
  if (!display) return [];
  return printableAscii(display) && !display.includes('=?')
    ? [`"${display.replace(/["\\]/g, '\\$&')}"`]
    : encodedWords(display);
}

/** A mailbox header: `"Display Name" <address>`, folded. */
export function mailboxHeader(name: string, displayName: string | undefined, address: string): string {
  return foldTokens(name, [...displayNameTokens(displayName), `<${checkAddress(address, name)}>`]);
}

/** A mailbox on one line, for APIs that take the header's value (SES `FromEmailAddress`). */
export function mailbox(displayName: string | undefined, address: string): string {
  return [...displayNameTokens(displayName), `<${checkAddress(address, 'mailbox')}>`].join(' ');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 3.3 date-time, in UTC: "Thu, 04 Jun 2026 06:00:00 +0000". */
export function rfc5322Date(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new HeaderError('Date is not a valid date');
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** A msg-id: `<left@right>` in printable ASCII without spaces. */
export function messageIdValue(messageId: string): string {
  const bare = headerText(messageId).replace(/^<|>$/g, '');
  // An @ with something on both sides, in printable ASCII: the same test as /^[\x21-\x7e]+@[\x21-\x7e]+$/ without
  // its quadratic backtracking on a run of @.
  if (!bare.slice(1, -1).includes('@') || !/^[\x21-\x7e]+$/.test(bare) || /[<>\s]/.test(bare)) {
    throw new HeaderError(`not a usable Message-ID: ${JSON.stringify(messageId)}`);
  }
  return `<${bare}>`;
}
