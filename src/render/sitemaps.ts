import type { Config } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import { openTag, xmlText, XML_DECLARATION } from './feeds/xml.ts';

/*
 * Sitemaps (https://www.sitemaps.org/protocol.html), the Google News extension and robots.txt, as pure functions of
 * their input: the same input gives the same bytes, so an unchanged file is never written again.
 */

export interface SitemapUrl {
  loc: string;
  lastmod?: Date;
}

export interface NewsItem {
  loc: string;
  title: string;
  lang: string;
  published: Date;
}

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';

/** URLs in one sitemap, and sitemaps in one index: the protocol's limit. */
export const SITEMAP_MAX_URLS = 50_000;
/** Google News reads at most this many URLs of one news sitemap. */
export const NEWS_SITEMAP_MAX_ITEMS = 1_000;
/** Google News wants only articles published in the last two days. */
export const NEWS_WINDOW_MS = 48 * 60 * 60 * 1000;

export class SitemapLimitError extends BroadsheetError {
  override name = 'SitemapLimitError';
}

/** sitemaps.org urlset; throws past 50,000 URLs (the protocol's limit). */
export function renderSitemap(urls: readonly SitemapUrl[]): string {
  return locList('urlset', 'url', urls);
}

/** sitemaps.org sitemapindex listing child sitemaps; throws past 50,000 sitemaps (the protocol's limit). */
export function renderSitemapIndex(sitemaps: readonly SitemapUrl[]): string {
  return locList('sitemapindex', 'sitemap', sitemaps);
}

function locList(root: string, child: string, entries: readonly SitemapUrl[]): string {
  if (entries.length > SITEMAP_MAX_URLS) {
    throw new SitemapLimitError(
      `a ${root} holds at most ${SITEMAP_MAX_URLS} entries, not ${entries.length}: split it and list the parts in a sitemap index`,
    );
  }
  const lines = [XML_DECLARATION, openTag(root, { xmlns: SITEMAP_NS })];
  for (const { loc, lastmod } of entries) {
    const parts = [`<loc>${locText(loc)}</loc>`];
    if (lastmod) parts.push(`<lastmod>${w3cDatetime(lastmod)}</lastmod>`);
    lines.push(`  <${child}>${parts.join('')}</${child}>`);
  }
  lines.push(`</${root}>`, '');
  return lines.join('\n');
}

/**
 * Google News sitemap: only items published within the two days (48 h) before `now` (an item exactly 48 h old is
 * in, one published after `now` is not yet), newest first (then by URL), at most 1,000.
 */
export function renderNewsSitemap(items: readonly NewsItem[], config: Config, now: Date): string {
  const until = now.getTime();
  const since = until - NEWS_WINDOW_MS;
  const recent = items
    .filter((item) => item.published.getTime() >= since && item.published.getTime() <= until)
    .sort((a, b) => b.published.getTime() - a.published.getTime() || compare(a.loc, b.loc))
    .slice(0, NEWS_SITEMAP_MAX_ITEMS);
  const name = xmlText(config.publication.name);
  const lines = [XML_DECLARATION, openTag('urlset', { xmlns: SITEMAP_NS, 'xmlns:news': NEWS_NS })];
  for (const item of recent) {
    lines.push(
      '  <url>',
      `    <loc>${locText(item.loc)}</loc>`,
      '    <news:news>',
      `      <news:publication><news:name>${name}</news:name><news:language>${newsLanguage(item.lang)}</news:language></news:publication>`,
      `      <news:publication_date>${w3cDatetime(item.published)}</news:publication_date>`,
      `      <news:title>${xmlText(item.title)}</news:title>`,
      '    </news:news>',
      '  </url>',
    );
  }
  lines.push('</urlset>', '');
  return lines.join('\n');
}

/**
 * robots.txt allowing everything but the partners' folder (whose paths nothing public names; should one leak, it is
 * still not crawled), and naming `${siteUrl}/sitemap.xml` and `${siteUrl}/news-sitemap.xml`.
 */
export function renderRobots(config: Config): string {
  const site = config.publication.siteUrl;
  const path = new URL(`${site}/`).pathname;
  return [
    'User-agent: *',
    'Allow: /',
    `Disallow: ${path}partners/`,
    '',
    `Sitemap: ${site}/sitemap.xml`,
    `Sitemap: ${site}/news-sitemap.xml`,
    '',
  ].join('\n');
}

/**
 * A language tag (BCP 47) as Google News wants it: an ISO 639 code, lower-cased, with Chinese as "zh-cn"
 * (Simplified) or "zh-tw" (Traditional), told apart by the script subtag, else by the region.
 */
export function newsLanguage(tag: string): string {
  const [primary = '', ...rest] = tag.trim().toLowerCase().split(/[-_]/);
  if (primary !== 'zh') return primary;
  if (rest.includes('hant')) return 'zh-tw';
  if (rest.includes('hans')) return 'zh-cn';
  return rest.some((subtag) => TRADITIONAL_REGIONS.has(subtag)) ? 'zh-tw' : 'zh-cn';
}

/** Where Chinese is written in Traditional characters unless the tag says otherwise. */
const TRADITIONAL_REGIONS = new Set(['tw', 'hk', 'mo']);

/** W3C datetime in UTC to the second: `YYYY-MM-DDThh:mm:ssZ`. */
export function w3cDatetime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A URL as element content, with the entity escaping sitemaps.org asks for (`'` and `"` too). */
function locText(url: string): string {
  return xmlText(url).replace(/["']/g, (c) => (c === '"' ? '&quot;' : '&apos;'));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
