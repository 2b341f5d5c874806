import type { Config, PartnerConfig, PartnerFormat } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import type { Editorial } from '../model.ts';
import { atomEntry } from '../render/feeds/atom.ts';
import { feedItem, rfc3339, type FeedItem } from '../render/feeds/feed-item.ts';
import { jsonFeedItem } from '../render/feeds/json-feed.ts';
import { isPublic } from '../render/feeds/window.ts';
import { element, openTag, xmlText } from '../render/feeds/xml.ts';
import { renderNinjs } from '../render/ninjs.ts';
import { topicsOf, topicSlug } from '../render/topics.ts';
import { urls } from '../render/urls.ts';

/*
 * What a partner receives of each editorial. Partners get more than the public feeds: an embargoed editorial at
 * once, marked with its embargo; a correction as a new version of the same item; a withdrawal as a tombstone
 * (for `partnerFeeds.tombstoneDays`). Extensions, documented in docs/partners.md:
 *
 * - Atom: RFC 6721 `at:deleted-entry` (with `at:by` and `at:comment`) for a withdrawal; `bp:embargoed-until`
 *   (namespace PARTNER_ATOM_NS, an RFC 4287 simple extension element holding an RFC 3339 date) on an entry under
 *   embargo; `rights` holds the partner's copyright notice and usage terms.
 * - JSON Feed: `_rights` { about, copyright_holder, copyright_notice, usage_terms } on every item, `_embargo`
 *   { about, until } on an item under embargo, `_deleted` { about, deleted_at, comment } on a withdrawal's item
 *   (same id); `_provenance` as in the public feed.
 * - ninjs: `embargoedUntil` (pubStatus "usable": the partner may publish once it has passed), `pubStatus:
 *   "canceled"` for a withdrawal, `edNote` for a correction, `usageTerms`, `copyrightHolder`, `copyrightNotice`.
 */

export const TOMBSTONES_NS = 'http://purl.org/atompub/tombstones/1.0';
export const PARTNER_ATOM_NS = 'urn:x-broadsheet:partner:1';

export type PartnerItemKind = 'current' | 'embargoed' | 'withdrawn';

/** One editorial as partners see it, whichever partner: computed once per build. */
export interface PartnerEntry {
  editorial: Editorial;
  item: FeedItem;
  kind: PartnerItemKind;
  /** When partners were last told of it: `updated` (a correction or a withdrawal), else `published`. */
  changed: Date;
  topicSlugs: string[];
}

/**
 * Every editorial partners hear of at `now`: public ones, embargoed ones (at once), withdrawn ones as tombstones
 * until `partnerFeeds.tombstoneDays` after their withdrawal. Oldest change first, the slug breaking ties.
 */
export function partnerEntries(editorials: readonly Editorial[], config: Config, now: Date): PartnerEntry[] {
  const oldestTombstone = now.getTime() - config.partnerFeeds.tombstoneDays * 86_400_000;
  const entries: PartnerEntry[] = [];
  for (const editorial of editorials) {
    const item = feedItem(editorial, config);
    const kind: PartnerItemKind =
      editorial.status === 'withdrawn' ? 'withdrawn' : isPublic(editorial, now) ? 'current' : 'embargoed';
    if (kind === 'withdrawn' && item.updated.getTime() < oldestTombstone) continue;
    entries.push({
      editorial,
      item,
      kind,
      changed: item.updated,
      topicSlugs: topicsOf(item.topics).map((t) => t.slug),
    });
  }
  return entries.sort(
    (a, b) =>
      a.changed.getTime() - b.changed.getTime() ||
      (a.editorial.slug < b.editorial.slug ? -1 : a.editorial.slug > b.editorial.slug ? 1 : 0),
  );
}

/** Which entries the partner takes: every topic without `topics`, else those with one of them (by topic slug). */
export function takenBy(partner: PartnerConfig): (entry: PartnerEntry) => boolean {
  if (!partner.topics) return () => true;
  // Every configured topic has a slug: the configuration is checked for it.
  const wanted = new Set(partner.topics.map((topic) => topicSlug(topic)!));
  return (entry) => entry.topicSlugs.some((slug) => wanted.has(slug));
}

