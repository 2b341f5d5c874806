import type { Config, PartnerConfig, PartnerFormat } from '../config.ts';
import type { Editorial } from '../model.ts';
import { layout, newestArchivePage, shapeOf } from '../catalogue/head.ts';
import type { CatalogueItem, ItemContent } from '../catalogue/item.ts';
import { atomDocument } from '../render/feeds/atom.ts';
import type { FeedDocument } from '../render/feeds/document.ts';
import { feedId } from '../render/feeds/feed-item.ts';
import { jsonFeedDocument } from '../render/feeds/json-feed.ts';
import { urls } from '../render/urls.ts';
import { partnerEntries, partnerFeedConfig, renderPartnerItem, takenBy, type PartnerEntry } from './items.ts';
import { PARTNER_CONTENT_TYPES, partnerKey, partnerPath, partnerUrl, PARTNERS_MANIFEST } from './paths.ts';

/** A file of a partner's feeds, below the site root (`partners/<path>/...`). */
export interface PartnerFile {
  key: string;
  body: string;
  contentType: string;
}

/** One partner in partners.json: where its feeds are, relative to the folder the site is built in. */
export interface PartnerManifestEntry {
  id: string;
  name: string;
  feeds: Partial<Record<PartnerFormat, string>>;
}

export interface PartnerFeeds {
  files: PartnerFile[];
  manifest: PartnerManifestEntry[];
  /** partners.json, as written beside the site. */
  manifestFile: PartnerFile;
}

/**
 * Every partner's documents from the latest version of every editorial built (public, embargoed or withdrawn), at
 * `now`. Each partner's items are numbered by change, oldest first, and laid out like a public scope (`layout`): the
 * subscription document holds the newest `feeds.limit` changes, archive page k the changes numbered
 * ((k - 1) × limit, k × limit]. So a document lists items newest change first, and a changed item moves to the front.
 */
export function buildPartnerFeeds(
  editorials: readonly Editorial[],
  config: Config,
  secret: string,
  now: Date,
): PartnerFeeds {
  const entries = partnerEntries(editorials, config, now);
  const files: PartnerFile[] = [];
  const manifest: PartnerManifestEntry[] = [];
  for (const partner of config.partners) {
    const path = partnerPath(secret, partner);
    const mine = entries.filter(takenBy(partner));
    for (const format of partner.formats) files.push(...partnerDocuments(format, mine, partner, path, config, now));
    manifest.push({
      id: partner.id,
      name: partner.name,
      feeds: Object.fromEntries(partner.formats.map((format) => [format, partnerKey(path, format)])),
    });
  }
  const manifestFile = {
    key: PARTNERS_MANIFEST,
    body: `${JSON.stringify(manifest, null, 2)}\n`,
    contentType: 'application/json; charset=utf-8',
  };
  return { files, manifest, manifestFile };
}

/** The subscription document and every archive page of one partner in one format. */
function partnerDocuments(
  format: PartnerFormat,
  entries: readonly PartnerEntry[],
  partner: PartnerConfig,
  path: string,
  config: Config,
  now: Date,
): PartnerFile[] {
  const shape = shapeOf(config);
  const bySlug = new Map(entries.map((entry) => [entry.editorial.slug, entry]));
  const { head, pages } = layout(
    entries.map((entry) => partnerItemContent(entry, {})),
    shape,
  );
  const openPage = newestArchivePage(head, shape);
  const positions: [number | undefined, CatalogueItem[]][] = [[undefined, head.window]];
  if (openPage > 0) positions.push([openPage, head.open]);
  for (const page of pages) positions.push([page.page, page.items]);
  return positions.map(([page, items]) => {
    const held = items.map((item) => bySlug.get(item.slug)!);
    const rendered = held.map((entry) => ({
      fragment: renderPartnerItem(format, entry, partner, config, now),
      changed: entry.changed,
      published: entry.item.published,
    }));
    return renderPartnerPage(format, partner, path, config, page, openPage, rendered);
  });
}

/** One item of a partner document, already rendered in the document's format. */
export interface PartnerPageItem {
  fragment: string;
  changed: Date;
  published: Date;
}

/**
 * One partner document: the subscription document (`page` undefined) or archive page `page`, `openPage` the newest
 * archive page (0 while nothing is archived), its items newest change first. Shared by `broadsheet build` and the
 * publish stage, so both write the same bytes for the same items.
 */
export function renderPartnerPage(
  format: PartnerFormat,
  partner: PartnerConfig,
  path: string,
  config: Config,
  page: number | undefined,
  openPage: number,
  items: readonly PartnerPageItem[],
): PartnerFile {
  const doc = partnerFeedDocument(format, partner, path, config, page, openPage);
  return {
    key: partnerKey(path, format, page),
    body: partnerDocument(format, doc, items, partner, config),
    contentType: PARTNER_CONTENT_TYPES[format],
  };
}

/**
 * The entry as a partner scope's catalogue item holds it, with its fragment in each format given. `layout` numbers and
 * pages items by their order and slug alone, so the builder gives none.
 */
export function partnerItemContent(
  entry: PartnerEntry,
  fragments: Partial<Record<PartnerFormat, string>>,
): ItemContent {
  const { item, editorial } = entry;
  return {
    slug: editorial.slug,
    published: item.published.toISOString(),
    updated: entry.changed.toISOString(),
    title: item.title,
    lang: editorial.lang,
    url: item.url,
    topics: [],
    fragments: { rss: '', atom: '', json: '', card: '' },
    partner: { kind: entry.kind, changed: entry.changed.toISOString(), fragments },
  };
}

/** RFC 5005 links, as the public archives have them: subscription document → newest archive page → … → page 1. */
function partnerFeedDocument(
  format: PartnerFormat,
  partner: PartnerConfig,
  path: string,
  config: Config,
  page: number | undefined,
  openPage: number,
): FeedDocument {
  const doc: FeedDocument = {
    id: `${feedId(config)}/partners/${partner.id}`,
    title: `${config.publication.name} for ${partner.name}`,
    description: config.publication.description,
    selfUrl: partnerUrl(config, path, format, page),
    htmlUrl: urls.home(config),
  };
  const archive = (n: number) => partnerUrl(config, path, format, n);
  if (page === undefined) {
    if (openPage > 0) doc.prevArchiveUrl = archive(openPage);
    return doc;
  }
  doc.currentUrl = partnerUrl(config, path, format);
  if (page > 1) doc.prevArchiveUrl = archive(page - 1);
  if (page < openPage) doc.nextArchiveUrl = archive(page + 1);
  return doc;
}

function partnerDocument(
  format: PartnerFormat,
  doc: FeedDocument,
  items: readonly PartnerPageItem[],
  partner: PartnerConfig,
  config: Config,
): string {
  const feedConfig = partnerFeedConfig(partner, config);
  const rendered = items.map((item) => item.fragment);
  if (format === 'atom') {
    const newest = (date: (item: PartnerPageItem) => Date) =>
      items.reduce<Date | undefined>((max, e) => (!max || date(e) > max ? date(e) : max), undefined);
    return atomDocument(
      doc,
      rendered,
      { updated: newest((e) => e.changed), published: newest((e) => e.published) },
      feedConfig,
    );
  }
  if (format === 'json') return jsonFeedDocument(doc, rendered, feedConfig);
  // The same bytes as JSON.stringify({ items, next }, null, 2), joined from the items rendered one by one.
  const joined = rendered.length ? `[\n${rendered.join(',\n')}\n  ]` : '[]';
  return `{\n  "items": ${joined},\n  "next": ${JSON.stringify(doc.prevArchiveUrl ?? null)}\n}\n`;
}
