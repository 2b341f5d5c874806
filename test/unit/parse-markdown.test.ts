import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accept, acceptFile, FIXTURES, inlines, inspectHtml } from '../helpers/parse-helpers.ts';

const features = () => acceptFile(join(FIXTURES, 'valid', '2026-06-11-markdown-features.md'));

describe('Markdown front matter', () => {
  it('reads every documented field, normalised', () => {
    const e = features();
    expect(e.form).toBe('markdown');
    expect(e.title).toBe('Harbour talks: <script>alert(1)</script> {{title}}');
    expect(e.summary).toBe('The port authority offered talks, with a venue attached.');
    expect(e.author).toBe('Monexus Desk');
    expect(e.lang).toBe('en-GB');
    expect(e.dir).toBe('ltr');
    expect(e.topics).toEqual(['diplomacy', 'ports']);
    expect(e.published.toISOString()).toBe('2026-06-11T00:00:00.000Z');
    expect(e.updated.toISOString()).toBe('2026-06-11T08:15:00.000Z');
    expect(e.embargo?.toISOString()).toBe('2026-06-12T00:00:00.000Z');
    expect(e.correction).toBe('An earlier version named the wrong port. It was Odesa.');
    expect(e.status).toBe('withdrawn');
    expect(e).not.toHaveProperty('unknown_field');
    expect(e.sources).toEqual([
      { url: 'https://t.me/harbour_watch', label: 'harbour_watch (Telegram)' },
      { url: 'https://x.com/harbour_watch', label: '@harbour_watch (X)' },
      { url: 'https://www.youtube.com/@harbourtv', label: '@harbourtv (YouTube)' },
      { url: 'https://bsky.app/profile/harbour.bsky.social', label: 'harbour.bsky.social (Bluesky)' },
      { url: 'https://www.example.org/wire/123', label: 'example.org' },
      { url: 'https://example.org/wire/456', label: 'Example Wire' },
    ]);
  });

  it('front matter "published" beats the caller date; slug, lang and direction come from the front matter', () => {
    const text =
      '---\ntitle: T\nslug: harbour.talks_v2\npublished: 2026-06-01T06:00:00-05:00\nlang: fa\nprovenance: https://t.me/a\n---\nمتن.\n';
    const e = accept('whatever.md', text, { date: new Date('2030-01-01T00:00:00Z') });
    expect(e.slug).toBe('harbour.talks_v2');
    expect(e.published.toISOString()).toBe('2026-06-01T11:00:00.000Z');
    expect(e.updated).toEqual(e.published);
    expect([e.lang, e.dir]).toEqual(['fa', 'rtl']);
    expect(e.sources).toEqual([{ url: 'https://t.me/a', label: 'a (Telegram)' }]);
  });

  it.each([
    ['he', 'rtl'],
    ['ur-PK', 'rtl'],
    ['ckb', 'rtl'],
    ['az-Arab', 'rtl'],
    ['ar-Latn', 'ltr'],
    ['uk', 'ltr'],
    ['zh-Hant-TW', 'ltr'],
  ])('lang %s is written %s', (lang, dir) => {
    const e = accept('2026-06-01-a.md', `---\ntitle: T\nlang: ${lang}\nprovenance: [https://t.me/a]\n---\nBody.\n`);
    expect(e.dir).toBe(dir);
  });

  it('title and summary are trimmed and whitespace-collapsed; a leading "# title" repeating it is not shown twice', () => {
    const e = accept(
      '2026-06-01-a.md',
      '---\ntitle: "  The   offer "\nsummary: "  a   b "\nprovenance: [https://t.me/a]\n---\n# The offer\n\nBody.\n',
    );
    expect([e.title, e.summary]).toEqual(['The offer', 'a b']);
    expect(e.blocks).toEqual([{ kind: 'paragraph', text: 'Body.', html: 'Body.' }]);
  });

  it('a "Wire provenance" section at the end of the body is accepted when the front matter has none', () => {
    const e = acceptFile(join(FIXTURES, 'valid', '2026-06-11-markdown-body-provenance.md'));
    expect(e.blocks).toEqual([{ kind: 'paragraph', text: 'The body paragraph.', html: 'The body paragraph.' }]);
    expect(e.framing).toBe('Monexus frames the offer as a closed door.');
    expect(e.provenanceIntro).toBe('This editorial synthesis draws on the following public posts:');
    expect(e.sources).toEqual([
      { url: 'https://t.me/harbour_watch', label: 'harbour_watch (Telegram)' },
      { url: 'https://example.org/wire/123', label: 'Example Wire' },
      { url: 'https://example.org/wire/456', label: 'example.org' },
    ]);
  });
});

