import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSource } from '../../src/parse/sources.ts';
import { dropForbiddenChars, htmlToText } from '../../src/render/escape.ts';
import { collapseWhitespace, dropBidiControls } from '../../src/strings.ts';
import { inlines, parseBytes, squash, withoutAllowedTags } from '../helpers/parse-helpers.ts';

const DATE = { date: new Date('2026-06-01T00:00:00Z') };

// Random text biased towards what breaks escaping and parsing: markup, template syntax, Markdown, line breaks.
const tricky = fc.constantFrom(
  '<',
  '>',
  '&',
  '"',
  "'",
  '<script>',
  '</a>',
  '<a href="javascript:x">',
  '<mj-text>',
  '{{title}}',
  '{{{body}}}',
  '*',
  '_',
  '`',
  '[x](javascript:alert(1))',
  '[y](https://ok.example/?a=<b>)',
  '<https://x.example>',
  '![i](data:x)',
  '\n',
  '\r',
  '\r\n',
  '\u0000',
  '\u0007',
  '\uFEFF',
  '\uD800',
  '---',
  '- ',
  '# ',
  '> ',
  'Wire provenance',
  '&lt;',
  '&#60;',
);
const randomText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), tricky), { maxLength: 12 })
  .map((parts) => parts.join(''));

const plainText = (paragraph: string) => `Title\nFirst paragraph.\n${paragraph}\nWire provenance\n- https://t.me/a\n`;
const markdown = (paragraph: string) =>
  `---\ntitle: Title\nprovenance: [https://t.me/a]\n---\nFirst paragraph.\n\n${paragraph}\n`;

function checkResult(file: string, text: string) {
  const result = parseBytes(file, text, DATE);
  if (!result.ok) {
    expect(result.rejection.reason.length).toBeGreaterThan(0);
    expect(result.rejection.file).toBe(file);
    return;
  }
  for (const inline of inlines(result.editorial.blocks)) {
    expect(withoutAllowedTags(inline.html)).not.toContain('<');
    expect(squash(htmlToText(inline.html))).toBe(squash(inline.text));
  }
}

describe('random text inserted as a paragraph', () => {
  it('plain text: parse returns ok or a rejection, and html is only escaped text', () => {
    fc.assert(
      fc.property(randomText, (p) => {
        checkResult('2026-06-01-a.txt', plainText(p));
      }),
      { numRuns: 1000 },
    );
  });

  it('plain text: a one-line paragraph is kept as it was written, escaped', () => {
    fc.assert(
      fc.property(randomText, (p) => {
        const line = p.replace(/[\r\n]/g, ' ');
        const result = parseBytes('2026-06-01-a.txt', plainText(line), DATE);
        if (!result.ok || line.trim() === '') return;
        const texts = result.editorial.blocks.map((b) =>
          b.kind === 'paragraph' || b.kind === 'heading' ? b.text : '',
        );
        // What survives is the line minus characters XML forbids, trimmed.
        // Lone surrogates cannot be encoded: the file holds U+FFFD in their place.
        const written = new TextDecoder().decode(new TextEncoder().encode(line));
        const kept = dropForbiddenChars(written).trim();
        if (kept === '' || /^wire provenance$/i.test(kept)) return;
        expect(texts).toContain(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('Markdown: parse returns ok or a rejection, and html holds only allowed elements', () => {
    fc.assert(
      fc.property(randomText, (p) => {
        checkResult('2026-06-01-a.md', markdown(p));
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes never make the parser throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('a.txt', 'a.md'), (bytes, file) => {
        const result = parseBytes(`2026-06-01-${file}`, bytes, DATE);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('a source label is one plain line: bidi controls, forbidden characters and extra whitespace taken out', () => {
    const piece = fc.constantFrom(
      'Wire',
      ' ',
      '  ',
      '\t',
      '\n',
      '\u00a0',
      '\u202e',
      '\u2066',
      '\u0001',
      '\u0085',
      '😀',
      '\ud800',
      'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const label = pieces.join('');
        const clean = collapseWhitespace(dropForbiddenChars(dropBidiControls(label)));
        const source = makeSource('https://example.org/wire', label, 1);
        expect(source.label).toBe(clean || 'example.org');
      }),
      { numRuns: 500 },
    );
  });
});
