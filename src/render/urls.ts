import type { Config } from '../config.ts';

/** Every public address in one place, so links in emails, pages and feeds always agree. */
export const urls = {
  page: (config: Config, slug: string) => `${config.publication.siteUrl}/editorials/${encodeURIComponent(slug)}/`,
  rss: (config: Config) => `${config.publication.siteUrl}/feeds/rss.xml`,
  atom: (config: Config) => `${config.publication.siteUrl}/feeds/atom.xml`,
  jsonFeed: (config: Config) => `${config.publication.siteUrl}/feeds/feed.json`,
  ninjs: (config: Config, slug: string) =>
    `${config.publication.siteUrl}/editorials/${encodeURIComponent(slug)}/ninjs.json`,
  subscribe: (config: Config) => `${config.publication.siteUrl}/subscribe`,
  home: (config: Config) => `${config.publication.siteUrl}/`,
};
