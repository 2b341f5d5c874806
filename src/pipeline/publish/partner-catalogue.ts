import type { Config, PartnerConfig, PartnerFormat } from '../../config.ts';
import type { Editorial } from '../../model.ts';
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
import type { CatalogueItem, ItemContent } from '../../catalogue/item.ts';
import { isMemberRecord, type MemberRecord } from '../../catalogue/member.ts';
import type { PublicFile } from '../../catalogue/documents.ts';
import { partnerItemContent, renderPartnerPage } from '../../partners/feeds.ts';
import { renderPartnerItem, takenBy, type PartnerEntry } from '../../partners/items.ts';
import { DEVELOPMENT_PARTNER_SECRET, partnerPath, PARTNERS_FOLDER } from '../../partners/paths.ts';
import { PartnerRegistryError, readPartnerRegistry, registryName } from '../../partners/registry.ts';
import { webhookEventId, type WebhookMessage } from '../../partners/webhooks.ts';
import { feedItem } from '../../render/feeds/feed-item.ts';
import { isPublic } from '../../render/feeds/window.ts';
import { topicsOf } from '../../render/topics.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { storeSealedPage } from './catalogue.ts';
import { CatalogueObjectError, putFiles, readJson, writeDerived, writeJsonOver, type Stored } from './object-io.ts';
import { AGAIN, untilWritten } from './retry.ts';

/*
 * Each partner's feeds on the publish stage. A partner's scope (`partners/<id>`) is ordered by change, not by first
 * publication: every change a partner hears of (a publish, a correction, a withdrawal, an embargoed publish, which
 * partners get at once) takes the slug out of its old place (in the head or a complete page) and admits it at the
 * next one, so the newest change is always first and every item is in one place only. The documents are the ones
 * `broadsheet build` writes (src/partners/feeds.ts renders both), under the partner's secret path, never cached
 * publicly.
 */

/** Partner documents may be kept by the partner's client for a minute, never by a shared cache. */
export const PARTNER_CACHE = 'private, max-age=60';

const PARTNER_MEMBERS_PREFIX = 'catalogue/partner-members/';

/** Private keys, in the editorials bucket. */
export const partnerCatalogueKeys = {
  head: (id: string) => `catalogue/partners/${id}/head.json`,
  pages: (id: string) => `catalogue/partners/${id}/pages/`,
  page: (id: string, page: number) => `${partnerCatalogueKeys.pages(id)}${page}.json`,
  member: (slug: string) => `${PARTNER_MEMBERS_PREFIX}${slug}.json`,
};

/** A slug's place in each partner scope it is in (`seqs`, `in`), and the version of the change that put it there. */
interface PartnerMemberRecord extends MemberRecord {
  versions: Record<string, string>;
}

function isPartnerMember(value: unknown): value is PartnerMemberRecord {
  return isMemberRecord(value) && typeof (value as Partial<PartnerMemberRecord>).versions === 'object';
}

/**
 * The deps of one invocation with the partners in effect now: the registry's (one GET) when there is one, else the
 * configuration's. A malformed registry holds every partner's feeds back instead of falling back to the
 * configuration: its partners may be out of date, and writing them would bring a rotated-away path back to life or
 * feed a partner that was taken out. Everything else (pages, public feeds, the email) goes ahead, since readers
 * should not wait on a partner typo; the caller fails the invocation with `problem` afterwards, so the event is
 * retried, then parked with the failed events (alarmed) for a redrive once the registry is fixed.
 */
export async function withRegistryPartners(deps: PublishDeps): Promise<{ deps: PublishDeps; problem?: PartnerRegistryError }> {
  try {
    const registry = await readPartnerRegistry(deps.editorials, deps.clock, { localRun: deps.localRun === true });
    return { deps: registry ? { ...deps, config: { ...deps.config, partners: registry.partners } } : deps };
  } catch (err) {
    if (!(err instanceof PartnerRegistryError)) throw err;
    deps.log.error('partner feeds held back: the partner registry is malformed; fix it, then redrive the failed events', { registry: registryName(deps.editorials), error: err });
    return { deps: { ...deps, config: { ...deps.config, partners: [] } }, problem: err };
  }
}

/** Deletes run this many at a time: a long-archived partner has a few hundred documents. */
const DELETES_AT_ONCE = 20;

