import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { articleHtml } from '../../src/render/article.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { leadText } from '../../src/render/body.ts';
import { dropForbiddenChars } from '../../src/render/escape.ts';
import { entryId, renderAtom, renderFeeds, renderJsonFeed, renderRss } from '../../src/render/feeds/index.ts';
import { FeedWindow } from '../../src/render/feeds/window.ts';
import { mediaTopicsOf } from '../../src/render/media-topics.ts';
import { urls } from '../../src/render/urls.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { parseFeedTexts, type ParsedEntry, type ParsedFeed } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';

const config = loadConfig();
const NOW = new Date('2026-07-01T00:00:00Z');

function variants(): Editorial[] {
  return [
    makeEditorial({
      slug: '2026-06-10-port-cyrillic',
      title: 'Переговоры в порту: что дальше',
      lang: 'ru',
      topics: ['дипломатия'],
      published: new Date('2026-06-10T08:00:00Z'),
      updated: new Date('2026-06-10T08:00:00Z'),
      blocks: [
        { kind: 'paragraph', ...inline('Портовые власти предложили переговоры. Предложение пришло с условиями.') },
      ],
      sources: [{ url: 'https://t.me/port_news', label: 'port_news (Telegram)' }],
    }),
    makeEditorial({
      slug: '2026-06-09-port-arabic',
      title: 'محادثات الميناء التي لم تحدث',
      lang: 'ar',
      dir: 'rtl',
      summary: 'عرضت سلطة الميناء إجراء محادثات.',
      published: new Date('2026-06-09T06:30:00Z'),
      updated: new Date('2026-06-09T06:30:00Z'),
      blocks: [{ kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات. جاء العرض مع مكان وموعد نهائي.') }],
      sources: [
        { url: 'https://t.me/arabic_wire', label: 'قناة الأخبار (Telegram)' },
        { url: 'https://example.org/ar/1', label: 'Example Wire' },
      ],
    }),
    makeEditorial({
      slug: '2026-06-08-emoji',
      title: 'Harbour 🚢 talks 🦀 and 𝕏 posts',
      author: 'Desk 🧭',
      published: new Date('2026-06-08T12:00:00Z'),
      updated: new Date('2026-06-08T12:00:00Z'),
      blocks: [{ kind: 'paragraph', ...inline('Ships 🚢 wait; crabs 🦀 do not. Astral 𝒜 letters too.') }],
    }),
    makeEditorial({
      slug: '2026-06-07-markup',
      title: 'Bold <b>claims</b> & "quotes" ]]> \u0001done\u000B',
      summary: 'A <summary> with ]]> & <i>markup</i>',
      framing: 'Monexus frames ]]> as <em>text</em> & more',
      published: new Date('2026-06-07T00:00:00Z'),
      updated: new Date('2026-06-07T00:00:00Z'),
      topics: ['ports & shipping', '<topic>'],
      blocks: [
        { kind: 'paragraph', ...inline('Close a CDATA section: ]]> then <script>alert(1)</script> & {{template}}.') },
        { kind: 'code', text: 'a]]>b ]]]]> <![CDATA[ x' },
      ],
      sources: [{ url: 'https://example.org/wire?a=1&b=2', label: 'Wire "A" & <B>' }],
    }),
    makeEditorial({
      slug: '2026-06-06-corrected',
      title: 'The harbour talks that were not',
      correction: 'An earlier version misnamed the port authority.',
      published: new Date('2026-06-06T00:00:00Z'),
      updated: new Date('2026-06-11T15:45:00Z'),
      topics: ['diplomacy', 'ports'],
    }),
  ];
}

function windowed(editorials: readonly Editorial[], limit = config.feeds.limit): Editorial[] {
  const window = new FeedWindow(limit, NOW);
  for (const e of editorials) window.add(e);
  return window.entries();
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHtml(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return HTML_ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** The provenance footer at the end of a content value, with each source as [href, label]. */
function footerOf(content: string): { sources: [string, string][]; text: string } {
  const html = content.trimEnd();
  expect(html.endsWith('</footer>'), `content ends with the provenance footer: …${html.slice(-120)}`).toBe(true);
  const footer = html.slice(html.lastIndexOf('<footer'));
  const sources = [...footer.matchAll(/<a [^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/g)].map((m): [string, string] => [
    unescapeHtml(m[1]!),
    unescapeHtml(m[2]!),
  ]);
  return { sources, text: unescapeHtml(footer.replace(/<[^>]*>/g, ' ')) };
}

function expectEntryMatches(entry: ParsedEntry, editorial: Editorial, format: 'rss' | 'atom') {
  expect(entry.title).toBe(dropForbiddenChars(editorial.title));
  expect(entry.link).toBe(urls.page(config, editorial.slug));
  expect(entry.id).toBe(entryId(config, editorial.slug));
  expect(entry.published_iso).toBe(editorial.published.toISOString().replace('.000Z', 'Z'));
  expect(entry.author).toBe(editorial.author ?? config.publication.name);
  // Atom adds a category per Media Topic the configuration maps a topic to: its code under the IPTC scheme.
  const codes = mediaTopicsOf(editorial.topics, editorial.lang, config).map((t) => t.code.slice('medtop:'.length));
  expect(entry.tags).toEqual(format === 'atom' ? [...editorial.topics, ...codes] : editorial.topics);
  expect(entry.content).toHaveLength(1);
  const footer = footerOf(entry.content[0]!);
  expect(footer.sources).toEqual(editorial.sources.map((s) => [s.url, s.label]));
  // The heading is in the editorial's language (Russian and Arabic editorials have their own).
  expect(footer.text).toContain(chromeOf(editorial, config).t('article.provenanceHeading'));
  if (editorial.framing) expect(footer.text.replace(/\s+/g, ' ')).toContain(editorial.framing);
  const via = entry.links.filter((l) => l.rel === 'via').map((l) => [l.href, l.title]);
  expect(via).toEqual(editorial.sources.map((s) => [s.url, s.label]));
  const summary = editorial.summary ?? leadText(editorial.blocks);
  // RSS descriptions are HTML, so the text comes back HTML-escaped; Atom says type="text".
  expect(format === 'rss' ? unescapeHtml(entry.summary ?? '') : entry.summary).toBe(summary);
  if (editorial.correction) expect(entry.content[0]).toContain(editorial.correction);
}

describe('feeds over realistic editorials (Cyrillic, Arabic, emoji, markup, a correction)', () => {
  const entries = windowed(variants());
  const feeds = renderFeeds(entries, config);
  const [rss, atom] = parseFeedTexts([feeds.rss, feeds.atom]) as [ParsedFeed, ParsedFeed];

  it('writes well-formed XML, according to xmllint', async () => {
    expect(await xmllintTexts([feeds.rss, feeds.atom])).toEqual(['', '']);
  });

  it('lists the editorials newest first', () => {
    const slugs = entries.map((e) => e.slug);
    expect(slugs).toEqual([
      '2026-06-10-port-cyrillic',
      '2026-06-09-port-arabic',
      '2026-06-08-emoji',
      '2026-06-07-markup',
      '2026-06-06-corrected',
    ]);
    const json = JSON.parse(feeds.json) as { items: { id: string }[] };
    const ids = slugs.map((s) => entryId(config, s));
    expect(rss.entries.map((e) => e.id)).toEqual(ids);
    expect(atom.entries.map((e) => e.id)).toEqual(ids);
    expect(json.items.map((i) => i.id)).toEqual(ids);
  });

  it('RSS: feedparser reads it without complaint and sees every field', () => {
    expect(rss.bozo_exception).toBeNull();
    expect(rss.bozo).toBe(false);
    expect(rss.version).toBe('rss20');
    expect(rss.feed.title).toBe(config.publication.name);
    expect(rss.feed.link).toBe(urls.home(config));
    expect(rss.feed.language).toBe(config.publication.language);
    expect(rss.feed.rights).toBe(config.rights.copyrightNotice);
    expect(rss.feed.links).toContainEqual(
      expect.objectContaining({ rel: 'self', href: urls.rss(config), type: 'application/rss+xml' }),
    );
    // Channel dates come from the items: the latest correction and the latest publication.
    expect(rss.feed.updated).toBe('Thu, 11 Jun 2026 15:45:00 GMT');
    expect(rss.feed.published).toBe('Wed, 10 Jun 2026 08:00:00 GMT');
    entries.forEach((editorial, n) => {
      const entry = rss.entries[n]!;
      expectEntryMatches(entry, editorial, 'rss');
      expect(entry.guidislink).toBe(false);
      expect(entry.published).toBe(editorial.published.toUTCString());
      expect(entry.published).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    });
  });

  it('Atom: feedparser reads it without complaint and sees every field', () => {
    expect(atom.bozo_exception).toBeNull();
    expect(atom.bozo).toBe(false);
    expect(atom.version).toBe('atom10');
    expect(atom.feed.id).toBe(`tag:monexus.example,2026:feed`);
    expect(atom.feed.title).toBe(config.publication.name);
    expect(atom.feed.subtitle).toBe(config.publication.description);
    expect(atom.feed.rights).toBe(config.rights.copyrightNotice);
    expect(atom.feed.updated).toBe('2026-06-11T15:45:00Z');
    expect(atom.feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: urls.atom(config) }));
    expect(atom.feed.links).toContainEqual(
      expect.objectContaining({ rel: 'alternate', href: urls.home(config), type: 'text/html' }),
    );
    entries.forEach((editorial, n) => {
      const entry = atom.entries[n]!;
      expectEntryMatches(entry, editorial, 'atom');
      expect(entry.title_type).toBe('text/plain');
      expect(entry.updated_iso).toBe(editorial.updated.toISOString().replace('.000Z', 'Z'));
      expect(entry.language).toBe(editorial.lang);
      expect(entry.rights).toBe(config.rights.copyrightNotice);
      expect(entry.links).toContainEqual(
        expect.objectContaining({ rel: 'alternate', type: 'text/html', href: urls.page(config, editorial.slug) }),
      );
      expect(entry.links).toContainEqual(
        expect.objectContaining({ rel: 'related', href: urls.ninjs(config, editorial.slug) }),
      );
    });
  });

  it('JSON Feed: valid JSON Feed 1.1 carrying the full article and the provenance extension', () => {
    expect(jsonFeedErrors(feeds.json)).toEqual([]);
    const feed = JSON.parse(feeds.json);
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: config.publication.name,
      home_page_url: urls.home(config),
      feed_url: urls.jsonFeed(config),
      description: config.publication.description,
      language: config.publication.language,
    });
    expect(feed.items).toHaveLength(entries.length);
    entries.forEach((editorial, n) => {
      const item = feed.items[n];
      expect(item.id).toBe(entryId(config, editorial.slug));
      expect(item.url).toBe(urls.page(config, editorial.slug));
      expect(item.title).toBe(dropForbiddenChars(editorial.title));
      expect(item.content_html).toBe(articleHtml(editorial, chromeOf(editorial, config)));
      footerOf(item.content_html);
      expect(item.summary).toBe(editorial.summary ?? leadText(editorial.blocks));
      expect(new Date(item.date_published).getTime()).toBe(editorial.published.getTime());
      expect(new Date(item.date_modified).getTime()).toBe(editorial.updated.getTime());
      expect(item.language).toBe(editorial.lang);
      expect(item.authors).toEqual([{ name: editorial.author ?? config.publication.name }]);
      const labels = mediaTopicsOf(editorial.topics, editorial.lang, config).map((t) => t.name);
      if (editorial.topics.length) expect(item.tags).toEqual([...new Set([...editorial.topics, ...labels])]);
      else expect(item.tags).toBeUndefined();
      expect(typeof item._provenance.about).toBe('string');
      expect(item._provenance.framing_note).toBe(editorial.framing);
      expect(item._provenance.sources).toEqual(editorial.sources.map((s) => ({ url: s.url, label: s.label })));
    });
  });

  it('keeps markup in titles as text in every format', () => {
    const markup = entries.find((e) => e.slug === '2026-06-07-markup')!;
    expect(feeds.rss).toContain('<title>Bold &#x3C;b&#x3E;claims&#x3C;/b&#x3E; &#x26; "quotes" ]]&#x3E; done</title>');
    expect(feeds.atom).toContain(
      '<title type="text">Bold &lt;b&gt;claims&lt;/b&gt; &amp; "quotes" ]]&gt; done</title>',
    );
    expect(feeds.rss).not.toContain('<script>');
    expect(JSON.parse(feeds.json).items[3].title).toBe(dropForbiddenChars(markup.title));
  });

  it('splits a literal ]]> in the article HTML so it cannot end the CDATA section early', async () => {
    // Escaping makes this impossible from editorial text; the split still guards the HTML itself.
    const raw = makeEditorial({
      slug: 'cdata',
      blocks: [{ kind: 'paragraph', text: 'a ]]> b', html: 'a ]]> b <![CDATA[ c' }],
    });
    const rss = renderRss([raw], config);
    expect(rss).toContain('a ]]]]><![CDATA[> b');
    expect(await xmllintTexts([rss])).toEqual(['']);
    const [parsed] = parseFeedTexts([rss]) as [ParsedFeed];
    expect(parsed.bozo).toBe(false);
    expect(unescapeHtml(parsed.entries[0]!.content[0]!)).toContain('<p>a ]]> b <![CDATA[ c</p>');
    footerOf(parsed.entries[0]!.content[0]!);
  });

  it('renders the same thing through each renderer alone as through renderFeeds', () => {
    expect(renderRss(entries, config)).toBe(feeds.rss);
    expect(renderAtom(entries, config)).toBe(feeds.atom);
    expect(renderJsonFeed(entries, config)).toBe(feeds.json);
  });
});

describe('ids and dates', () => {
  it('keeps every id across a correction while the updated date moves', () => {
    const original = makeEditorial({ slug: 'kept', updated: new Date('2026-06-04T00:00:00Z') });
    const corrected = makeEditorial({
      slug: 'kept',
      updated: new Date('2026-06-05T09:30:00Z'),
      correction: 'A date was wrong.',
    });
    const [before, after] = [renderFeeds([original], config), renderFeeds([corrected], config)];
    const parsed = parseFeedTexts([before.rss, after.rss, before.atom, after.atom]);
    const ids = parsed.map((p) => p.entries[0]!.id);
    ids.push(JSON.parse(before.json).items[0].id, JSON.parse(after.json).items[0].id);
    expect(new Set(ids)).toEqual(new Set([entryId(config, 'kept')]));
    expect(parsed[2]!.entries[0]!.updated_iso).toBe('2026-06-04T00:00:00Z');
    expect(parsed[3]!.entries[0]!.updated_iso).toBe('2026-06-05T09:30:00Z');
    expect(parsed[3]!.entries[0]!.content[0]).toContain('A date was wrong.');
  });

  it('gives byte-identical output for identical input', () => {
    const first = renderFeeds(windowed(variants()), config);
    const second = renderFeeds(windowed(variants().reverse()), config);
    expect(second.rss).toBe(first.rss);
    expect(second.atom).toBe(first.atom);
    expect(second.json).toBe(first.json);
  });

  it('renders a valid, deterministic feed with no items', async () => {
    const feeds = renderFeeds([], config);
    expect(renderFeeds([], config)).toEqual(feeds);
    expect(await xmllintTexts([feeds.rss, feeds.atom])).toEqual(['', '']);
    const [rss, atom] = parseFeedTexts([feeds.rss, feeds.atom]) as [ParsedFeed, ParsedFeed];
    expect([rss.bozo, atom.bozo]).toEqual([false, false]);
    expect(rss.entries).toEqual([]);
    expect(rss.feed.title).toBe(config.publication.name);
    expect(atom.feed.updated).toBe('1970-01-01T00:00:00Z');
    expect(jsonFeedErrors(feeds.json)).toEqual([]);
    expect(JSON.parse(feeds.json).items).toEqual([]);
  });

  it('takes the siteUrl path into every id and link', () => {
    const sub = loadConfig();
    sub.publication.siteUrl = 'https://news.example.org/desk';
    const feeds = renderFeeds([makeEditorial()], sub);
    const [atom] = parseFeedTexts([feeds.atom]) as [ParsedFeed];
    expect(atom.bozo).toBe(false);
    expect(atom.feed.id).toBe('tag:news.example.org,2026:desk/feed');
    expect(atom.entries[0]!.id).toBe('tag:news.example.org,2026:desk/editorials/2026-06-04-harbour-talks');
    expect(atom.entries[0]!.link).toBe('https://news.example.org/desk/editorials/2026-06-04-harbour-talks/');
  });
});

describe('the feed window', () => {
  const day = 24 * 60 * 60 * 1000;
  const start = Date.parse('2026-01-01T00:00:00Z');
  const many = Array.from({ length: 60 }, (_, n) =>
    makeEditorial({
      slug: `2026-e-${String(n).padStart(2, '0')}`,
      title: `Editorial ${n}`,
      published: new Date(start + n * day),
      updated: new Date(start + n * day),
    }),
  );
  const withdrawn = makeEditorial({
    slug: 'withdrawn',
    status: 'withdrawn',
    published: new Date(start + 100 * day),
    updated: new Date(start + 100 * day),
  });
  const embargoed = makeEditorial({
    slug: 'embargoed',
    published: new Date(start + 101 * day),
    updated: new Date(start + 101 * day),
    embargo: new Date(NOW.getTime() + day),
  });

  it('keeps the newest 50 public editorials, newest first, in all three feeds', () => {
    const shuffled = [...many.slice(30), withdrawn, ...many.slice(0, 30), embargoed];
    const entries = windowed(shuffled, 50);
    const feeds = renderFeeds(entries, config);
    const expected = many
      .slice(10)
      .reverse()
      .map((e) => entryId(config, e.slug));
    const [rss, atom] = parseFeedTexts([feeds.rss, feeds.atom]) as [ParsedFeed, ParsedFeed];
    expect(rss.entries.map((e) => e.id)).toEqual(expected);
    expect(atom.entries.map((e) => e.id)).toEqual(expected);
    expect(JSON.parse(feeds.json).items.map((i: { id: string }) => i.id)).toEqual(expected);
    for (const text of [feeds.rss, feeds.atom, feeds.json]) {
      expect(text).not.toContain('withdrawn');
      expect(text).not.toContain('embargoed');
    }
  });
});