describe('Markdown body', () => {
  it('maps headings, lists, quotes, code and tables to blocks', () => {
    const e = features();
    expect(e.blocks.map((b) => (b.kind === 'heading' ? `h${b.level}` : b.kind))).toEqual([
      'h2', // "# The offer ..." (a level-1 heading inside the body)
      'paragraph',
      'h4',
      'h4',
      'list',
      'quote',
      'code',
      'code',
      'paragraph', // the table
      'paragraph', // the raw HTML block, as text
    ]);
    expect(e.blocks[4]).toEqual({
      kind: 'list',
      ordered: true,
      items: [
        { text: 'First item', html: 'First <em>item</em>' },
        { text: 'Second item nested a; nested b', html: 'Second item nested a; nested b' },
      ],
    });
    expect(e.blocks[5]).toEqual({
      kind: 'quote',
      paragraphs: [
        { text: 'Quoted text.', html: 'Quoted <strong>text</strong>.' },
        { text: 'Second quoted paragraph.', html: 'Second quoted paragraph.' },
      ],
    });
    expect(e.blocks[6]).toEqual({ kind: 'code', text: 'code <block> {{x}}' });
    expect(e.blocks[7]).toEqual({ kind: 'code', text: 'indented code' });
    expect(e.blocks[8]).toMatchObject({ text: 'Port | Ships\nOdesa | 11' });
  });

  it('keeps emphasis, code and http/https/mailto links; other links and raw HTML become text', () => {
    const p = features().blocks[1]!;
    if (p.kind !== 'paragraph') expect.fail('expected a paragraph');
    expect(p.html).toContain('<em>emphasis</em>');
    expect(p.html).toContain('<strong>strong</strong>');
    expect(p.html).toContain('<code>code &lt;b&gt;</code>');
    expect(p.html).toContain('<a href="https://example.org/a?b=1&amp;c=2">good link</a>');
    expect(p.html).toContain('<a href="mailto:desk@example.org">mail link</a>');
    expect(p.html).not.toMatch(/href="(?!https?:|mailto:)/);
    expect(p.html).toContain('a relative link,');
    expect(p.html).toContain('raw &lt;b&gt;HTML&lt;/b&gt;, &lt;mj-text&gt;MJML&lt;/mj-text&gt;, {{title}}');
    expect(p.html).toContain('<br>');
    expect(p.text).toContain('[bad link](javascript:alert(1))');
    expect(p.text).toContain('raw <b>HTML</b>, <mj-text>MJML</mj-text>, {{title}} and an image alt text.');
    expect(p.text).toContain('After a hard break & an entity.');
  });

  it('every inline fragment holds only em, strong, code, safe links and br, and reads as its text (libxml2)', () => {
    const e = features();
    const all = inlines(e.blocks);
    const report = inspectHtml(all.map((i) => i.html).join('<br>'));
    expect(report.disallowed).toBe(0);
    expect(report.unsafeLinks).toBe(0);
    // A <br> is a line break in the text but has no text of its own in the HTML: compare without whitespace.
    const bare = (t: string) => t.replace(/\s+/gu, '');
    expect(bare(report.text)).toBe(bare(all.map((i) => i.text).join('')));
    expect(report.text).toContain('<script>alert(1)</script>');
  });
});
