import type { Config, PartnerConfig } from '../config.ts';
import type { Editorial } from '../model.ts';
import type { ItemContent } from '../catalogue/item.ts';
import { feedItem } from '../render/feeds/feed-item.ts';
import { isPublic } from '../render/feeds/window.ts';
import { topicsOf } from '../render/topics.ts';
import { partnerItemContent } from './feeds.ts';
import { renderPartnerItem, type PartnerEntry } from './items.ts';

/*
 * What partners hear of a change of an editorial: the entry (current, embargoed or withdrawn, and when it changed),
 * the item each partner's catalogue scope keeps for it, and the ninjs item its webhook is sent.
 */

/** The editorial as partners hear of it now; a withdrawal by removal is a change at the moment of removal. */
export function partnerEntryOf(
  editorial: Editorial,
  removedAt: Date | undefined,
  config: Config,
  now: Date,
): PartnerEntry {
  const item = feedItem(editorial, config);
  const kind = editorial.status === 'withdrawn' ? 'withdrawn' : isPublic(editorial, now) ? 'current' : 'embargoed';
  const changed = kind === 'withdrawn' && removedAt ? removedAt : item.updated;
  return { editorial, item, kind, changed, topicSlugs: topicsOf(item.topics).map((t) => t.slug) };
}

/** The entry as a tombstone: what a partner that no longer takes the editorial is told once. */
export function tombstone(entry: PartnerEntry): PartnerEntry {
  return entry.kind === 'withdrawn'
    ? entry
    : { ...entry, editorial: { ...entry.editorial, status: 'withdrawn' }, kind: 'withdrawn' };
}

/** The item a partner's scope keeps: one rendered fragment per format the partner takes. */
export function partnerContent(entry: PartnerEntry, partner: PartnerConfig, config: Config, now: Date): ItemContent {
  return partnerItemContent(
    entry,
    Object.fromEntries(
      partner.formats.map((format) => [format, renderPartnerItem(format, entry, partner, config, now)]),
    ),
  );
}

/** The ninjs item the partner's ninjs feed carries for this change, as one JSON text. */
export function webhookBody(entry: PartnerEntry, partner: PartnerConfig, config: Config, now: Date): string {
  return JSON.stringify(JSON.parse(renderPartnerItem('ninjs', entry, partner, config, now)));
}
