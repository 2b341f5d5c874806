import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { dropForbiddenChars } from '../../src/render/escape.ts';
import { renderFeeds } from '../../src/render/feeds/index.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { parseFeedTexts } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';

const config = loadConfig();

// Any code point, plus the pieces most likely to break XML: lone surrogates, forbidden controls,
// CDATA terminators, markup, entities, line breaks.
const tricky = fc.constantFrom(
  ']]>',
  ']]',
  '>',
  '<',
  '&',
  '&amp;',
  '&#x0;',
  '"',
  "'",
  '<![CDATA[',
  '</title>',
  '<b>',
  '\uD800',
  '\uDFFF',
  '\u0000',
  '\u000B',
  '\u001F',
  '\u0085',
  '\uFFFE',
  '\uFFFF',
  '\r',
  '\n',
  '\t',
  '\u202E',
  '🦀',
);
const anyText = fc.string({
  unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), tricky),
  maxLength: 12,
});

interface Fields {
  title: string;
  paragraph: string;
  label: string;
  framing: string;
  topic: string;
  author: string;
  correction: string;
}

const fields: fc.Arbitrary<Fields> = fc.record({
  title: anyText,
  paragraph: anyText,
  label: anyText,
  framing: anyText,
  topic: anyText,
  author: anyText,
  correction: anyText,
});

function editorialOf(f: Fields): Editorial {
  return makeEditorial({
    title: f.title,
    author: f.author,
    framing: f.framing,
    correction: f.correction,
    topics: [f.topic],
    blocks: [{ kind: 'paragraph', ...inline(f.paragraph) }],
    sources: [{ url: 'https://example.org/wire/1', label: f.label }],
  });
}

const FORBIDDEN_IN_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('feeds stay well-formed whatever text an editorial holds', () => {
  it('JSON Feed: always valid JSON Feed 1.1, text carried over minus the characters XML forbids', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const { json } = renderFeeds([editorialOf(f)], config);
        expect(jsonFeedErrors(json)).toEqual([]);
        const item = JSON.parse(json).items[0];
        expect(item.title).toBe(dropForbiddenChars(f.title));
        expect(item._provenance.sources[0].label).toBe(dropForbiddenChars(f.label));
        expect(item.content_html.endsWith('</footer>')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('RSS and Atom: xmllint accepts every generated feed', async () => {
    const docs: { fields: Fields; xml: string }[] = [];
    fc.assert(
      fc.property(fields, (f) => {
        const { rss, atom } = renderFeeds([editorialOf(f)], config);
        // Checked on the string: a lone surrogate would turn into U+FFFD on its way to a file, out of xmllint's sight.
        expect(FORBIDDEN_IN_XML.test(rss) || FORBIDDEN_IN_XML.test(atom)).toBe(false);
        docs.push({ fields: f, xml: rss }, { fields: f, xml: atom });
      }),
      { numRuns: 300, seed: 20260604 },
    );
    const problems = (await xmllintTexts(docs.map((d) => d.xml)))
      .map((error, n) => (error ? `${JSON.stringify(docs[n]!.fields)}\n${error}` : ''))
      .filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('a feed reader reads every sample without complaint, and Atom titles and source labels round-trip exactly', () => {
    const samples = fc.sample(fields, { numRuns: 40, seed: 7 });
    const feeds = samples.map((f) => renderFeeds([editorialOf(f)], config));
    const parsed = parseFeedTexts(feeds.flatMap((f) => [f.atom, f.rss]));
    samples.forEach(({ title, label }, n) => {
      const [atom, rss] = [parsed[2 * n]!, parsed[2 * n + 1]!];
      const context = JSON.stringify(samples[n]);
      expect([atom.bozo_exception, rss.bozo_exception], context).toEqual([null, null]);
      expect([atom.entries.length, rss.entries.length], context).toEqual([1, 1]);
      // Atom says type="text"; RSS leaves readers to guess whether a title is HTML, so only Atom is exact.
      // An empty title is no title to the reader.
      expect(atom.entries[0]!.title ?? '', context).toBe(asReaderReports(dropForbiddenChars(title)));
      for (const entry of [atom.entries[0]!, rss.entries[0]!]) {
        expect(
          entry.links.filter((l) => l.rel === 'via').map((l) => [l.href, l.title ?? '']),
          context,
        ).toEqual([['https://example.org/wire/1', asReaderReports(dropForbiddenChars(label))]]);
      }
    });
  });
});

// What the reader does to any text value besides XML parsing: it strips surrounding whitespace.
const READER_SPACE = '[\\t\\n\\r ]+';
function asReaderReports(text: string): string {
  return text.replace(new RegExp(`^${READER_SPACE}|${READER_SPACE}$`, 'gu'), '');
}
