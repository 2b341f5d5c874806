import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { configFrom, loadConfig } from '../../src/config.ts';
import {
  newsLanguage,
  renderNewsSitemap,
  renderRobots,
  renderSitemap,
  renderSitemapIndex,
  SitemapLimitError,
  type NewsItem,
  type SitemapUrl,
} from '../../src/render/sitemaps.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';

const config = loadConfig();
const NOW = new Date('2026-07-01T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';

// An independent reader: entities decoded, values kept as text, repeated elements always as arrays.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['url', 'sitemap'].includes(name),
});

interface Parsed {
  urlset?: { '@xmlns': string; '@xmlns:news'?: string; url?: Record<string, unknown>[] };
  sitemapindex?: { '@xmlns': string; sitemap?: Record<string, unknown>[] };
}

const parse = (xml: string) => parser.parse(xml) as Parsed;

const HOSTILE_LOC = 'https://monexus.example/search?q=a&b=<c>&d="e"&f=\'g\'';
const HOSTILE_TITLE = 'Ports & harbours: <script>alert(1)</script> "quoted" ]]>';

function newsItem(loc: string, hoursAgo: number, extra: Partial<NewsItem> = {}): NewsItem {
  return { loc, title: `Item ${loc}`, lang: 'en', published: new Date(NOW.getTime() - hoursAgo * HOUR), ...extra };
}

function locs(xml: string): string[] {
  return (parse(xml).urlset?.url ?? []).map((u) => u.loc as string);
}

