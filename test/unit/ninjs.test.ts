import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { articleHtml } from '../../src/render/article.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { provenanceFooterHtml } from '../../src/render/footer.ts';
import { renderNinjs, type Ninjs } from '../../src/render/ninjs.ts';
import { urls } from '../../src/render/urls.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';

const config = loadConfig();

const variants: Record<string, Editorial> = {
  plain: makeEditorial(),
  'markdown with topics': makeEditorial({
    form: 'markdown',
    file: '2026-07-13-example.md',
    slug: '2026-07-13-example',
    summary: 'A standfirst: the port authority said one thing and meant another.',
    author: 'Monexus Desk',
    topics: ['diplomacy', 'shipping & ports'],
    blocks: [
      {
        kind: 'paragraph',
        html: 'The <em>offer</em> was <a href="https://example.org/a?b=1&amp;c=2">public</a>.',
        text: 'The offer was public.',
      },
      { kind: 'quote', paragraphs: [inline('Come to the harbour, they said.')] },
      { kind: 'list', ordered: true, items: [inline('A meeting'), inline('A pause'), inline('A swap')] },
      { kind: 'code', text: '{{title}} <mj-text>' },
    ],
  }),
  correction: makeEditorial({
    correction: 'An earlier version gave the wrong date for the offer.',
    updated: new Date('2026-06-05T09:15:00Z'),
  }),
  withdrawn: makeEditorial({
    status: 'withdrawn',
    summary: 'The port authority offered talks.',
    correction: 'This editorial relied on a post that was later deleted.',
    updated: new Date('2026-06-06T12:00:00Z'),
  }),
  embargoed: makeEditorial({ embargo: new Date('2026-06-04T06:00:00Z') }),
  arabic: makeEditorial({
    slug: '2026-06-04-ميناء',
    lang: 'ar',
    dir: 'rtl',
    title: 'محادثات الميناء التي لم تحدث',
    summary: 'عرضت سلطة الميناء إجراء محادثات.',
    framing: 'يصوّر Monexus العرض كباب مغلق.',
    topics: ['دبلوماسية'],
    sources: [
      { url: 'https://t.me/harbour_watch', label: 'harbour_watch (Telegram)' },
      { url: 'https://xn--mgbh0fb.example/%D8%AE%D8%A8%D8%B1', label: 'مثال إخباري' },
    ],
    blocks: [{ kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات. جاء العرض مع مكان وموعد نهائي.') }],
  }),
  'every wire field': makeEditorial({
    form: 'markdown',
    author: 'Olena Kovalenko',
    topics: ['energy', 'أمن', 'europe'],
    genre: 'opinion',
    urgency: 2,
    dateline: 'Kyiv',
    aiAssistance: 'generative-edits',
  }),
  emoji: makeEditorial({
    title: 'Harbour talks 🚢⚓ — the 👩🏽‍💻 desk’s “view”',
    summary: 'Flags 🇺🇦 and families 👨‍👩‍👧 survive the trip.',
    sources: [{ url: 'https://example.org/wire/🚢', label: 'Wire 📰 desk' }].map((s) => ({
      ...s,
      url: new URL(s.url).href,
    })),
  }),
};

describe('ninjs 3.1 for partners', () => {
  it.each(Object.entries(variants))('%s validates against the IPTC ninjs 3.1 schema', (_, editorial) => {
    const document = renderNinjs(editorial, config);
    expect(ninjsErrors(document)).toEqual([]);
    // What partners receive is the JSON text: it must survive serialisation unchanged and still validate.
    const sent = JSON.parse(JSON.stringify(document)) as unknown;
    expect(sent).toEqual(document);
    expect(ninjsErrors(sent)).toEqual([]);
  });

  it('is checked by a validator that rejects what the schema forbids', () => {
    const document = renderNinjs(variants.plain!, config);
    expect(ninjsErrors({ ...document, pubStatus: 'withdrawn' })).not.toEqual([]);
    expect(ninjsErrors({ ...document, copyrightHolder: { name: 'Monexus' } })).not.toEqual([]);
    expect(ninjsErrors({ ...document, links: [] })).not.toEqual([]);
  });

  it('declares the standard it follows and carries the editorial metadata', () => {
    const editorial = variants['markdown with topics']!;
    const document = renderNinjs(editorial, config);
    expect(document.standard).toEqual({
      name: 'ninjs',
      version: '3.1',
      schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#',
    });
    expect(document.type).toBe('text');
    expect(document.headlines).toEqual([{ role: 'main', contentType: 'text/plain', value: editorial.title }]);
    expect(document.descriptions).toContainEqual({
      role: 'summary',
      contentType: 'text/plain',
      value: editorial.summary,
    });
    expect(document.by).toBe('Monexus Desk');
    expect(document.subjects).toEqual([
      { name: 'diplomacy', uri: 'http://cv.iptc.org/newscodes/mediatopic/20000639' },
      { name: 'diplomacy', uri: 'https://monexus.example/topics/diplomacy/' },
      { name: 'shipping & ports', uri: 'https://monexus.example/topics/shipping-ports/' },
    ]);
    expect(document.language).toBe('en');
    expect(document.copyrightHolder).toBe(config.rights.copyrightHolder);
    expect(document.copyrightNotice).toBe(config.rights.copyrightNotice);
    expect(document.usageTerms).toBe(config.rights.usageTerms);
    expect(document.firstCreated).toBe('2026-06-04T00:00:00Z');
    expect(document.pubStatus).toBe('usable');
  });

  it('tells partners what the item is: genre, urgency, other ids, the body as HTML and plain text', () => {
    const editorial = variants['markdown with topics']!;
    const document = renderNinjs(editorial, config);
    expect(document.genres).toEqual([{ name: 'Analysis', uri: 'http://cv.iptc.org/newscodes/genre/Analysis' }]);
    expect(document.urgency).toBe(5);
    expect(document.altIds).toEqual([
      { role: 'slug', value: '2026-07-13-example' },
      { role: 'feedEntryId', value: 'tag:monexus.example,2026:editorials/2026-07-13-example' },
    ]);
    const [html, text] = document.bodies;
    expect(html?.contentType).toBe('text/html');
    expect(text).toMatchObject({ role: 'main', contentType: 'text/plain' });
    expect(text?.value).toContain('The offer was public.');
    expect(text?.value).toContain('1. A meeting');
    expect(text?.value).toContain('{{title}} <mj-text>');
    expect(text?.value).toContain('- harbour_watch (Telegram): https://t.me/harbour_watch');
    expect(text?.value).not.toContain('<em>');
    expect(text?.value).not.toContain('<footer');
    expect(text?.wordCount).toBeGreaterThan(0);
  });

  it('says nothing the editorial did not: no place, no production declaration, no invented subject', () => {
    for (const name of ['plain', 'markdown with topics', 'correction', 'withdrawn', 'embargoed', 'arabic'] as const) {
      const document = renderNinjs(variants[name]!, config) as unknown as Record<string, unknown>;
      expect(document, name).not.toHaveProperty('located');
      expect(document, name).not.toHaveProperty('digitalSourceType');
    }
    expect(renderNinjs(variants.plain!, config)).not.toHaveProperty('subjects');
    // A topic the configuration maps to no Media Topic is carried as itself only.
    expect(renderNinjs(variants.arabic!, config).subjects).toEqual([
      { name: 'دبلوماسية', uri: `https://monexus.example/topics/${encodeURIComponent('دبلوماسية')}/` },
    ]);
  });

  it('carries the genre, urgency, dateline and production the editorial declares', () => {
    const document = renderNinjs(variants['every wire field']!, config);
    expect(document.genres).toEqual([{ name: 'Opinion', uri: 'http://cv.iptc.org/newscodes/genre/Opinion' }]);
    expect(document.urgency).toBe(2);
    expect(document.located).toBe('Kyiv');
    expect(document.by).toBe('Olena Kovalenko');
    expect(document.digitalSourceType).toEqual({
      name: 'Edited using Generative AI',
      uri: 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia',
    });
    expect(document.subjects).toEqual([
      { name: 'energy and resource', uri: 'http://cv.iptc.org/newscodes/mediatopic/20000256' },
      { name: 'security measures (defence)', uri: 'http://cv.iptc.org/newscodes/mediatopic/20000603' },
      { name: 'energy', uri: 'https://monexus.example/topics/energy/' },
      { name: 'أمن', uri: `https://monexus.example/topics/${encodeURIComponent('أمن')}/` },
      { name: 'europe', uri: 'https://monexus.example/topics/europe/' },
    ]);
  });

  it('names each Media Topic in the language of the editorial, in English where IPTC has no label in it', () => {
    const names = (lang: string) =>
      renderNinjs(makeEditorial({ lang, topics: ['Energy', 'أمن'] }), config)
        .subjects!.filter((s) => s.uri?.startsWith('http://cv.iptc.org/'))
        .map((s) => s.name);
    expect(names('ar')).toEqual(['طاقة وموارد', 'اجراءات امنية']);
    expect(names('fr-FR')).toEqual(['Energie et ressources', 'Mesures de sécurité']);
    expect(names('de')).toEqual(['Energie', 'Sicherheitsmaßnahme (Verteidigung)']);
    expect(names('es')).toEqual(['Energía y recursos naturales', 'Medidas de seguridad']);
    expect(names('uk')).toEqual(['energy and resource', 'security measures (defence)']);
    expect(names('ru')).toEqual(['energy and resource', 'security measures (defence)']);
  });

  it('maps every production declaration to its IPTC digital source type', () => {
    const uris = (['none', 'algorithmic', 'generative-edits', 'generative'] as const).map((aiAssistance) => {
      const document = renderNinjs(makeEditorial({ aiAssistance }), config);
      expect(ninjsErrors(document)).toEqual([]);
      return document.digitalSourceType?.uri.slice('http://cv.iptc.org/newscodes/digitalsourcetype/'.length);
    });
    expect(uris).toEqual([
      'digitalCreation',
      'algorithmicallyEnhanced',
      'compositeWithTrainedAlgorithmicMedia',
      'trainedAlgorithmicMedia',
    ]);
  });

  it('credits the publication when the editorial names no author', () => {
    expect(renderNinjs(variants.plain!, config).by).toBe(config.publication.name);
  });

  it('carries every source with its URL and label, and the framing note', () => {
    for (const editorial of Object.values(variants)) {
      const document = renderNinjs(editorial, config);
      expect(document.infoSources).toEqual(
        editorial.sources.map((s) => ({ name: s.label, uri: s.url, role: 'source' })),
      );
      if (editorial.framing) {
        expect(document.descriptions).toContainEqual({
          role: 'framing',
          contentType: 'text/plain',
          value: editorial.framing,
        });
      }
    }
  });

  it('ends every body with the provenance footer', () => {
    for (const editorial of Object.values(variants)) {
      const [body] = renderNinjs(editorial, config).bodies;
      expect(body?.role).toBe('main');
      expect(body?.contentType).toBe('text/html');
      expect(body?.value.endsWith(provenanceFooterHtml(editorial, chromeOf(editorial, config)))).toBe(true);
      expect(body?.value).toContain(chromeOf(editorial, config).t('article.provenanceHeading'));
      expect(body?.charCount).toBeGreaterThan(0);
      expect(body?.wordCount).toBeGreaterThan(0);
    }
  });

  it('gives partners the full article: correction, body and footer', () => {
    const editorial = variants.correction!;
    expect(renderNinjs(editorial, config).bodies[0]?.value).toBe(articleHtml(editorial, chromeOf(editorial, config)));
  });

  it('keeps the uri across a correction while version and versionCreated move forward', () => {
    const first = makeEditorial();
    const corrected = makeEditorial({ correction: 'A date was wrong.', updated: new Date('2026-06-05T09:15:00Z') });
    const again = makeEditorial({ correction: 'Two dates were wrong.', updated: new Date('2026-06-07T18:00:00Z') });
    const [a, b, c] = [first, corrected, again].map((e) => renderNinjs(e, config)) as [Ninjs, Ninjs, Ninjs];
    expect(b.uri).toBe(a.uri);
    expect(c.uri).toBe(a.uri);
    expect(a.version).toBe('1');
    expect(Number(b.version)).toBeGreaterThan(Number(a.version));
    expect(Number(c.version)).toBeGreaterThan(Number(b.version));
    expect(new Set([a.versionCreated, b.versionCreated, c.versionCreated]).size).toBe(3);
    expect(c.versionCreated).toBe('2026-06-07T18:00:00Z');
    expect(b.firstCreated).toBe(a.firstCreated);
    expect(b.edNote).toBe('A date was wrong.');
    expect(a.edNote).toBeUndefined();
  });

  it('versions increase with every later update, whatever the times', () => {
    const published = new Date('2026-06-04T00:00:00Z').getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }),
        fc.integer({ min: 1_000, max: 365 * 86_400_000 }),
        (after, gap) => {
          const earlier = renderNinjs(makeEditorial({ updated: new Date(published + after) }), config);
          const later = renderNinjs(makeEditorial({ updated: new Date(published + after + gap) }), config);
          return (
            Number(later.version) > Number(earlier.version) && Number(earlier.version) > 1 && later.uri === earlier.uri
          );
        },
      ),
    );
  });

  it('links the web page and itself', () => {
    const editorial = variants.arabic!;
    const document = renderNinjs(editorial, config);
    expect(document.renditions).toEqual([
      { name: 'canonical', title: 'صفحة الويب', href: urls.page(config, editorial.slug), contentType: 'text/html' },
      {
        name: 'self',
        title: 'مستند ninjs هذا',
        href: urls.ninjs(config, editorial.slug),
        contentType: 'application/json',
      },
    ]);
    expect(document.uri).toBe(`https://monexus.example/editorials/${encodeURIComponent(editorial.slug)}`);
  });

  it('cancels a withdrawn editorial and stops distributing its text', () => {
    const editorial = variants.withdrawn!;
    const document = renderNinjs(editorial, config);
    expect(document.pubStatus).toBe('canceled');
    const body = document.bodies[0]!.value;
    expect(body).toContain('withdrawn');
    expect(body).not.toContain('The port authority offered talks');
    expect(body).toContain(editorial.correction);
    expect(document.descriptions.map((d) => d.role)).toEqual(['framing']);
    expect(document.edNote).toBe(editorial.correction);
  });

  it('withholds an embargoed editorial until the embargo ends', () => {
    const editorial = variants.embargoed!;
    expect(renderNinjs(editorial, config).embargoedUntil).toBe('2026-06-04T06:00:00Z');
    expect(renderNinjs(editorial, config).pubStatus).toBe('withheld');
    expect(renderNinjs(editorial, config, { now: new Date('2026-06-04T05:59:59Z') }).pubStatus).toBe('withheld');
    expect(renderNinjs(editorial, config, { now: new Date('2026-06-04T06:00:00Z') }).pubStatus).toBe('usable');
    expect(renderNinjs(variants.plain!, config).embargoedUntil).toBeUndefined();
  });

  it('is deterministic: the same editorial gives byte-identical JSON', () => {
    for (const editorial of Object.values(variants)) {
      const once = JSON.stringify(renderNinjs(editorial, config));
      const twice = JSON.stringify(renderNinjs(structuredClone(editorial), config));
      expect(twice).toBe(once);
    }
  });

  it('stays valid and faithful for any text in the editorial', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        fc.array(text, { maxLength: 3 }),
        fc.option(text, { nil: undefined }),
        (title, summary, framing, label, topics, dateline) => {
          const editorial = makeEditorial({
            title,
            summary,
            framing,
            topics,
            ...(dateline === undefined ? {} : { dateline }),
            correction: summary,
            sources: [{ url: 'https://example.org/wire/1', label }],
            blocks: [{ kind: 'paragraph', ...inline(title) }],
          });
          const sent = JSON.parse(JSON.stringify(renderNinjs(editorial, config))) as Ninjs;
          expect(ninjsErrors(sent)).toEqual([]);
          expect(sent.headlines[0]?.value).toBe(title);
          expect(sent.infoSources[0]?.name).toBe(label);
          expect(sent.edNote).toBe(summary);
          expect(sent.located).toBe(dateline);
        },
      ),
      { numRuns: 200 },
    );
  });
});
