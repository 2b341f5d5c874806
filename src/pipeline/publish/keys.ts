/** Every key the publish stage reads or writes, in one place (layout in docs/pipeline.md). */

export const APPROVED_PREFIX = 'approved/';
export const INDEX_PREFIX = 'index/';
/** One marker per editorial held by an embargo, so a release looks at those alone. */
export const EMBARGO_PREFIX = 'embargoed/';
/** One marker per email that waits for its `email.sendAt`, for the same scheduled run to find. */
export const SCHEDULED_SEND_PREFIX = 'scheduled-sends/';

/** The path below approved/ (`<name>.txt`), or undefined for keys outside it and folder markers. */
export function approvedName(key: string): string | undefined {
  if (!key.startsWith(APPROVED_PREFIX) || key.endsWith('/')) return undefined;
  const name = key.slice(APPROVED_PREFIX.length);
  return name === '' ? undefined : name;
}

export const keys = {
  rejected: (name: string) => `rejected/${name}.json`,
  source: (name: string) => `sources/${name}.json`,
  index: (slug: string) => `${INDEX_PREFIX}${slug}.json`,
  embargo: (slug: string) => `${EMBARGO_PREFIX}${slug}.json`,
  scheduledSend: (slug: string) => `${SCHEDULED_SEND_PREFIX}${slug}.json`,
  template: (slug: string, dispatchId: string) => `rendered/${slug}/${dispatchId}/email.json`,
  page: (slug: string) => `editorials/${slug}/index.html`,
  ninjs: (slug: string) => `editorials/${slug}/ninjs.json`,
};

export const FEED_FILES = [
  { name: 'rss', key: 'feeds/rss.xml', contentType: 'application/rss+xml; charset=utf-8' },
  { name: 'atom', key: 'feeds/atom.xml', contentType: 'application/atom+xml; charset=utf-8' },
  { name: 'json', key: 'feeds/feed.json', contentType: 'application/feed+json; charset=utf-8' },
] as const;

export const PAGE_CACHE = 'public, max-age=300';
export const FEED_CACHE = 'public, max-age=60';
export { JSON_TYPE } from '../../catalogue/store/object-io.ts';
