import type { Config } from '../config.ts';
import { renderNewsSitemap, renderRobots, renderSitemap, renderSitemapIndex, type SitemapUrl } from '../render/sitemaps.ts';
import { ARCHIVE_CACHE, CURRENT_CACHE, type PublicFile } from './documents.ts';
import type { ScopeHead } from './head.ts';
import type { CatalogueItem } from './item.ts';
import { ALL, scopeUrls, siteUrl, topicScope } from '../render/scopes.ts';

const XML_TYPE = 'application/xml; charset=utf-8';

export const SITEMAP_KEYS = {
  index: 'sitemap.xml',
  current: 'sitemaps/current.xml',
  archive: (page: number) => `sitemaps/archive-${page}.xml`,
  news: 'news-sitemap.xml',
  robots: 'robots.txt',
};

/**
 * The sitemaps follow the archive: one per complete archive page (written with it, changed with it) and one for
 * everything newer, so a publish rewrites a sitemap of bounded size; `sitemap.xml` is the index of them all and
 * changes only when a page completes.
 */
export function currentSiteMapFiles(config: Config, head: ScopeHead, openPage: number, topics: readonly { slug: string; label: string }[], now: Date): PublicFile[] {
  const items = [...head.window, ...head.open];
  const newest = items.reduce<string | undefined>((max, i) => (!max || i.updated > max ? i.updated : max), undefined);
  const urls: SitemapUrl[] = [
    { loc: scopeUrls.html(config, ALL), ...(newest && { lastmod: new Date(newest) }) },
    ...(openPage > 0 ? [{ loc: scopeUrls.html(config, ALL, openPage) }] : []),
    ...topics.map((topic) => ({ loc: scopeUrls.html(config, topicScope(topic)) })),
    ...items.map(itemUrl),
  ];
  const news = items.map((i) => ({ loc: i.url, title: i.title, lang: i.lang, published: new Date(i.published) }));
  return [
    xmlFile(SITEMAP_KEYS.current, renderSitemap(urls), CURRENT_CACHE),
    xmlFile(SITEMAP_KEYS.news, renderNewsSitemap(news, config, now), CURRENT_CACHE),
    { key: SITEMAP_KEYS.robots, body: renderRobots(config), contentType: 'text/plain; charset=utf-8', cacheControl: ARCHIVE_CACHE },
  ];
}

export function archiveSiteMapFile(config: Config, page: number, items: readonly CatalogueItem[]): PublicFile {
  const urls = [{ loc: scopeUrls.html(config, ALL, page) }, ...items.map(itemUrl)];
  return xmlFile(SITEMAP_KEYS.archive(page), renderSitemap(urls), ARCHIVE_CACHE);
}

/** Lists the current sitemap and one per complete page: 50,000 of them reach millions of editorials. */
export function siteMapIndexFile(config: Config, openPage: number): PublicFile {
  const maps = [{ loc: siteUrl(config, SITEMAP_KEYS.current) }];
  for (let page = 1; page < openPage; page++) maps.push({ loc: siteUrl(config, SITEMAP_KEYS.archive(page)) });
  return xmlFile(SITEMAP_KEYS.index, renderSitemapIndex(maps), CURRENT_CACHE);
}

function itemUrl(item: CatalogueItem): SitemapUrl {
  return { loc: item.url, lastmod: new Date(item.updated) };
}

function xmlFile(key: string, body: string, cacheControl: string): PublicFile {
  return { key, body, contentType: XML_TYPE, cacheControl };
}