/** The partner's rights: its own usage terms and copyright holder where it has them, the publication's otherwise. */
export function partnerRights(partner: PartnerConfig, config: Config): Config['rights'] {
  const { rights } = config;
  return {
    copyrightHolder: partner.copyrightHolder ?? rights.copyrightHolder,
    copyrightNotice: partner.copyrightHolder ? `© ${partner.copyrightHolder}.` : rights.copyrightNotice,
    usageTerms: partner.usageTerms ?? rights.usageTerms,
  };
}

/** The configuration the feed renderers see for a partner: Atom `rights` say the copyright notice and the usage terms. */
export function partnerFeedConfig(partner: PartnerConfig, config: Config): Config {
  const rights = partnerRights(partner, config);
  return { ...config, rights: { ...rights, copyrightNotice: `${rights.copyrightNotice} ${rights.usageTerms}` } };
}

/** The entry rendered in one format for one partner: an Atom entry, a JSON Feed item (indented), a ninjs object. */
export function renderPartnerItem(
  format: PartnerFormat,
  entry: PartnerEntry,
  partner: PartnerConfig,
  config: Config,
  now: Date,
): string {
  if (format === 'atom') return atomPartnerEntry(entry, partnerFeedConfig(partner, config));
  if (format === 'json') return jsonPartnerItem(entry, partnerRights(partner, config), config);
  return indentedJson(
    renderNinjs(entry.editorial, config, { now, rights: partnerRights(partner, config), underEmbargo: 'usable' }),
  );
}

/** A value as it stands in a document's `items` array, indented four spaces, so documents are joined from fragments. */
export function indentedJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function withdrawalComment(editorial: Editorial, config: Config): string {
  const note = `${config.publication.name} has withdrawn this editorial.`;
  return editorial.correction ? `${note} ${editorial.correction}` : note;
}

function atomPartnerEntry(entry: PartnerEntry, feedConfig: Config): string {
  const { item } = entry;
  if (entry.kind === 'withdrawn') {
    const parts = [
      `<at:by><name>${xmlText(feedConfig.publication.name)}</name></at:by>`,
      `<at:comment type="text">${xmlText(withdrawalComment(entry.editorial, feedConfig))}</at:comment>`,
      element('link', { rel: 'alternate', type: 'text/html', href: item.url }),
    ];
    const open = openTag('at:deleted-entry', { 'xmlns:at': TOMBSTONES_NS, ref: item.id, when: rfc3339(entry.changed) });
    return `  ${open}\n${parts.map((p) => `    ${p}`).join('\n')}\n  </at:deleted-entry>`;
  }
  const rendered = atomEntry(item, feedConfig);
  if (entry.kind === 'current') return rendered;
  const close = '\n  </entry>';
  if (!rendered.endsWith(close)) throw new BroadsheetError('an Atom entry ends with </entry> on a line of its own');
  const embargo = `<bp:embargoed-until xmlns:bp="${PARTNER_ATOM_NS}">${rfc3339(entry.editorial.embargo!)}</bp:embargoed-until>`;
  return `${rendered.slice(0, -close.length)}\n    ${embargo}${close}`;
}

function jsonPartnerItem(entry: PartnerEntry, rights: Config['rights'], config: Config): string {
  const { item, editorial } = entry;
  const about = urls.home(config);
  const value: Record<string, unknown> =
    entry.kind === 'withdrawn'
      ? {
          id: item.id,
          url: item.url,
          title: item.title,
          content_text: withdrawalComment(editorial, config),
          date_published: rfc3339(item.published),
          date_modified: rfc3339(entry.changed),
          _deleted: { about, deleted_at: rfc3339(entry.changed), comment: withdrawalComment(editorial, config) },
        }
      : {
          ...(JSON.parse(jsonFeedItem(item, config)) as Record<string, unknown>),
          ...(entry.kind === 'embargoed' && { _embargo: { about, until: rfc3339(editorial.embargo!) } }),
        };
  value._rights = {
    about,
    copyright_holder: rights.copyrightHolder,
    copyright_notice: rights.copyrightNotice,
    usage_terms: rights.usageTerms,
  };
  return indentedJson(value);
}
