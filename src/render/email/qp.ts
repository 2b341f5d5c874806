/** RFC 2045 quoted-printable: lines of at most 76 characters, CRLF hard line breaks. */

const MAX_LINE = 76;
const HEX = '0123456789ABCDEF';
const hex = (byte: number) => `=${HEX[byte >> 4]}${HEX[byte & 15]}`;

const DOT = 0x2e;
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20];

function startsWithFrom(bytes: Uint8Array, at: number): boolean {
  return FROM_.every((b, i) => bytes[at + i] === b);
}

function encodeLine(bytes: Uint8Array, out: string[]): void {
  let line = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const last = i === bytes.length - 1;
    let token: string;
    if (byte === 0x3d || byte < 0x20 || byte > 0x7e) token = byte === 0x09 && !last ? '\t' : hex(byte);
    else if (byte === 0x20 && last) token = hex(byte);
    // A line starting "." or "From " is altered by some relays and mailbox formats.
    else if (line === '' && (byte === DOT || (byte === 0x46 && startsWithFrom(bytes, i)))) token = hex(byte);
    else token = String.fromCharCode(byte);
    if (line.length + token.length > (last ? MAX_LINE : MAX_LINE - 1)) {
      out.push(`${line}=`);
      line = '';
      if (token === '.' || (token === 'F' && startsWithFrom(bytes, i))) token = hex(byte);
    }
    line += token;
  }
  out.push(line);
}

export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) encodeLine(Buffer.from(line, 'utf8'), out);
  return out.join('\r\n');
}
