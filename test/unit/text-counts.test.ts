import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import type { Editorial } from '../../src/model.ts';
import { articleHtml, articleHtmlParts } from '../../src/render/article.ts';
import { articleCounts } from '../../src/render/body-counts.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { bodyPlainParts, bodyPlainText } from '../../src/render/ninjs-wire.ts';
import { joinedCounts, textCounts, visibleTextCounts } from '../../src/render/text-counts.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

// ninjs's charCount and wordCount are counted in one pass over the body. They must be what a partner counts on the
// text a reader sees: here, that text built step by step (tags stripped, entities read, whitespace collapsed).

function readerText(html: string): string {
  const spaced = html
    .replace(/<\/(p|h[1-6]|li|blockquote|pre|aside|footer|ul|ol)>/g, '$& ')
    .replace(/<br\s*\/?>/g, ' ');
  const text = spaced
    .replace(/<[^<>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
  return collapse(text);
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const counts = (text: string) => ({ charCount: [...text].length, wordCount: text === '' ? 0 : text.split(' ').length });

const config = loadConfig();
const folders = ['samples', 'test/fixtures/valid', 'test/fixtures/i18n'];
const editorials = folders.flatMap((folder) =>
  readdirSync(folder)
    .filter((file) => /\.(md|txt)$/.test(file))
    .map((file) => {
      const parsed = parseEditorial(file, readFileSync(`${folder}/${file}`), {
        publication: config.publication.name,
        defaultLang: 'en',
        limits: config.limits,
      });
      if (!parsed.ok) throw new Error(`${file}: ${parsed.rejection.reason}`);
      return [file, parsed.editorial] as const;
    }),
);
const bodies = editorials.map(([file, e]) => [file, articleHtml(e, chromeOf(e, config))] as const);

/** ninjs's counts of both bodies, paragraphs counted once, beside each body counted whole. */
function expectCountsOfBothBodies(editorial: Editorial) {
  const m = chromeOf(editorial, config);
  const parts = { html: articleHtmlParts(editorial, m), plain: bodyPlainParts(editorial, config, m) };
  expect(articleCounts(editorial.blocks, parts)).toEqual({
    html: visibleTextCounts(articleHtml(editorial, m)),
    plain: textCounts(bodyPlainText(editorial, config, m)),
  });
}

describe('the counts of a body', () => {
  it.each(bodies)('of %s are those of the text its reader sees', (_, html) => {
    expect(visibleTextCounts(html)).toEqual(counts(readerText(html)));
  });

  it('read breaks, block ends, entities, every kind of space and characters beyond the BMP as a reader does', () => {
    const cases = [
      '',
      '   ',
      '<p>One</p><p>two</p>',
      '<h2>Head</h2>text<br>more<br/>and<br />end<br\n/>',
      '<li>a</li><li>b</li><span>c</span><em>d</em>',
      'a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &nbsp; &amp',
      'lone < sign and a <b>bold</b> > one << <',
      'no\u00a0break\u2009thin\u3000wide\u202fnarrow\ufeffbom\u2028line\tTab\r\n',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧 \ud800 lone',
      '<p class="x">kept</p><P>upper</P></p >',
    ];
    for (const html of cases) expect(visibleTextCounts(html), JSON.stringify(html)).toEqual(counts(readerText(html)));
  });

  it('of texts joined by a space are the sum of theirs, one space more between two that show anything', () => {
    const parts = ['One two', '', '  ', 'three', '😀 four'];
    expect(joinedCounts(parts.map(textCounts))).toEqual(textCounts(parts.join(' ')));
    expect(joinedCounts([])).toEqual({ charCount: 0, wordCount: 0 });
  });

  // A withdrawn editorial's bodies are the notice, counted whole.
  const published = editorials.filter(([, e]) => e.status === 'published');
  it.each(published)('of both ninjs bodies of %s, each paragraph counted once, are those of each body', (_, e) =>
    expectCountsOfBothBodies(e),
  );

  it('of both bodies hold for a correction, every kind of block and paragraphs of markup, breaks and odd spaces', () => {
    const inline = fc.array(fc.constantFrom('ab', ' ', '\u00a0', '😀', '<', '&', '"', "'", '\n'), { maxLength: 12 });
    fc.assert(
      fc.property(fc.array(inline, { maxLength: 6 }), fc.boolean(), (paragraphs, corrected) => {
        const blocks = paragraphs.map((pieces) => {
          const text = pieces.join('');
          return { kind: 'paragraph' as const, text, html: text.replace(/&/g, '&amp;').replace(/</g, '&lt;') };
        });
        expectCountsOfBothBodies(
          makeEditorial({
            blocks: [
              ...blocks,
              { kind: 'heading', level: 3, text: 'A heading', html: 'A heading' },
              { kind: 'list', ordered: true, items: [{ text: 'one', html: 'one' }] },
              { kind: 'quote', paragraphs: [{ text: 'said', html: '<em>said</em>' }] },
              { kind: 'code', text: 'x = 1\ny  = 2' },
            ],
            ...(corrected && { correction: 'An earlier  version\nsaid otherwise.' }),
          }),
        );
      }),
    );
  });

  it('agree with the text built step by step on any mix of markup and text', () => {
    // Text as this project writes it: a `<` or `>` of the text itself is always an entity (a raw one beside a tag,
    // as in `<<br>>`, is read differently once the break is replaced by a space, and never occurs).
    const piece = fc.constantFrom(
      '<p>',
      '</p>',
      '<br>',
      '<br />',
      '</li>',
      '<a href="x">',
      '</a>',
      '&amp;',
      '&lt;',
      '&gt;',
      ' ',
      '\n',
      '\u00a0',
      'ab',
      '😀',
      '&',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const html = pieces.join('');
        expect(visibleTextCounts(html)).toEqual(counts(readerText(html)));
        expect(textCounts(html)).toEqual(counts(collapse(html)));
      }),
    );
  });
});