/**
 * Writes the partner's documents at its current path now, not at the next publish: from its catalogue scope, or one
 * empty but valid document per format while nothing is in it. With `oldPath` (a rotation) every object under that
 * path is then deleted, so it stops answering. No other partner's objects are read or written. Returns the path and
 * how many old objects went.
 */
export async function republishPartnerFeeds(deps: PublishDeps, partner: PartnerConfig, oldPath?: string): Promise<{ path: string; removed: number }> {
  const scope = { partner, path: partnerPath(deps.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET, partner) };
  const head = await readHead(deps, partner.id);
  if (head) await syncHead(deps, scope, head);
  else await putFiles(deps.site, partnerFiles(deps, scope, undefined, 0, []));
  const pageKeys = await keysUnder(deps.editorials, partnerCatalogueKeys.pages(partner.id));
  for (const key of pageKeys) {
    // Anchored at both ends, on the last path segment alone: unanchored, the digits would be tried from every start.
    const page = Number(/^(\d+)\.json$/.exec(key.slice(key.lastIndexOf('/') + 1))?.[1]);
    const stored = Number.isInteger(page) ? await readPage(deps, partner.id, page) : undefined;
    if (stored) await syncPage(deps, scope, stored);
  }
  if (oldPath === undefined || oldPath === scope.path) return { path: scope.path, removed: 0 };
  const old = await keysUnder(deps.site, `${PARTNERS_FOLDER}/${oldPath}/`);
  for (let at = 0; at < old.length; at += DELETES_AT_ONCE) await Promise.all(old.slice(at, at + DELETES_AT_ONCE).map((key) => deps.site.delete(key)));
  return { path: scope.path, removed: old.length };
}

/**
 * Removes a partner's feeds for good (`broadsheet partners remove`, once the registry no longer names it): every
 * object under its path in the site bucket, its catalogue scope, and its place in every member record, so an id
 * added again later starts afresh. The folder is swept twice, around the rest: a publish that read the registry
 * before the removal may still have written there meanwhile. No webhook is sent. Returns what went.
 */
export async function removePartnerFeeds(
  deps: PublishDeps,
  id: string,
  path: string,
  partner?: PartnerConfig,
): Promise<{ objects: number; catalogue: number; members: number; tombstones: number }> {
  const folder = `${PARTNERS_FOLDER}/${path}/`;
  // First, while the member records still say what it holds: a partner with a webhook is told to take each item down.
  const tombstones = partner?.webhook && deps.webhooks ? await queueRemovalTombstones(deps, partner) : 0;
  let objects = await deleteAll(deps.site, await keysUnder(deps.site, folder));
  const catalogue = await deleteAll(deps.editorials, await keysUnder(deps.editorials, `catalogue/partners/${id}/`));
  let members = 0;
  for (const key of await keysUnder(deps.editorials, PARTNER_MEMBERS_PREFIX)) {
    const forgot = await untilWritten(deps.clock, `${key} kept changing`, async () => {
      const stored = await readJson(deps.editorials, deps.clock, key, isPartnerMember);
      if (!stored) return false;
      const { seqs, versions, in: inScopes } = stored.value;
      if (!(id in seqs) && !(id in versions) && !inScopes.includes(id)) return false;
      const { [id]: _seq, ...otherSeqs } = seqs;
      const { [id]: _version, ...otherVersions } = versions;
      const record: PartnerMemberRecord = { ...stored.value, seqs: otherSeqs, in: inScopes.filter((p) => p !== id), versions: otherVersions };
      return (await writeJsonOver(deps.editorials, key, record, stored)) ? true : AGAIN;
    });
    if (forgot) members++;
  }
  objects += await deleteAll(deps.site, await keysUnder(deps.site, folder));
  return { objects, catalogue, members, tombstones };
}

/**
 * One webhook tombstone (ninjs `pubStatus: canceled`) for every item the partner holds live, queued as any change
 * is; the event id names the removal, so a repeated remove sends each again under the same id. Its cost follows
 * the partner's items (one member record each), not the history.
 */
