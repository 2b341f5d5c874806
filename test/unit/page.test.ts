import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { provenanceFooterHtml } from '../../src/render/footer.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { renderPage, scriptSafeJson } from '../../src/render/page.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';

const config = loadConfig();

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/**
 * A small well-formedness check for the markup this project writes: every non-void element closed in
 * order, nothing left open, raw-text elements (script, style) skipped.
 */
function structureProblems(html: string): string[] {
  const problems: string[] = [];
  if (!html.startsWith('<!doctype html>\n')) problems.push('missing <!doctype html>');
  const markup = html
    .replace(/<!doctype html>/i, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  if (/<(script|style)\b/i.test(markup)) problems.push('raw-text element not closed');
  const stack: string[] = [];
  for (const match of markup.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*>/g)) {
    const [, closing, rawName] = match;
    const name = rawName!.toLowerCase();
    if (VOID.has(name)) {
      if (closing) problems.push(`closing tag for void element ${name}`);
      continue;
    }
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> does not close the open element`);
  }
  if (stack.length) problems.push(`left open: ${stack.join(', ')}`);
  if (/<(?![a-zA-Z/!])/.test(markup)) problems.push('stray "<" in text');
  return problems;
}

function jsonLd(html: string): Record<string, unknown> {
  const scripts = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
  expect(scripts).toHaveLength(1);
  return JSON.parse(scripts[0]![1]!) as Record<string, unknown>;
}

const meta = (html: string, attr: 'name' | 'property', key: string) =>
  [...html.matchAll(new RegExp(`<meta ${attr}="${key.replace(/[.+:]/g, '\\$&')}" content="([^"]*)">`, 'g'))].map(
    (m) => m[1],
  );

