import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { dropForbiddenChars } from '../escape.ts';
import { urls } from '../urls.ts';
import { feedItems, rfc3339, type FeedItem } from './feed-item.ts';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** JSON Feed 1.1, pretty-printed; `entries` are already windowed, newest first. */
export function renderJsonFeed(entries: readonly Editorial[], config: Config): string {
  return jsonFeedFromItems(feedItems(entries, config), config);
}

export function jsonFeedFromItems(items: readonly FeedItem[], config: Config): string {
  const { publication } = config;
  const feed = {
    version: JSON_FEED_VERSION,
    title: publication.name,
    home_page_url: urls.home(config),
    feed_url: urls.jsonFeed(config),
    description: publication.description,
    language: publication.language,
    authors: [{ name: publication.name, url: urls.home(config) }],
    items: items.map((item) => jsonItem(item, config)),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function jsonItem(item: FeedItem, config: Config) {
  const { editorial } = item;
  const clean = dropForbiddenChars;
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    content_html: item.contentHtml,
    summary: item.summary || undefined,
    date_published: rfc3339(item.published),
    date_modified: rfc3339(item.updated),
    authors: [{ name: item.author }],
    language: clean(editorial.lang),
    tags: item.topics.length ? item.topics : undefined,
    // JSON Feed extensions start with an underscore and carry "about": where the extension is described.
    _provenance: {
      about: urls.home(config),
      framing_note: editorial.framing ? clean(editorial.framing) : undefined,
      sources: editorial.sources.map((s) => ({ url: s.url, label: clean(s.label) })),
    },
  };
}
