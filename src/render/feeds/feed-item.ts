import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { articleHtml } from '../article.ts';
import { leadText } from '../body.ts';
import { chromeOf } from '../chrome.ts';
import { dropForbiddenChars } from '../escape.ts';
import { mediaTopicsOf, type MediaTopicSubject } from '../media-topics.ts';
import { urls } from '../urls.ts';
import { trimOf } from '../../strings.ts';
import { remembered } from '../../remembered.ts';

/**
 * The date part of every tag: URI this publication mints. It must never change: the feed id and every
 * entry id (and so what readers have marked read) would change with it.
 */
const TAG_DATE = '2026';

/** Stands for "no items yet" where a format requires a date (Atom's feed `updated`). */
export const EMPTY_FEED_DATE = new Date(0);

/** What every feed format says about one editorial, computed once and shared by the three renderers. */
export interface FeedItem {
  editorial: Editorial;
  /** Stable across corrections: depends only on the site and the slug. */
  id: string;
  url: string;
  title: string;
  summary: string;
  author: string;
  /** The editorial's topics, without blank ones. */
  topics: string[];
  /** The IPTC Media Topics the configuration maps those topics to, labelled in the editorial's language. */
  mediaTopics: MediaTopicSubject[];
  /** The full article: correction, body, provenance footer. */
  contentHtml: string;
  published: Date;
  updated: Date;
}

export function feedItem(editorial: Editorial, config: Config): FeedItem {
  return {
    editorial,
    id: entryId(config, editorial.slug),
    url: urls.page(config, editorial.slug),
    title: dropForbiddenChars(editorial.title),
    summary: dropForbiddenChars(editorial.summary ?? leadText(editorial.blocks)),
    author: dropForbiddenChars(editorial.author ?? config.publication.name),
    topics: editorial.topics.map(dropForbiddenChars).filter((t) => t.trim() !== ''),
    mediaTopics: mediaTopicsOf(editorial.topics, editorial.lang, config),
    contentHtml: dropForbiddenChars(articleHtml(editorial, chromeOf(editorial, config))),
    published: editorial.published,
    updated: editorial.updated.getTime() > editorial.published.getTime() ? editorial.updated : editorial.published,
  };
}

export function feedItems(entries: readonly Editorial[], config: Config): FeedItem[] {
  return entries.map((e) => feedItem(e, config));
}

function tagPrefix(config: Config): string {
  return tagPrefixOf(config.publication.siteUrl);
}

// Parsing the site's URL costs more than the rest of an id; a process serves one site.
const tagPrefixOf = remembered((siteUrl: string): string => {
  const site = new URL(siteUrl);
  const path = trimOf(site.pathname, '/');
  return `tag:${site.hostname},${TAG_DATE}:${path ? `${path}/` : ''}`;
}, 100);

export function feedId(config: Config): string {
  return `${tagPrefix(config)}feed`;
}

/** A topic feed's identity, shared by its subscription document and every archive page of it. */
export function topicFeedId(config: Config, topicSlug: string): string {
  return `${tagPrefix(config)}topics/${encodeURIComponent(topicSlug)}/feed`;
}

export function entryId(config: Config, slug: string): string {
  return `${tagPrefix(config)}editorials/${encodeURIComponent(slug)}`;
}

/** Channel-level dates come from the items, never from the clock, so the same items give the same bytes. */
export function latest(items: readonly FeedItem[], date: 'published' | 'updated'): Date | undefined {
  let max: Date | undefined;
  for (const item of items) if (!max || item[date].getTime() > max.getTime()) max = item[date];
  return max;
}

/** RFC 3339 in UTC, whole seconds unless the date carries milliseconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** RFC 822 as RSS uses it, with a four-digit year: "Thu, 04 Jun 2026 00:00:00 GMT". */
export function rfc822(date: Date): string {
  return date.toUTCString();
}
