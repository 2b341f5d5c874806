import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { dropForbiddenChars } from '../escape.ts';
import { urls } from '../urls.ts';
import { publicationFeed, type FeedDocument } from './document.ts';
import { feedItems, rfc3339, type FeedItem } from './feed-item.ts';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** JSON Feed 1.1, pretty-printed; `entries` are already windowed, newest first. */
export function renderJsonFeed(entries: readonly Editorial[], config: Config): string {
  return jsonFeedFromItems(feedItems(entries, config), config);
}

export function jsonFeedFromItems(items: readonly FeedItem[], config: Config): string {
  return jsonFeedDocument(
    publicationFeed(config, urls.jsonFeed(config)),
    items.map((item) => jsonFeedItem(item, config)),
    config,
  );
}

/**
 * A JSON Feed around items already rendered by `jsonFeedItem`, newest first: the same bytes as stringifying the whole
 * feed with two-space indentation. Older items are a page away through `next_url` (JSON Feed's own paging).
 */
export function jsonFeedDocument(doc: FeedDocument, renderedItems: readonly string[], config: Config): string {
  const { publication } = config;
  const head = {
    version: JSON_FEED_VERSION,
    title: doc.title,
    home_page_url: doc.htmlUrl,
    feed_url: doc.selfUrl,
    description: doc.description,
    next_url: doc.prevArchiveUrl,
    language: publication.language,
    authors: [{ name: publication.name, url: urls.home(config) }],
    hubs: doc.hub ? [{ type: 'WebSub', url: doc.hub }] : undefined,
  };
  const text = JSON.stringify(head, null, 2);
  const list = renderedItems.length ? `[\n${renderedItems.join(',\n')}\n  ]` : '[]';
  return `${text.slice(0, -2)},\n  "items": ${list}\n}\n`;
}

/** One item as it stands in the `items` array (indented four spaces): rendered once per version, stored, assembled. */
export function jsonFeedItem(item: FeedItem, config: Config): string {
  // Indented as an item of the document's `items`; JSON writes no line break inside a string.
  return `    ${JSON.stringify(jsonItem(item, config), null, 2).replaceAll('\n', '\n    ')}`;
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
    tags: tagsOf(item),
    // JSON Feed extensions start with an underscore and carry "about": where the extension is described.
    _provenance: {
      about: urls.home(config),
      framing_note: editorial.framing ? clean(editorial.framing) : undefined,
      sources: editorial.sources.map((s) => ({ url: s.url, label: clean(s.label) })),
    },
  };
}

/** The topics, then the Media Topics' labels: JSON Feed tags are plain strings, with no place for a scheme or a code. */
function tagsOf(item: FeedItem): string[] | undefined {
  const tags = [...new Set([...item.topics, ...item.mediaTopics.map((topic) => topic.name)])];
  return tags.length ? tags : undefined;
}
