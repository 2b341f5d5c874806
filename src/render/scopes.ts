import type { Config } from '../config.ts';

/**
 * A scope is one ordered list of public editorials with its own feeds, archives and pages: the whole
 * publication, or one topic. Every public key of a scope is derived here (its private catalogue keys: src/catalogue/paths.ts).
 */
export interface Scope {
  /** `all`, or `topics/<slug>`: also the folder of the scope's catalogue objects. */
  id: string;
  /** The topic, for a topic scope. */
  topic?: { slug: string; label: string };
}

export const ALL: Scope = { id: 'all' };

export function topicScope(topic: { slug: string; label: string }): Scope {
  return { id: `topics/${topic.slug}`, topic };
}

/** Where a scope's public files live: '' for the publication, `topics/<slug>/` for a topic. */
function base(scope: Scope): string {
  return scope.topic ? `topics/${scope.topic.slug}/` : '';
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FILE_NAMES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Public keys (paths below the site root) of a scope's documents; `page` undefined means the newest one. */
export const publicKeys = {
  feed: (scope: Scope, format: FeedFormat, page?: number) =>
    `${base(scope)}feeds/${page === undefined ? '' : `archive/${page}/`}${FEED_FILE_NAMES[format]}`,
  html: (scope: Scope, page?: number) => `${base(scope)}${page === undefined ? '' : `archive/${page}/`}index.html`,
};

/** The absolute URL of a public key; a folder's index.html is addressed as the folder. */
export function siteUrl(config: Config, key: string): string {
  const path = key === 'index.html' ? '' : key.endsWith('/index.html') ? key.slice(0, -'index.html'.length) : key;
  return `${config.publication.siteUrl}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export const scopeUrls = {
  feed: (config: Config, scope: Scope, format: FeedFormat, page?: number) =>
    siteUrl(config, publicKeys.feed(scope, format, page)),
  html: (config: Config, scope: Scope, page?: number) => siteUrl(config, publicKeys.html(scope, page)),
};
