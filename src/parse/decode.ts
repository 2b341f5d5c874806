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

/** What `isControlByte` counts, as the character a byte decodes to in Latin-1. */
const CONTROL_CHAR = /[\u0001-\u0008\u000B\u000E-\u001F\u007F]/;

function checkNotBinary(bytes: Uint8Array): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    reject('the file is saved as UTF-16, not UTF-8: save it again as UTF-8 text and upload it again.');
  }
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.indexOf(0) !== -1) {
    reject(
      'the file is binary (it contains NUL bytes), not a text editorial: export the editorial as a UTF-8 text (.txt) or Markdown (.md) file.',
    );
  }
  // Text has no control byte at all, mostly: one native scan says so, and only a file with some is counted byte by byte.
  const latin1 = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength).toString('latin1');
  if (!CONTROL_CHAR.test(latin1)) return;
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
  checkNotBinary(bytes);
  let text = decodeUtf8(bytes);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // Once over the whole text: no forbidden character is a line ending, and a surrogate pair never spans one.
  const clean = dropForbiddenChars(text);
  // A line is blank when trimming leaves nothing, and trimming takes exactly what \s matches: one native scan.
  if (!NOT_WHITESPACE.test(clean)) {
    reject('the file contains only whitespace: upload the editorial text itself.');
  }
  return clean.split(/\r\n|\r|\n/);
}