describe('renderSitemap', () => {
  const urls: SitemapUrl[] = [
    { loc: 'https://monexus.example/', lastmod: new Date('2026-06-04T08:30:15.789Z') },
    { loc: HOSTILE_LOC },
    { loc: 'https://monexus.example/editorials/2026-06-04-harbour-talks/', lastmod: new Date('2026-06-04T00:00:00Z') },
  ];
  const xml = renderSitemap(urls);

  it('writes a sitemaps.org urlset of every URL in order, lastmod in UTC to the second', () => {
    const { urlset } = parse(xml);
    expect(urlset?.['@xmlns']).toBe(SITEMAP_NS);
    expect(urlset?.url).toEqual([
      { loc: 'https://monexus.example/', lastmod: '2026-06-04T08:30:15Z' },
      { loc: HOSTILE_LOC },
      { loc: 'https://monexus.example/editorials/2026-06-04-harbour-talks/', lastmod: '2026-06-04T00:00:00Z' },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  });

  it('escapes &, <, > and the quotes in URLs as sitemaps.org asks', () => {
    expect(xml).toContain(
      '<loc>https://monexus.example/search?q=a&amp;b=&lt;c&gt;&amp;d=&quot;e&quot;&amp;f=&apos;g&apos;</loc>',
    );
    expect(xml).not.toContain('&b=');
  });

  it('is byte-stable, and well-formed according to xmllint, empty or not', async () => {
    expect(renderSitemap(urls.map((u) => ({ ...u })))).toBe(xml);
    const empty = renderSitemap([]);
    expect(parse(empty).urlset?.url).toBeUndefined();
    expect(await xmllintTexts([xml, empty])).toEqual(['', '']);
  });

  it('takes 50,000 URLs and throws past them', async () => {
    const many = Array.from({ length: 50_000 }, (_, n) => ({ loc: `https://monexus.example/p/${n}` }));
    const full = renderSitemap(many);
    expect(parse(full).urlset?.url).toHaveLength(50_000);
    expect(await xmllintTexts([full])).toEqual(['']);
    expect(() => renderSitemap([...many, { loc: 'https://monexus.example/one-more' }])).toThrow(SitemapLimitError);
    expect(() => renderSitemap([...many, { loc: 'https://monexus.example/one-more' }])).toThrow(
      /at most 50000 entries, not 50001/,
    );
  });
});

describe('renderSitemapIndex', () => {
  const sitemaps: SitemapUrl[] = [
    { loc: 'https://monexus.example/sitemap-1.xml', lastmod: new Date('2026-06-30T23:59:59.999Z') },
    { loc: 'https://monexus.example/sitemap-2.xml?a=1&b=<2>' },
  ];
  const xml = renderSitemapIndex(sitemaps);

  it('lists the child sitemaps in a sitemapindex', async () => {
    const { sitemapindex } = parse(xml);
    expect(sitemapindex?.['@xmlns']).toBe(SITEMAP_NS);
    expect(sitemapindex?.sitemap).toEqual([
      { loc: 'https://monexus.example/sitemap-1.xml', lastmod: '2026-06-30T23:59:59Z' },
      { loc: 'https://monexus.example/sitemap-2.xml?a=1&b=<2>' },
    ]);
    expect(xml).toContain('<loc>https://monexus.example/sitemap-2.xml?a=1&amp;b=&lt;2&gt;</loc>');
    expect(renderSitemapIndex([...sitemaps])).toBe(xml);
    expect(await xmllintTexts([xml])).toEqual(['']);
  });

  it('throws past 50,000 sitemaps', () => {
    const many = Array.from({ length: 50_001 }, (_, n) => ({ loc: `https://monexus.example/sitemap-${n}.xml` }));
    expect(() => renderSitemapIndex(many)).toThrow(SitemapLimitError);
  });
});

describe('renderNewsSitemap', () => {
  it('writes the Google News extension for each item, with the publication name and a W3C publication date', async () => {
    const items = [newsItem('https://monexus.example/editorials/a/', 2, { title: HOSTILE_TITLE, lang: 'en-GB' })];
    const xml = renderNewsSitemap(items, config, NOW);
    const { urlset } = parse(xml);
    expect(urlset?.['@xmlns']).toBe(SITEMAP_NS);
    expect(urlset?.['@xmlns:news']).toBe(NEWS_NS);
    expect(urlset?.url).toEqual([
      {
        loc: 'https://monexus.example/editorials/a/',
        'news:news': {
          'news:publication': { 'news:name': 'Monexus', 'news:language': 'en' },
          'news:publication_date': '2026-07-01T10:00:00Z',
          'news:title': HOSTILE_TITLE,
        },
      },
    ]);
    expect(xml).toContain(
      '<news:title>Ports &amp; harbours: &lt;script&gt;alert(1)&lt;/script&gt; "quoted" ]]&gt;</news:title>',
    );
    expect(await xmllintTexts([xml])).toEqual(['']);
  });

  it('escapes the publication name and URLs', async () => {
    const harbour = configFrom({ publication: { name: 'Harbour & <Letter>' } }, 'test');
    const xml = renderNewsSitemap([newsItem(HOSTILE_LOC, 1)], harbour, NOW);
    expect(xml).toContain('<news:name>Harbour &amp; &lt;Letter&gt;</news:name>');
    expect(xml).toContain(
      '<loc>https://monexus.example/search?q=a&amp;b=&lt;c&gt;&amp;d=&quot;e&quot;&amp;f=&apos;g&apos;</loc>',
    );
    expect(locs(xml)).toEqual([HOSTILE_LOC]);
    expect(await xmllintTexts([xml])).toEqual(['']);
  });

  it('keeps only the 48 hours before now: exactly 48 h old is in, a millisecond older or not yet published is out', () => {
    const items = [
      newsItem('https://monexus.example/too-old', 48 + 1 / HOUR),
      newsItem('https://monexus.example/just-in', 48),
      newsItem('https://monexus.example/now', 0),
      newsItem('https://monexus.example/future', -1 / HOUR),
      newsItem('https://monexus.example/last-week', 24 * 7),
    ];
    expect(locs(renderNewsSitemap(items, config, NOW))).toEqual([
      'https://monexus.example/now',
      'https://monexus.example/just-in',
    ]);
  });

  it('lists newest first (then by URL), the same bytes whatever the input order', () => {
    const items = [
      newsItem('https://monexus.example/b', 5),
      newsItem('https://monexus.example/c', 1),
      newsItem('https://monexus.example/a', 5),
      newsItem('https://monexus.example/d', 30),
    ];
    const xml = renderNewsSitemap(items, config, NOW);
    expect(locs(xml)).toEqual(['c', 'a', 'b', 'd'].map((s) => `https://monexus.example/${s}`));
    expect(renderNewsSitemap([...items].reverse(), config, NOW)).toBe(xml);
    expect(items.map((i) => i.loc.slice(-1))).toEqual(['b', 'c', 'a', 'd']);
  });

  it('holds at most 1,000 items, the newest', () => {
    const items = Array.from({ length: 1_500 }, (_, n) => newsItem(`https://monexus.example/n/${n}`, n / 100));
    const listed = locs(renderNewsSitemap(items, config, NOW));
    expect(listed).toHaveLength(1_000);
    expect(listed[0]).toBe('https://monexus.example/n/0');
    expect(listed.at(-1)).toBe('https://monexus.example/n/999');
  });

  it('is an empty urlset when nothing is recent', async () => {
    const xml = renderNewsSitemap([newsItem('https://monexus.example/old', 72)], config, NOW);
    expect(locs(xml)).toEqual([]);
    expect(await xmllintTexts([xml])).toEqual(['']);
  });

  it('writes each item’s language as Google News wants it', () => {
    const langs = [
      'en',
      'en-GB',
      'EN_us',
      'pt-BR',
      'ar',
      'ru',
      'fil',
      'zh',
      'zh-CN',
      'zh-Hans',
      'zh-SG',
      'zh-TW',
      'zh-HK',
      'zh-Hant',
      'zh-Hant-CN',
      'zh-Hans-HK',
    ];
    const items = langs.map((lang, n) =>
      newsItem(`https://monexus.example/${String(n).padStart(2, '0')}`, 1, { lang }),
    );
    const written = (parse(renderNewsSitemap(items, config, NOW)).urlset?.url ?? []).map(
      (u) =>
        (u['news:news'] as { 'news:publication': { 'news:language': string } })['news:publication']['news:language'],
    );
    expect(written).toEqual([
      'en',
      'en',
      'en',
      'pt',
      'ar',
      'ru',
      'fil',
      'zh-cn',
      'zh-cn',
      'zh-cn',
      'zh-cn',
      'zh-tw',
      'zh-tw',
      'zh-tw',
      'zh-tw',
      'zh-cn',
    ]);
    expect(newsLanguage(' de-CH ')).toBe('de');
  });
});

describe('renderRobots', () => {
  it('allows everything but partners/ and names both sitemaps under the site URL', () => {
    const text = renderRobots(config);
    expect(text.split('\n')).toEqual([
      'User-agent: *',
      'Allow: /',
      'Disallow: /partners/',
      '',
      'Sitemap: https://monexus.example/sitemap.xml',
      'Sitemap: https://monexus.example/news-sitemap.xml',
      '',
    ]);
    expect(text.match(/^Disallow: \S+/gm)).toEqual(['Disallow: /partners/']);
  });

  it('keeps a site under a path, without doubling its slash', () => {
    const text = renderRobots(configFrom({ publication: { siteUrl: 'https://example.org/letters/' } }, 'test'));
    expect(text).toContain('Sitemap: https://example.org/letters/sitemap.xml\n');
    expect(text).toContain('Sitemap: https://example.org/letters/news-sitemap.xml\n');
    expect(text).toContain('Disallow: /letters/partners/\n');
  });
});
