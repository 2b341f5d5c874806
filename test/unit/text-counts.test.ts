import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { articleHtml } from '../../src/render/article.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { textCounts, visibleTextCounts } from '../../src/render/text-counts.ts';

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
const bodies = folders.flatMap((folder) =>
  readdirSync(folder)
    .filter((file) => /\.(md|txt)$/.test(file))
    .map((file) => {
      const parsed = parseEditorial(file, readFileSync(`${folder}/${file}`), {
        publication: config.publication.name,
        defaultLang: 'en',
        limits: config.limits,
      });
      if (!parsed.ok) throw new Error(`${file}: ${parsed.rejection.reason}`);
      return [file, articleHtml(parsed.editorial, chromeOf(parsed.editorial, config))] as const;
    }),
);

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