async function queueRemovalTombstones(deps: PublishDeps, partner: PartnerConfig): Promise<number> {
  const now = deps.clock.now();
  const messages: string[] = [];
  for (const key of await keysUnder(deps.editorials, PARTNER_MEMBERS_PREFIX)) {
    const stored = await readJson(deps.editorials, deps.clock, key, isPartnerMember);
    if (!stored?.value.versions[partner.id]?.startsWith('live|')) continue;
    const slug = key.slice(PARTNER_MEMBERS_PREFIX.length, -'.json'.length);
    const indexed = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (!indexed) continue;
    const entry = tombstone({ ...partnerEntryOf(visibleEditorial(indexed.entry), indexed.entry.removedAt, deps.config, now), changed: now });
    const message: WebhookMessage = {
      partner: partner.id,
      eventId: webhookEventId(partner.id, slug, 'removed'),
      body: webhookBody(entry, partner, deps.config, now),
      webhook: partner.webhook!,
      rotation: partner.rotation,
    };
    messages.push(JSON.stringify(message));
  }
  if (messages.length > 0) await deps.webhooks!.sendBatch(messages);
  return messages.length;
}

async function deleteAll(store: PublishDeps['site'], keys: readonly string[]): Promise<number> {
  for (let at = 0; at < keys.length; at += DELETES_AT_ONCE) await Promise.all(keys.slice(at, at + DELETES_AT_ONCE).map((key) => store.delete(key)));
  return keys.length;
}

async function keysUnder(store: PublishDeps['site'], prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const summary of store.list(prefix)) keys.push(summary.key);
  return keys;
}

/** Brings every partner scope that takes `slug` (or took it before) in line with its index entry. */
export async function updatePartnerFeeds(deps: PublishDeps, slug: string): Promise<void> {
  const partners = deps.config.partners;
  if (partners.length === 0) return;
  const secret = deps.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET;
  // Each partner's newest change, queued once the member record says it was made (a retry never loses one).
  const hooks = new Map<string, WebhookMessage>();
  await untilWritten(deps.clock, `the partner feeds of ${slug} kept changing`, async () => {
    const before = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (!before) return undefined;
    const member = await readJson(deps.editorials, deps.clock, partnerCatalogueKeys.member(slug), isPartnerMember);
    const entry = partnerEntryOf(visibleEditorial(before.entry), before.entry.removedAt, deps.config, deps.clock.now());
    const seqs = { ...member?.value.seqs };
    const versions = { ...member?.value.versions };
    const inScope = new Set<string>();
    await Promise.all(
      partners.map(async (partner) => {
        const takes = takenBy(partner)(entry);
        const took = member?.value.in.includes(partner.id) ?? false;
        if (!takes && !took) return;
        inScope.add(partner.id);
        const previous = versions[partner.id];
        // No longer in its topics: told once, as a tombstone, which then stays as it is.
        if (!takes && previous?.startsWith('withdrawn|')) return;
        const shown = takes ? entry : tombstone(entry);
        const version = `${shown.kind === 'withdrawn' ? 'withdrawn' : 'live'}|${shown.changed.toISOString()}`;
        const scope = { partner, path: partnerPath(secret, partner) };
        const content = partnerContent(shown, partner, deps.config, deps.clock.now());
        seqs[partner.id] = await applyToPartner(deps, scope, slug, content, seqs[partner.id], version === previous);
        versions[partner.id] = version;
        if (partner.webhook && deps.webhooks && version !== previous) {
          hooks.set(partner.id, { partner: partner.id, eventId: webhookEventId(partner.id, slug, version), body: webhookBody(shown, partner, deps.config, deps.clock.now()), webhook: partner.webhook, rotation: partner.rotation });
        }
      }),
    );
    const record: PartnerMemberRecord = { format: 1, seqs, in: partners.filter((p) => inScope.has(p.id)).map((p) => p.id), versions };
    if (JSON.stringify(record) !== JSON.stringify(member?.value)) {
      if (!(await writeJsonOver(deps.editorials, partnerCatalogueKeys.member(slug), record, member))) return AGAIN;
    }
    const after = await readIndexEntry(deps.editorials, deps.clock, slug);
    return after?.etag === before.etag ? undefined : AGAIN;
  });
  if (hooks.size > 0) await deps.webhooks!.sendBatch([...hooks.values()].map((m) => JSON.stringify(m)));
}

/** The ninjs item the partner's ninjs feed carries for this change, as one JSON text. */
function webhookBody(entry: PartnerEntry, partner: PartnerConfig, config: Config, now: Date): string {
  return JSON.stringify(JSON.parse(renderPartnerItem('ninjs', entry, partner, config, now)));
}

