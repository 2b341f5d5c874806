import { Buffer, isUtf8 } from 'node:buffer';
import { dropForbiddenChars } from '../render/escape.ts';
import { reject } from './rejection.ts';
import { firstInvalidUtf8Offset, lineOfByteOffset } from './utf8.ts';

const SNIFF_BYTES = 8192;
const NOT_WHITESPACE = /\S/;
/** Above this share of control bytes a file is treated as binary rather than text with stray characters. */
const MAX_CONTROL_SHARE = 0.1;

function isControlByte(b: number): boolean {
  // Tab, LF, CR and form feed occur in ordinary text files.
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f;
}

/** A UTF-16 file, or NUL bytes at the start: the file is not UTF-8 text whatever else it holds. */
function checkNotUtf16OrNul(bytes: Uint8Array): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    reject('the file is saved as UTF-16, not UTF-8: save it again as UTF-8 text and upload it again.');
  }
  if (bytes.subarray(0, SNIFF_BYTES).indexOf(0) !== -1) {
    reject(
      'the file is binary (it contains NUL bytes), not a text editorial: export the editorial as a UTF-8 text (.txt) or Markdown (.md) file.',
    );
  }
}

/** A file whose first bytes are mostly control bytes is binary, not text with a few stray control characters. */
function checkNotMostlyControls(bytes: Uint8Array): void {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (let i = 0; i < sample.length; i++) if (isControlByte(sample[i]!)) controls++;
  if (controls >= 4 && controls / sample.length > MAX_CONTROL_SHARE) {
    reject(
      'the file is binary (it is mostly control characters), not a text editorial: export the editorial as a UTF-8 text (.txt) or Markdown (.md) file.',
    );
  }
}

/** The text, byte-order mark kept; checked first, since the decoder would put U+FFFD for each invalid byte. */
function decodeUtf8(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // A binary file is named as such rather than by its first byte that is not UTF-8.
  checkNotMostlyControls(bytes);
  const offset = Math.max(firstInvalidUtf8Offset(bytes), 0);
  return reject(
    `the file is not valid UTF-8 text (invalid byte 0x${bytes[offset]?.toString(16).padStart(2, '0') ?? '??'} at byte ${offset}): save it again with the UTF-8 encoding and upload it again.`,
    lineOfByteOffset(bytes, offset),
  );
}

/**
 * The file's lines, index i being line i + 1 of the original file: byte-order mark removed, any line
 * ending accepted, characters XML and email forbid dropped. Rejects files that are not usable text.
 */
export function decodeLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) reject('the file is empty (0 bytes): upload the editorial text itself.');
  checkNotUtf16OrNul(bytes);
  let text = decodeUtf8(bytes);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // Once over the whole text: no forbidden character is a line ending, and a surrogate pair never spans one.
  const clean = dropForbiddenChars(text);
  // In UTF-8 every control byte is a control character of the text, dropped just now: a text that lost none has no
  // control byte, and only one that did is counted byte by byte.
  if (clean !== text) checkNotMostlyControls(bytes);
  // A line is blank when trimming leaves nothing, and trimming takes exactly what \s matches: one native scan.
  if (!NOT_WHITESPACE.test(clean)) {
    reject('the file contains only whitespace: upload the editorial text itself.');
  }
  return clean.split(/\r\n|\r|\n/);
}
