import { emptyHead, shapeOf, upsert, type PageRecord, type ScopeHead } from '../../catalogue/head.ts';
import { itemContent } from '../../catalogue/item.ts';
import type { MemberRecord } from '../../catalogue/member.ts';
import { catalogueKeys } from '../../catalogue/paths.ts';
import type { CatalogueScope } from '../../catalogue/store/engine.ts';
import { putFiles } from '../../catalogue/store/object-io.ts';
import { siteCatalogueScope } from '../../catalogue/store/site-scope.ts';
import { isPublic } from '../../render/feeds/window.ts';
import { ALL, topicScope, type Scope } from '../../render/scopes.ts';
import { bySlug, topicsOf } from '../../render/topics.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { JSON_TYPE } from './keys.ts';
import { rebuildPartnerFeeds } from './update-partner-feeds.ts';
import { readAhead, writeBehind } from './read-ahead.ts';
import { holdForEmbargo } from './release.ts';

/** How many index entries are read ahead of the one being admitted. */
const READ_AHEAD = 8;

export interface RebuildReport {
  /** Index entries read. */
  editorials: number;
  /** Of those, public now: in the feeds, archives and pages. */
  public: number;
  scopes: number;
  pages: number;
}

/**
 * Builds the catalogue again from the index: every public editorial admitted in order of publication, exactly as
 * publishing them one by one in that order would. Memory holds the index's dates and topics and one head per scope;
 * each archive page is stored as soon as it is complete. For a first deployment of the catalogue, or after the
 * catalogue objects were lost; run it while nothing is being published (it writes the heads last, unconditionally).
 */
export async function rebuildCatalogue(
  deps: PublishDeps,
  progress: (done: number, total: number) => void = () => {},
): Promise<RebuildReport> {
  const now = deps.clock.now();
  const shape = shapeOf(deps.config);
  const order: { slug: string; published: number }[] = [];
  let editorials = 0;
  await forEachIndexEntry(deps, async (entry) => {
    editorials++;
    const editorial = visibleEditorial(entry);
    if (isPublic(editorial, now)) order.push({ slug: editorial.slug, published: editorial.published.getTime() });
    else if (!entry.removedAt) await holdForEmbargo(deps, editorial);
  });
  order.sort((a, b) => a.published - b.published || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));

  const heads = new Map<string, { scope: Scope; head: ScopeHead }>();
  let pages = 0;
  let done = 0;
  // Each editorial's member record is written while the next ones are admitted.
  const members = writeBehind(READ_AHEAD);
  const entries = readAhead(order, READ_AHEAD, ({ slug }) => readIndexEntry(deps.editorials, deps.clock, slug));
  for await (const [{ slug }, stored] of entries) {
    done++;
    if (!stored) continue;
    const content = itemContent(visibleEditorial(stored.entry), deps.config);
    const member: MemberRecord = { format: 1, seqs: {}, in: [] };
    for (const scope of [ALL, ...content.topics.map(topicScope)]) {
      const state = heads.get(scope.id) ?? {
        scope,
        head: { ...emptyHead(), ...(scope.topic && { label: scope.topic.label }) },
      };
      if (scope.topic) state.head = { ...state.head, label: scope.topic.label };
      const change = upsert(state.head, content, undefined, shape);
      if (change.kind !== 'head') continue;
      state.head = change.head;
      heads.set(scope.id, state);
      member.seqs[scope.id] = change.seq;
      member.in.push(scope.id);
      for (const page of change.sealed)
        await storePage(
          deps,
          siteCatalogueScope(deps.config, () => now, scope),
          page,
        );
      pages += change.sealed.length;
    }
    await members.add(() =>
      deps.editorials.put(catalogueKeys.member(slug), JSON.stringify(member), { contentType: JSON_TYPE }),
    );
    progress(done, order.length);
  }
  await members.settle();

  if (!heads.has(ALL.id)) heads.set(ALL.id, { scope: ALL, head: emptyHead() });
  const topics = [...heads.values()].flatMap(({ scope }) => (scope.topic ? [scope.topic] : []));
  for (const { scope, head } of heads.values()) {
    const final = scope.id === ALL.id ? { ...head, topics: topicsOf(topics.map((t) => t.label)).sort(bySlug) } : head;
    const described = siteCatalogueScope(deps.config, () => now, scope);
    await putFiles(deps.site, described.files.head(final, true));
    await deps.editorials.put(described.keys.head, JSON.stringify(final), { contentType: JSON_TYPE });
  }
  await rebuildPartnerFeeds(deps);
  deps.log.info('catalogue rebuilt', { editorials, public: order.length, scopes: heads.size, pages });
  return { editorials, public: order.length, scopes: heads.size, pages };
}

/** Stored as it is completed: a rebuild writes over what is there, unconditionally. */
async function storePage(deps: PublishDeps, described: CatalogueScope, page: PageRecord): Promise<void> {
  await deps.editorials.put(described.keys.page(page.page), JSON.stringify(page), { contentType: JSON_TYPE });
  await putFiles(deps.site, described.files.page(page));
}
