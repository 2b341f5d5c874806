import {
  changePage,
  emptyHead,
  isPageRecord,
  isScopeHead,
  newestArchivePage,
  remove,
  shapeOf,
  upsert,
  type HeadChange,
  type PageRecord,
  type ScopeHead,
} from '../../catalogue/head.ts';
import { itemContent, type ItemContent } from '../../catalogue/item.ts';
import { isMemberRecord, type MemberRecord } from '../../catalogue/member.ts';
import { catalogueKeys } from '../../catalogue/paths.ts';
import { ALL, scopeUrls, topicScope, type Scope } from '../../render/scopes.ts';
import { headFiles, pageFiles } from '../../catalogue/site.ts';
import { bySlug } from '../../render/topics.ts';
import { isPublic } from '../../render/feeds/window.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';
import { CatalogueObjectError, readJson, writeDerived, writeJsonOver, type Stored } from './object-io.ts';
import { AGAIN, untilWritten } from './retry.ts';

/**
 * Brings the catalogue in line with what the index holds for `slug`: admitted to, changed in or taken out of the
 * publication's scope and each of its topics, and every document that shows it rewritten. Each scope changes under
 * its own conditional write; the pass is repeated until the index entry did not move while it ran, so the last pass
 * always works from the newest version. Returns the subscription documents that changed, for announceFeeds: the
 * caller tells the WebSub hub last, once partner feeds and the email are on their way, so a slow hub delays neither.
 */
export async function updateCatalogue(deps: PublishDeps, slug: string): Promise<string[]> {
  const announced = new Set<string>();
  await untilWritten(deps.clock, `the catalogue of ${slug} kept changing`, async () => {
    const before = await readIndexEntry(deps.editorials, deps.clock, slug);
    const member = await readJson(deps.editorials, deps.clock, catalogueKeys.member(slug), isMemberRecord);
    const editorial = before && visibleEditorial(before.entry);
    const content = editorial && isPublic(editorial, deps.clock.now()) ? itemContent(editorial, deps.config) : undefined;
    const wanted = content ? [ALL, ...content.topics.map(topicScope)] : [];
    const scopes = new Map(wanted.map((scope) => [scope.id, scope]));
    for (const id of member?.value.in ?? []) if (!scopes.has(id)) scopes.set(id, scopeOfId(id));
    // The publication's feeds exist from the first editorial on, even when it is not public yet.
    if (!scopes.has(ALL.id)) scopes.set(ALL.id, ALL);

    const seqs = { ...member?.value.seqs };
    // Scopes are independent objects: changed side by side, a publish takes as long as its slowest scope.
    await Promise.all(
      [...scopes.values()].map(async (scope) => {
        const inScope = wanted.some((s) => s.id === scope.id);
        const seq = await applyToScope(deps, scope, slug, inScope ? content : undefined, seqs[scope.id], announced);
        if (seq !== undefined) seqs[scope.id] = seq;
      }),
    );
    const record: MemberRecord = { format: 1, seqs, in: wanted.map((s) => s.id) };
    if (JSON.stringify(record) !== JSON.stringify(member?.value)) {
      if (!(await writeJsonOver(deps.editorials, catalogueKeys.member(slug), record, member))) return AGAIN;
    }
    const after = await readIndexEntry(deps.editorials, deps.clock, slug);
    return after?.etag === before?.etag ? undefined : AGAIN;
  });
  return [...announced];
}

function scopeOfId(id: string): Scope {
  if (id === ALL.id) return ALL;
  const slug = id.slice('topics/'.length);
  return topicScope({ slug, label: slug });
}

/** Puts `content` in the scope (or takes the slug out when undefined); returns the slug's place there. */
async function applyToScope(
  deps: PublishDeps,
  scope: Scope,
  slug: string,
  content: ItemContent | undefined,
  knownSeq: number | undefined,
  announced: Set<string>,
): Promise<number | undefined> {
  const shape = shapeOf(deps.config);
  return untilWritten(deps.clock, `the ${scope.id} catalogue kept changing`, async () => {
    const stored = await readHead(deps, scope);
    const base = labelled(stored?.value ?? emptyHead(), scope, content);
    let change: HeadChange = { kind: 'none', ...(knownSeq !== undefined && { seq: knownSeq }) };
    if (content) change = upsert(base, content, knownSeq, shape);
    else if (knownSeq !== undefined) change = remove(base, slug, knownSeq, shape);
    if (change.kind === 'page') {
      await applyToPage(deps, scope, change.page, slug, content, change.seq);
      return change.seq;
    }
    if (change.kind === 'none') {
      // Nothing new: this may repeat a run that stopped after its write, so its documents are written again.
      if (stored) await repairScope(deps, scope, stored);
      else {
        const etag = await writeJsonOver(deps.editorials, catalogueKeys.head(scope), base, undefined);
        if (!etag) return AGAIN;
        await syncHeadFiles(deps, scope, { value: base, etag }, true);
      }
      return change.seq;
    }
    const head = withTopics(change.head, scope, content);
    const pages: Stored<PageRecord>[] = [];
    for (const record of change.sealed) pages.push({ value: record, etag: await storeSealedPage(deps, catalogueKeys.page(scope, record.page), record) });
    const etag = await writeJsonOver(deps.editorials, catalogueKeys.head(scope), head, stored);
    if (!etag) return AGAIN;
    await syncHeadFiles(deps, scope, { value: head, etag }, !stored || changesMaps(stored.value, head, shape));
    for (const page of pages) await syncPageFiles(deps, scope, page);
    for (const format of ['rss', 'atom', 'json'] as const) announced.add(scopeUrls.feed(deps.config, scope, format));
    return change.seq;
  });
}

