import type { Config } from '../config.ts';
import { atomDocument } from '../render/feeds/atom.ts';
import type { FeedDocument } from '../render/feeds/document.ts';
import { feedId, topicFeedId } from '../render/feeds/feed-item.ts';
import { jsonFeedDocument } from '../render/feeds/json-feed.ts';
import { rssDocument, type ItemDates } from '../render/feeds/rss.ts';
import { publicationChrome } from '../render/chrome.ts';
import { renderListingPage, scopeTitle } from '../render/listing.ts';
import type { CatalogueItem } from './item.ts';
import { FEED_CONTENT_TYPES, publicKeys, scopeUrls, type FeedFormat, type Scope } from '../render/scopes.ts';

/** A file of the public site, ready to be stored. */
export interface PublicFile {
  key: string;
  body: string;
  contentType: string;
  cacheControl: string;
}

/** Documents that change with every publish: readers revalidate them often. */
export const CURRENT_CACHE = 'public, max-age=60';
/**
 * A complete archive page changes only when one of its editorials is corrected or withdrawn, but it carries whole
 * bodies: a withdrawal must not live on in a cache for long. Five minutes, as pages; the publish stage invalidates
 * the CDN's copies of what a correction or withdrawal rewrote (src/pipeline/publish/invalidation.ts).
 */
export const ARCHIVE_CACHE = 'public, max-age=300';
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * Where a document stands in its scope: the subscription document and home page (`page` undefined), or archive page
 * `page`. `openPage` is the newest archive page (the one still filling), 0 when nothing is archived yet.
 */
export interface Position {
  scope: Scope;
  page?: number;
  openPage: number;
}

/** The RSS, Atom and JSON Feed documents and the HTML page of one position, from the items it holds (newest first). */
export function listingFiles(config: Config, position: Position, items: readonly CatalogueItem[]): PublicFile[] {
  const { scope, page } = position;
  const cacheControl = page === undefined || page === position.openPage ? CURRENT_CACHE : ARCHIVE_CACHE;
  const feeds = listingFeeds(config, position, items);
  const files: [string, string, string][] = [
    ...FEED_FORMATS.map((format): [string, string, string] => [
      publicKeys.feed(scope, format, page),
      FEED_CONTENT_TYPES[format],
      feeds[format],
    ]),
    [publicKeys.html(scope, page), HTML_TYPE, listingPage(config, position, items)],
  ];
  return files.map(([key, contentType, body]) => ({ key, body, contentType, cacheControl }));
}

const FEED_FORMATS = ['rss', 'atom', 'json'] as const satisfies readonly FeedFormat[];

/** The RSS, Atom and JSON Feed documents of one position, joined from the items' stored fragments. */
export function listingFeeds(
  config: Config,
  position: Position,
  items: readonly CatalogueItem[],
): Record<FeedFormat, string> {
  const dates = itemDates(items);
  const feed = (format: FeedFormat): FeedDocument => feedDocument(config, position, format);
  return {
    rss: rssDocument(
      feed('rss'),
      items.map((i) => i.fragments.rss),
      dates,
      config,
    ),
    atom: atomDocument(
      feed('atom'),
      items.map((i) => i.fragments.atom),
      dates,
      config,
    ),
    json: jsonFeedDocument(
      feed('json'),
      items.map((i) => i.fragments.json),
      config,
    ),
  };
}

function feedDocument(config: Config, { scope, page, openPage }: Position, format: FeedFormat): FeedDocument {
  const { publication } = config;
  const archiveUrl = (n: number) => scopeUrls.feed(config, scope, format, n);
  const doc: FeedDocument = {
    id: scope.topic ? topicFeedId(config, scope.topic.slug) : feedId(config),
    title: scope.topic ? scopeTitle(publicationChrome(config), publication.name, scope.topic.label) : publication.name,
    description: publication.description,
    selfUrl: scopeUrls.feed(config, scope, format, page),
    htmlUrl: scopeUrls.html(config, scope, page),
  };
  if (page === undefined) {
    if (config.websub) doc.hub = config.websub.hub;
    if (openPage > 0) doc.prevArchiveUrl = archiveUrl(openPage);
    return doc;
  }
  doc.currentUrl = scopeUrls.feed(config, scope, format);
  if (page > 1) doc.prevArchiveUrl = archiveUrl(page - 1);
  if (page < openPage) doc.nextArchiveUrl = archiveUrl(page + 1);
  return doc;
}

function listingPage(config: Config, { scope, page, openPage }: Position, items: readonly CatalogueItem[]): string {
  const html = (n?: number) => scopeUrls.html(config, scope, n);
  const olderPage = page === undefined ? (openPage > 0 ? openPage : undefined) : page > 1 ? page - 1 : undefined;
  const newerUrl = page === undefined ? undefined : page < openPage ? html(page + 1) : html();
  return renderListingPage(
    {
      ...(scope.topic && { topic: scope.topic }),
      ...(page !== undefined && { page }),
      cardsHtml: items.map((i) => i.fragments.card),
      pageUrl: html(page),
      ...(newerUrl && { newerUrl }),
      ...(olderPage !== undefined && { olderUrl: html(olderPage) }),
      feeds: {
        rss: scopeUrls.feed(config, scope, 'rss'),
        atom: scopeUrls.feed(config, scope, 'atom'),
        json: scopeUrls.feed(config, scope, 'json'),
      },
    },
    config,
  );
}

function itemDates(items: readonly CatalogueItem[]): ItemDates {
  let updated: string | undefined;
  let published: string | undefined;
  // ISO 8601 in UTC compares as text.
  for (const item of items) {
    if (!updated || item.updated > updated) updated = item.updated;
    if (!published || item.published > published) published = item.published;
  }
  return { updated: updated ? new Date(updated) : undefined, published: published ? new Date(published) : undefined };
}