const variants: Record<string, Editorial> = {
  plain: makeEditorial(),
  topics: makeEditorial({ topics: ['diplomacy', 'ports'], summary: 'The standfirst.', author: 'Monexus Desk' }),
  correction: makeEditorial({
    correction: 'An earlier version gave the wrong date.',
    updated: new Date('2026-06-05T09:15:00Z'),
  }),
  withdrawn: makeEditorial({
    status: 'withdrawn',
    summary: 'The port authority offered talks.',
    updated: new Date('2026-06-06T12:00:00Z'),
  }),
  arabic: makeEditorial({
    lang: 'ar',
    dir: 'rtl',
    title: 'محادثات الميناء التي لم تحدث',
    blocks: [{ kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات.') }],
  }),
  hostile: makeEditorial({
    title: '</script><script>window.x=1</script> {{x}} <mj-text>',
    summary: '</script><!-- & \u2028 -->',
    framing: '<b>framing</b> {{{raw}}}',
    sources: [{ url: 'https://example.org/?q=%3Cscript%3E&a=1', label: '</a><script>bad()</script>' }],
  }),
};

describe('web page', () => {
  it.each(Object.entries(variants))('%s: is a well-formed HTML5 document', (_, editorial) => {
    expect(structureProblems(renderPage(editorial, config))).toEqual([]);
  });

  it('has the head a browser, a search engine and a link preview need', () => {
    const editorial = variants.topics!;
    const html = renderPage(editorial, config);
    const page = 'https://monexus.example/editorials/2026-06-04-harbour-talks/';
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>The harbour talks that were not — Monexus</title>');
    expect(meta(html, 'name', 'description')).toEqual(['The standfirst.']);
    expect(html).toContain(`<link rel="canonical" href="${page}">`);
    expect(html).toContain(
      'type="application/rss+xml" title="Monexus (RSS)" href="https://monexus.example/feeds/rss.xml"',
    );
    expect(html).toContain(
      'type="application/atom+xml" title="Monexus (Atom)" href="https://monexus.example/feeds/atom.xml"',
    );
    expect(html).toContain(
      'type="application/feed+json" title="Monexus (JSON Feed)" href="https://monexus.example/feeds/feed.json"',
    );
    expect(meta(html, 'property', 'og:type')).toEqual(['article']);
    expect(meta(html, 'property', 'og:title')).toEqual([editorial.title]);
    expect(meta(html, 'property', 'og:url')).toEqual([page]);
    expect(meta(html, 'property', 'og:site_name')).toEqual(['Monexus']);
    expect(meta(html, 'property', 'og:locale')).toEqual(['en']);
    expect(meta(html, 'property', 'article:published_time')).toEqual(['2026-06-04T00:00:00Z']);
    expect(meta(html, 'property', 'article:modified_time')).toEqual(['2026-06-04T00:00:00Z']);
    expect(meta(html, 'property', 'article:author')).toEqual(['Monexus Desk']);
    expect(meta(html, 'property', 'article:tag')).toEqual(['diplomacy', 'ports']);
    expect(meta(html, 'name', 'robots')).toEqual([]);
  });

  it('falls back to the lead of the body for the description', () => {
    const html = renderPage(variants.plain!, config);
    expect(meta(html, 'name', 'description')).toEqual([
      'The port authority offered talks. The offer came with a venue attached &amp; a deadline.',
    ]);
  });

  it('describes itself as a NewsArticle in JSON-LD', () => {
    const editorial = variants.correction!;
    const data = jsonLd(renderPage(editorial, config));
    expect(data).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: editorial.title,
      datePublished: '2026-06-04T00:00:00Z',
      dateModified: '2026-06-05T09:15:00Z',
      publisher: { '@type': 'Organization', name: 'Monexus' },
      inLanguage: 'en',
      url: 'https://monexus.example/editorials/2026-06-04-harbour-talks/',
      correction: { '@type': 'CorrectionComment', text: editorial.correction },
    });
    expect(data.isBasedOn).toEqual(
      editorial.sources.map((s) => ({ '@type': 'CreativeWork', url: s.url, name: s.label })),
    );
    expect(jsonLd(renderPage(variants.plain!, config)).correction).toBeUndefined();
  });

  it('shows the correction above the body and the provenance footer at the end of the article', () => {
    const editorial = variants.correction!;
    const html = renderPage(editorial, config);
    const correction = html.indexOf('<aside class="correction"');
    const body = html.indexOf('<div class="article-body">');
    const footer = html.indexOf(provenanceFooterHtml(editorial, chromeOf(editorial, config)));
    expect(correction).toBeGreaterThan(html.indexOf('<h1>'));
    expect(body).toBeGreaterThan(correction);
    expect(footer).toBeGreaterThan(body);
    expect(html.indexOf('</article>')).toBe(
      footer + provenanceFooterHtml(editorial, chromeOf(editorial, config)).length + 1,
    );
    expect(html).toMatch(/Updated <time class="updated" datetime="2026-06-05T09:15:00Z">/);
    expect(renderPage(variants.plain!, config)).not.toContain('Updated');
  });

  it('offers a subscribe form and ends with the postal address and rights notice', () => {
    const html = renderPage(variants.plain!, config);
    expect(html).toContain('<form method="post" action="https://monexus.example/subscribe">');
    expect(html).toMatch(/<input id="subscribe-email" type="email" name="email" required autocomplete="email"/);
    expect(html).toContain('<label for="subscribe-email">');
    expect(html).toContain('<input type="hidden" name="source" value="2026-06-04-harbour-talks">');
    expect(html).toContain('<button type="submit">');
    expect(html).toContain(`<address>${config.postalAddress}</address>`);
    expect(html).toContain('© Monexus. Sources remain the property of their authors.');
  });

  it('says a withdrawn editorial was withdrawn, shows no body and asks not to be indexed', () => {
    const editorial = variants.withdrawn!;
    const html = renderPage(editorial, config);
    expect(html).toContain('has withdrawn this editorial');
    expect(html).toContain(`<h1>${editorial.title}</h1>`);
    expect(html).not.toContain('The port authority offered talks');
    expect(html).not.toContain('article-body');
    expect(html).toContain(provenanceFooterHtml(editorial, chromeOf(editorial, config)));
    expect(meta(html, 'name', 'robots')).toEqual(['noindex']);
  });

  it('renders right-to-left languages right to left', () => {
    const html = renderPage(variants.arabic!, config);
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(meta(html, 'property', 'og:locale')).toEqual(['ar']);
    expect(html).toMatch(/padding-inline-start|margin-inline/);
  });

  it('shows editorial markup and template syntax as text', () => {
    const editorial = variants.hostile!;
    const html = renderPage(editorial, config);
    expect(html).toContain(
      '<h1>&lt;/script&gt;&lt;script&gt;window.x&#x3D;1&lt;/script&gt; {{x}} &lt;mj-text&gt;</h1>',
    );
    expect(html).toContain('&lt;b&gt;framing&lt;/b&gt; {{{raw}}}');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(jsonLd(html)).toMatchObject({ headline: editorial.title, description: editorial.summary });
  });

  it('keeps JSON-LD inert inside its script element', () => {
    const json = scriptSafeJson({ text: '</script><!--<script>&\u2028\u2029' });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ text: '</script><!--<script>&\u2028\u2029' });
  });

  it('stays well-formed with one script element for any editorial text', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(text, text, text, (title, summary, label) => {
        const editorial = makeEditorial({
          title,
          summary,
          framing: label,
          topics: [label],
          sources: [{ url: 'https://example.org/x', label }],
          blocks: [{ kind: 'paragraph', ...inline(summary) }],
        });
        const html = renderPage(editorial, config);
        expect(structureProblems(html)).toEqual([]);
        expect(html.match(/<\/?script/g)).toHaveLength(2);
        expect(jsonLd(html)).toMatchObject({ headline: title, description: summary });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same editorial gives a byte-identical page', () => {
    for (const editorial of Object.values(variants)) {
      expect(renderPage(structuredClone(editorial), config)).toBe(renderPage(editorial, config));
    }
  });
});
