/** A valid plain-text editorial padded to `bytes` with ordinary paragraphs of a few hundred characters. */
export function largeEditorial(bytes: number): Buffer {
  const paragraph = `${'The port authority weighed the offer once more. '.repeat(8)}\n`;
  const body = paragraph.repeat(Math.ceil(bytes / paragraph.length));
  return Buffer.from(`The long editorial\n\n${body}\nWire provenance\n- https://example.org/wire/1\n`);
}
export const longLine = Buffer.from(
  `A long line\n\nFirst paragraph.\n${'word '.repeat(5_000)}\nWire provenance\n- https://example.org/wire/1\n`,
);
