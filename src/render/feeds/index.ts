import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { atomFromItems } from './atom.ts';
import { feedItems } from './feed-item.ts';
import { jsonFeedFromItems } from './json-feed.ts';
import { rssFromItems } from './rss.ts';

export { renderAtom } from './atom.ts';
export { renderJsonFeed } from './json-feed.ts';
export { renderRss } from './rss.ts';
export { entryId, feedId } from './feed-item.ts';

export interface Feeds {
  rss: string;
  atom: string;
  json: string;
}

/** The three feeds over the same window; each editorial's article HTML is rendered once for all three. */
export function renderFeeds(entries: readonly Editorial[], config: Config): Feeds {
  const items = feedItems(entries, config);
  return {
    rss: rssFromItems(items, config),
    atom: atomFromItems(items, config),
    json: jsonFeedFromItems(items, config),
  };
}