/**
 * Builds every partner scope again from the index (with `broadsheet catalogue rebuild`, once the catalogue objects
 * are gone): each editorial's latest change replayed in the order of change, as publishing them in that order would.
 * It also fills the scope of a partner added since its editorials were published.
 */
export async function rebuildPartnerFeeds(given: PublishDeps): Promise<void> {
  // The partners in effect now; a rebuild never goes ahead on a malformed registry.
  const { deps, problem } = await withRegistryPartners(given);
  if (problem) throw problem;
  if (deps.config.partners.length === 0) return;
  const order: { slug: string; changed: number }[] = [];
  const now = deps.clock.now();
  await forEachIndexEntry(deps, async (entry) => {
    const { editorial, changed } = partnerEntryOf(visibleEditorial(entry), entry.removedAt, deps.config, now);
    order.push({ slug: editorial.slug, changed: changed.getTime() });
  });
  order.sort((a, b) => a.changed - b.changed || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  // A replay of changes partners were told of already: no webhook is sent for them again.
  const replay: PublishDeps = { ...deps };
  delete replay.webhooks;
  for (const { slug } of order) await updatePartnerFeeds(replay, slug);
}

/** The editorial as partners hear of it now; a withdrawal by removal is a change at the moment of removal. */
function partnerEntryOf(editorial: Editorial, removedAt: Date | undefined, config: Config, now: Date): PartnerEntry {
  const item = feedItem(editorial, config);
  const kind = editorial.status === 'withdrawn' ? 'withdrawn' : isPublic(editorial, now) ? 'current' : 'embargoed';
  const changed = kind === 'withdrawn' && removedAt ? removedAt : item.updated;
  return { editorial, item, kind, changed, topicSlugs: topicsOf(item.topics).map((t) => t.slug) };
}

function tombstone(entry: PartnerEntry): PartnerEntry {
  return entry.kind === 'withdrawn' ? entry : { ...entry, editorial: { ...entry.editorial, status: 'withdrawn' }, kind: 'withdrawn' };
}

function partnerContent(entry: PartnerEntry, partner: PartnerConfig, config: Config, now: Date): ItemContent {
  return partnerItemContent(entry, Object.fromEntries(partner.formats.map((format) => [format, renderPartnerItem(format, entry, partner, config, now)])));
}

interface PartnerScope {
  partner: PartnerConfig;
  path: string;
}

/**
 * Puts the change in the partner's scope; returns the slug's place. The same version again changes its item where
 * it is (nothing, when nothing differs); a new one takes the old place out first, then admits it at the next place.
 */
async function applyToPartner(deps: PublishDeps, scope: PartnerScope, slug: string, content: ItemContent, old: number | undefined, sameVersion: boolean): Promise<number> {
  const shape = shapeOf(deps.config);
  const id = scope.partner.id;
  if (old !== undefined && !sameVersion) await removeFromPartner(deps, scope, slug, old);
  return untilWritten(deps.clock, `the partners/${id} catalogue kept changing`, async () => {
    const stored = await readHead(deps, id);
    const base = stored?.value ?? emptyHead();
    // An admission of this version by a run that stopped before its member record: its place is the latest one.
    const latest = base.recent.find(([s]) => s === slug)?.[1];
    const known = sameVersion ? old : latest !== undefined && (old === undefined || latest > old) ? latest : undefined;
    const change: HeadChange =
      known !== undefined ? upsert(base, content, known, shape) : upsert({ ...base, recent: base.recent.filter(([s]) => s !== slug) }, content, undefined, shape);
    if (change.kind === 'page') {
      await changeInPage(deps, scope, change.page, slug, content, change.seq);
      return change.seq;
    }
    if (change.kind === 'none') {
      if (stored) await syncHead(deps, scope, stored);
      return change.seq!;
    }
    const pages: Stored<PageRecord>[] = [];
    for (const record of change.sealed) pages.push({ value: record, etag: await storeSealedPage(deps, partnerCatalogueKeys.page(id, record.page), record) });
    const etag = await writeJsonOver(deps.editorials, partnerCatalogueKeys.head(id), change.head, stored);
    if (!etag) return AGAIN;
    await syncHead(deps, scope, { value: change.head, etag });
    for (const page of pages) await syncPage(deps, scope, page);
    return change.seq;
  });
}

/** Takes the slug out of its old place: the head, or the complete page holding it. */
async function removeFromPartner(deps: PublishDeps, scope: PartnerScope, slug: string, seq: number): Promise<void> {
  const shape = shapeOf(deps.config);
  const id = scope.partner.id;
  await untilWritten(deps.clock, `the partners/${id} catalogue kept changing`, async () => {
    const stored = await readHead(deps, id);
    if (!stored) return undefined;
    const change = remove(stored.value, slug, seq, shape);
    if (change.kind === 'page') return changeInPage(deps, scope, change.page, slug, undefined, seq);
    if (change.kind === 'none') return undefined;
    // The head's documents are written once the change is admitted, which follows at once.
    return (await writeJsonOver(deps.editorials, partnerCatalogueKeys.head(id), change.head, stored)) ? undefined : AGAIN;
  });
}

async function changeInPage(deps: PublishDeps, scope: PartnerScope, page: number, slug: string, content: ItemContent | undefined, seq: number): Promise<void> {
  const id = scope.partner.id;
  await untilWritten(deps.clock, `page ${page} of the partners/${id} catalogue kept changing`, async () => {
    const stored = await readPage(deps, id, page);
    if (!stored) throw new CatalogueObjectError(`${partnerCatalogueKeys.page(id, page)} is missing`);
    const next = changePage(stored.value, slug, content, seq);
    if (!next) return syncPage(deps, scope, stored);
    const etag = await writeJsonOver(deps.editorials, partnerCatalogueKeys.page(id, page), next, stored);
    if (!etag) return AGAIN;
    return syncPage(deps, scope, { value: next, etag });
  });
}

/** Writes the subscription document and the open archive page in each format, again while the head moves. */
function syncHead(deps: PublishDeps, scope: PartnerScope, stored: Stored<ScopeHead>): Promise<void> {
  const shape = shapeOf(deps.config);
  const id = scope.partner.id;
  const render = (head: ScopeHead) => {
    const openPage = newestArchivePage(head, shape);
    const files = partnerFiles(deps, scope, undefined, openPage, head.window);
    if (openPage > 0) files.push(...partnerFiles(deps, scope, openPage, openPage, head.open));
    return files;
  };
  const from = {
    key: partnerCatalogueKeys.head(id),
    read: () => readHead(deps, id),
    render,
    what: `the partners/${id} documents kept changing while they were written`,
  };
  return writeDerived(deps, from, stored);
}

function syncPage(deps: PublishDeps, scope: PartnerScope, stored: Stored<PageRecord>): Promise<void> {
  const id = scope.partner.id;
  const { page } = stored.value;
  const from = {
    key: partnerCatalogueKeys.page(id, page),
    read: () => readPage(deps, id, page),
    // A complete page always has a newer one after it; which one does not change what this page says.
    render: (record: PageRecord) => partnerFiles(deps, scope, page, page + 1, record.items),
    what: `page ${page} of the partners/${id} documents kept changing`,
  };
  return writeDerived(deps, from, stored);
}

/** One document per format of the partner; tombstones older than `partnerFeeds.tombstoneDays` are left out. */
function partnerFiles(deps: PublishDeps, scope: PartnerScope, page: number | undefined, openPage: number, items: readonly CatalogueItem[]): PublicFile[] {
  const oldest = deps.clock.now().getTime() - deps.config.partnerFeeds.tombstoneDays * 86_400_000;
  const shown = items.filter((i) => i.partner && !(i.partner.kind === 'withdrawn' && Date.parse(i.partner.changed) < oldest));
  return scope.partner.formats.map((format: PartnerFormat) => ({
    cacheControl: PARTNER_CACHE,
    ...renderPartnerPage(
      format,
      scope.partner,
      scope.path,
      deps.config,
      page,
      openPage,
      shown.map((i) => ({ fragment: i.partner!.fragments[format] ?? '', changed: new Date(i.partner!.changed), published: new Date(i.published) })),
    ),
  }));
}

function readHead(deps: PublishDeps, id: string): Promise<Stored<ScopeHead> | undefined> {
  return readJson(deps.editorials, deps.clock, partnerCatalogueKeys.head(id), isScopeHead);
}

function readPage(deps: PublishDeps, id: string, page: number): Promise<Stored<PageRecord> | undefined> {
  return readJson(deps.editorials, deps.clock, partnerCatalogueKeys.page(id, page), isPageRecord);
}
