import type { Config } from '../config.ts';
import {
  renderNewsSitemap,
  renderRobots,
  renderSitemap,
  renderSitemapIndex,
  type SitemapUrl,
} from '../render/sitemaps.ts';
import { ARCHIVE_CACHE, CURRENT_CACHE, type PublicFile } from './documents.ts';
import type { ScopeHead } from './head.ts';
import type { CatalogueItem } from './item.ts';
import { ALL, scopeUrls, siteUrl, topicScope } from '../render/scopes.ts';

const XML_TYPE = 'application/xml; charset=utf-8';

export const SITEMAP_KEYS = {
  index: 'sitemap.xml',
  current: 'sitemaps/current.xml',
  archive: (page: number) => `sitemaps/archive-${page}.xml`,
  topic: (slug: string) => `sitemaps/topics/${slug}.xml`,
  news: 'news-sitemap.xml',
  robots: 'robots.txt',
};

/**
 * The sitemaps follow the archive: one per complete archive page (written with it, changed with it) and one for
 * everything newer, so a publish rewrites a sitemap of bounded size; `sitemap.xml` is the index of them all and
 * changes only when a page completes.
 */
export function currentSiteMapFiles(config: Config, head: ScopeHead, openPage: number, now: Date): PublicFile[] {
  const items = [...head.window, ...head.open];
  const newest = items.reduce<string | undefined>((max, i) => (!max || i.updated > max ? i.updated : max), undefined);
  const urls: SitemapUrl[] = [
    { loc: scopeUrls.html(config, ALL), ...(newest && { lastmod: new Date(newest) }) },
    ...(openPage > 0 ? [{ loc: scopeUrls.html(config, ALL, openPage) }] : []),
    ...items.map(itemUrl),
  ];
  const news = items.map((i) => ({ loc: i.url, title: i.title, lang: i.lang, published: new Date(i.published) }));
  return [
    xmlFile(SITEMAP_KEYS.current, renderSitemap(urls), CURRENT_CACHE),
    xmlFile(SITEMAP_KEYS.news, renderNewsSitemap(news, config, now), CURRENT_CACHE),
    {
      key: SITEMAP_KEYS.robots,
      body: renderRobots(config),
      contentType: 'text/plain; charset=utf-8',
      cacheControl: ARCHIVE_CACHE,
    },
  ];
}

export function archiveSiteMapFile(config: Config, page: number, items: readonly CatalogueItem[]): PublicFile {
  const urls = [{ loc: scopeUrls.html(config, ALL, page) }, ...items.map(itemUrl)];
  return xmlFile(SITEMAP_KEYS.archive(page), renderSitemap(urls), ARCHIVE_CACHE);
}

/**
 * Lists the current sitemap, one per complete page and one per topic: 50,000 of them reach millions of editorials.
 * It changes when a page completes or a topic appears.
 */
export function siteMapIndexFile(
  config: Config,
  openPage: number,
  topics: readonly { slug: string }[] = [],
): PublicFile {
  const maps = [{ loc: siteUrl(config, SITEMAP_KEYS.current) }];
  for (let page = 1; page < openPage; page++) maps.push({ loc: siteUrl(config, SITEMAP_KEYS.archive(page)) });
  for (const topic of topics) maps.push({ loc: siteUrl(config, SITEMAP_KEYS.topic(topic.slug)) });
  return xmlFile(SITEMAP_KEYS.index, renderSitemapIndex(maps), CURRENT_CACHE);
}

/** A topic's pages: its home and every archive page (its editorials are in the publication's sitemaps). Changes
 * only when the topic's archive gains a page. */
export function topicSiteMapFile(config: Config, topic: { slug: string; label: string }, openPage: number): PublicFile {
  const scope = topicScope(topic);
  const urls = [{ loc: scopeUrls.html(config, scope) }];
  for (let page = openPage; page >= 1; page--) urls.push({ loc: scopeUrls.html(config, scope, page) });
  return xmlFile(SITEMAP_KEYS.topic(topic.slug), renderSitemap(urls), CURRENT_CACHE);
}

function itemUrl(item: CatalogueItem): SitemapUrl {
  return { loc: item.url, lastmod: new Date(item.updated) };
}

function xmlFile(key: string, body: string, cacheControl: string): PublicFile {
  return { key, body, contentType: XML_TYPE, cacheControl };
}
