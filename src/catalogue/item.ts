import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import { atomEntry } from '../render/feeds/atom.ts';
import { feedItem } from '../render/feeds/feed-item.ts';
import { jsonFeedItem } from '../render/feeds/json-feed.ts';
import { rssItem } from '../render/feeds/rss.ts';
import { renderListingCard } from '../render/listing.ts';
import { urls } from '../render/urls.ts';
import { topicsOf } from '../render/topics.ts';

/**
 * One public editorial as the catalogue keeps it: what the listing documents say about it, rendered once per
 * version when it is published, so building a feed or a page only joins stored fragments.
 */
export interface CatalogueItem {
  slug: string;
  /** Its place in the scope: allocated when it first became public there, never reused, never changed. */
  seq: number;
  /** ISO 8601. */
  published: string;
  updated: string;
  title: string;
  lang: string;
  url: string;
  topics: { slug: string; label: string }[];
  fragments: { rss: string; atom: string; json: string; card: string };
  /** Only in a partner's scope (`partners/<id>`): what that partner is told of this change, in each of its formats. */
  partner?: PartnerItemState;
}

/** A partner scope's item: its kind, when partners were told of it (ISO 8601), and its fragment in each format. */
export interface PartnerItemState {
  kind: 'current' | 'embargoed' | 'withdrawn';
  changed: string;
  fragments: Partial<Record<'atom' | 'json' | 'ninjs', string>>;
}

export type ItemContent = Omit<CatalogueItem, 'seq'>;

export function itemContent(editorial: Editorial, config: Config): ItemContent {
  const item = feedItem(editorial, config);
  return {
    slug: editorial.slug,
    published: item.published.toISOString(),
    updated: item.updated.toISOString(),
    title: item.title,
    lang: editorial.lang,
    url: urls.page(config, editorial.slug),
    topics: topicsOf(item.topics),
    fragments: {
      rss: rssItem(item, config),
      atom: atomEntry(item, config),
      json: jsonFeedItem(item, config),
      card: renderListingCard(editorial, config),
    },
  };
}

/** Newest first within a scope: by place, which is the order items became public. */
export function bySeqDescending(a: { seq: number }, b: { seq: number }): number {
  return b.seq - a.seq;
}
