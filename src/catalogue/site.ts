import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import { ALL, topicScope, type Scope } from '../render/scopes.ts';
import { bySlug } from '../render/topics.ts';
import { listingFiles, type PublicFile } from './documents.ts';
import { layout, newestArchivePage, shapeOf, type PageRecord, type ScopeHead } from './head.ts';
import { itemContent, type ItemContent } from './item.ts';
import type { MemberRecord } from './member.ts';
import { archiveSiteMapFile, currentSiteMapFiles, siteMapIndexFile, topicSiteMapFile } from './site-maps.ts';

export interface BuiltScope {
  scope: Scope;
  head: ScopeHead;
  pages: PageRecord[];
}

export interface BuiltCatalogue {
  scopes: BuiltScope[];
  members: Map<string, MemberRecord>;
  /** Every listing document, archive, page and sitemap of the public site. */
  files: PublicFile[];
}

/**
 * The whole catalogue at once from the public editorials (one version each): admitted in order of publication, the
 * same catalogue the publish stage reaches by admitting them one by one in that order. The offline builder writes
 * its files; rebuilding a deployed catalogue stores its heads, pages and members too.
 */
export function buildCatalogue(editorials: readonly Editorial[], config: Config, now: Date): BuiltCatalogue {
  const shape = shapeOf(config);
  const ordered = [...editorials].sort(
    (a, b) => a.published.getTime() - b.published.getTime() || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0),
  );
  const contents = ordered.map((editorial) => itemContent(editorial, config));
  const byTopic = new Map<string, { label: string; contents: ItemContent[] }>();
  for (const content of contents) {
    for (const topic of content.topics) {
      const entry = byTopic.get(topic.slug) ?? { label: topic.label, contents: [] };
      entry.label = topic.label;
      entry.contents.push(content);
      byTopic.set(topic.slug, entry);
    }
  }
  const topics = [...byTopic].map(([slug, { label }]) => ({ slug, label })).sort(bySlug);
  const all = layout(contents, shape);
  all.head.topics = topics;
  const scopes: BuiltScope[] = [{ scope: ALL, ...all }];
  for (const topic of topics) {
    const built = layout(byTopic.get(topic.slug)!.contents, shape, topic.label);
    scopes.push({ scope: topicScope(topic), ...built });
  }

  const members = new Map<string, MemberRecord>();
  for (const { scope, head, pages } of scopes) {
    for (const item of [...head.window, ...head.open, ...pages.flatMap((p) => p.items)]) {
      const member = members.get(item.slug) ?? { format: 1, seqs: {}, in: [] };
      member.seqs[scope.id] = item.seq;
      member.in.push(scope.id);
      members.set(item.slug, member);
    }
  }

  const files: PublicFile[] = [];
  for (const { scope, head, pages } of scopes) {
    files.push(...headFiles(config, scope, head, now, true));
    for (const page of pages) files.push(...pageFiles(config, scope, page));
  }
  return { scopes, members, files };
}

/** The scope as documents name it: a topic by the label its head (or page) holds. */
function shown(scope: Scope, label: string | undefined): Scope {
  return scope.topic && label ? topicScope({ slug: scope.topic.slug, label }) : scope;
}

/**
 * What a head shows: the subscription documents and home (or topic) page, the archive page still filling, and for
 * the publication the current sitemaps. `maps`: also the sitemaps that list pages (the index, a topic's), which
 * change only when a page is added or a topic appears.
 */
export function headFiles(config: Config, scope: Scope, head: ScopeHead, now: Date, maps: boolean): PublicFile[] {
  const openPage = newestArchivePage(head, shapeOf(config));
  const named = shown(scope, head.label);
  const files = listingFiles(config, { scope: named, openPage }, head.window);
  if (openPage > 0) files.push(...listingFiles(config, { scope: named, page: openPage, openPage }, head.open));
  if (!named.topic) {
    files.push(...currentSiteMapFiles(config, head, openPage, now));
    if (maps) files.push(siteMapIndexFile(config, openPage, head.topics ?? []));
  } else if (maps) {
    files.push(topicSiteMapFile(config, named.topic, openPage));
  }
  return files;
}

/** What a complete page shows: its documents, and for the publication its sitemap. */
export function pageFiles(config: Config, scope: Scope, record: PageRecord): PublicFile[] {
  const { page, items, label } = record;
  // A complete page always has a newer one after it; which one does not change what this page says.
  const files = listingFiles(config, { scope: shown(scope, label), page, openPage: page + 1 }, items);
  if (!scope.topic) files.push(archiveSiteMapFile(config, page, items));
  return files;
}