/** Whether the sitemaps that list pages (the index, a topic's) change: a page was added, or a topic appeared. */
function changesMaps(before: ScopeHead, after: ScopeHead, shape: ReturnType<typeof shapeOf>): boolean {
  return newestArchivePage(before, shape) !== newestArchivePage(after, shape) || (before.topics?.length ?? 0) !== (after.topics?.length ?? 0);
}

/** A topic scope's head carries the topic's label as the newest editorial spells it. */
function labelled(head: ScopeHead, scope: Scope, content: ItemContent | undefined): ScopeHead {
  const label = scope.topic && content?.topics.find((t) => t.slug === scope.topic!.slug)?.label;
  return label && label !== head.label ? { ...head, label } : head;
}

function withTopics(head: ScopeHead, scope: Scope, content: ItemContent | undefined): ScopeHead {
  if (scope.id !== ALL.id || !content) return head;
  const known = new Map((head.topics ?? []).map((t) => [t.slug, t]));
  for (const topic of content.topics) known.set(topic.slug, topic);
  return { ...head, topics: [...known.values()].sort(bySlug) };
}

async function readHead(deps: PublishDeps, scope: Scope): Promise<Stored<ScopeHead> | undefined> {
  return readJson(deps.editorials, deps.clock, catalogueKeys.head(scope), isScopeHead);
}

async function readPage(deps: PublishDeps, scope: Scope, page: number): Promise<Stored<PageRecord> | undefined> {
  return readJson(deps.editorials, deps.clock, catalogueKeys.page(scope, page), isPageRecord);
}

/**
 * Stores a page an admission completed (at `key`), before the head that says so. Every admission from one head
 * version seals the same items under the same `gen`, so a page already stored with this `gen` or a later one is left
 * as it is: a writer that lost its race, however late, cannot replace what a newer head relies on.
 */
export async function storeSealedPage(deps: Pick<PublishDeps, 'clock' | 'editorials'>, key: string, record: PageRecord): Promise<string> {
  return untilWritten(deps.clock, `${key}, a completed page, kept changing`, async () => {
    const existing = await readJson(deps.editorials, deps.clock, key, isPageRecord);
    if (existing && existing.value.gen >= record.gen) return existing.etag;
    return (await writeJsonOver(deps.editorials, key, record, existing)) ?? AGAIN;
  });
}

/** A correction or withdrawal of an editorial in a complete page: that page alone changes. */
async function applyToPage(deps: PublishDeps, scope: Scope, page: number, slug: string, content: ItemContent | undefined, seq: number): Promise<void> {
  await untilWritten(deps.clock, `page ${page} of the ${scope.id} catalogue kept changing`, async () => {
    const stored = await readPage(deps, scope, page);
    if (!stored) throw new CatalogueObjectError(`${catalogueKeys.page(scope, page)} is missing: rebuild the catalogue with "broadsheet catalogue rebuild"`);
    const next = changePage(stored.value, slug, content, seq);
    if (!next) return syncPageFiles(deps, scope, stored);
    const etag = await writeJsonOver(deps.editorials, catalogueKeys.page(scope, page), next, stored);
    if (!etag) return AGAIN;
    return syncPageFiles(deps, scope, { value: next, etag });
  });
}

/** Writes the subscription documents, the open archive page and (for the publication) the sitemaps of a head. */
function syncHeadFiles(deps: PublishDeps, scope: Scope, stored: Stored<ScopeHead>, mapsChanged: boolean): Promise<void> {
  const from = {
    key: catalogueKeys.head(scope),
    read: () => readHead(deps, scope),
    render: (head: ScopeHead) => headFiles(deps.config, scope, head, deps.clock.now(), mapsChanged),
    what: `the ${scope.id} documents kept changing while they were written`,
  };
  return writeDerived(deps, from, stored);
}

/** Writes the documents of a complete page, again until the page did not change meanwhile. */
function syncPageFiles(deps: PublishDeps, scope: Scope, stored: Stored<PageRecord>): Promise<void> {
  const { page } = stored.value;
  const from = {
    key: catalogueKeys.page(scope, page),
    read: () => readPage(deps, scope, page),
    render: (record: PageRecord) => pageFiles(deps.config, scope, record),
    what: `page ${page} of the ${scope.id} documents kept changing`,
  };
  return writeDerived(deps, from, stored);
}

/** A repeated run: the head's documents, and those of the pages its latest completing admission completed. */
async function repairScope(deps: PublishDeps, scope: Scope, stored: Stored<ScopeHead>): Promise<void> {
  const sealed = stored.value.lastSealed ?? [];
  await syncHeadFiles(deps, scope, stored, sealed.length > 0);
  for (const page of sealed) {
    const record = await readPage(deps, scope, page);
    if (record) await syncPageFiles(deps, scope, record);
  }
}

/** Tells the WebSub hub, when there is one, which subscription documents changed. A hub that cannot be told is
 * logged and left: the feeds are written, and readers polling them see the change. */
export async function announceFeeds(deps: PublishDeps, feedUrls: readonly string[]): Promise<void> {
  if (!deps.hub || feedUrls.length === 0) return;
  try {
    await deps.hub.publish([...feedUrls]);
  } catch (error) {
    deps.log.error('the WebSub hub could not be told of the change; readers polling the feeds still see it', { error, feeds: feedUrls });
  }
}
