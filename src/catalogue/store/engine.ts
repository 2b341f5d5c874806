import type { Clock, ObjectStore } from '../../ports.ts';
import type { PublicFile } from '../documents.ts';
import {
  changePage,
  emptyHead,
  isPageRecord,
  isScopeHead,
  newestArchivePage,
  type HeadChange,
  type PageRecord,
  type ScopeHead,
  type Shape,
} from '../head.ts';
import type { ItemContent } from '../item.ts';
import {
  CatalogueObjectError,
  keysUnder,
  putFiles,
  readJson,
  writeDerived,
  writeJsonOver,
  type Stored,
} from './object-io.ts';
import { AGAIN, untilWritten } from './retry.ts';

/*
 * The catalogue engine: one scope's head and complete pages, kept in the editorials bucket and changed only by a
 * conditional write over the version read, and the public files rendered from them, written again until the object
 * they came from held still. Every kind of scope (the publication, a topic, a partner) runs through the same loop;
 * a scope description says where its objects live and how its documents look.
 */

/** The stores the engine works on: objects in `editorials`, documents in `site`. */
export interface CatalogueStores {
  editorials: ObjectStore;
  site: ObjectStore;
  clock: Clock;
}

/** One scope of the catalogue as the engine needs it. */
export interface CatalogueScope {
  /** Names the scope in what is said when it keeps changing: `all`, `topics/<slug>`, `partners/<id>`. */
  id: string;
  shape: Shape;
  /** Private keys, in the editorials bucket. */
  keys: { head: string; pages: string; page: (page: number) => string };
  /** The public documents of a head and of a complete page, cache headers included. */
  files: {
    /** `mapsChanged`: the sitemaps that list the pages change too (a page was added, or a topic appeared). */
    head: (head: ScopeHead, mapsChanged: boolean) => PublicFile[];
    page: (record: PageRecord) => PublicFile[];
  };
  /**
   * Whether a repeated run that changes nothing also writes again the documents of the pages the head's latest
   * admission completed (it may repeat a run that stopped before them), or only the head's.
   */
  repairsSealedPages: boolean;
  /** Said when a complete page the head relies on is missing: how to get it back. */
  missingPageHint?: string;
}

/** What one change of a scope does to the head it reads. */
export interface ScopeChange {
  slug: string;
  /** The item's version in this scope, or undefined to take it out. */
  content: ItemContent | undefined;
  /**
   * The change to make to the head read (undefined when none is stored yet), and the head a missing one starts as;
   * undefined leaves the scope as it is.
   */
  decide: (head: ScopeHead | undefined) => { base: ScopeHead; change: HeadChange } | undefined;
  /** The head's documents wait: a change that follows at once writes them (a partner's item moving to its new place). */
  documentsLater?: boolean;
}

export interface ScopeChanged {
  /** The slug's place in the scope. */
  seq?: number;
  /** Whether the head changed, so the scope's subscription documents did. */
  headWritten: boolean;
}

export function readHead(stores: CatalogueStores, scope: CatalogueScope): Promise<Stored<ScopeHead> | undefined> {
  return readJson(stores.editorials, stores.clock, scope.keys.head, isScopeHead);
}

export function readPage(
  stores: CatalogueStores,
  scope: CatalogueScope,
  page: number,
): Promise<Stored<PageRecord> | undefined> {
  return readJson(stores.editorials, stores.clock, scope.keys.page(page), isPageRecord);
}

/**
 * Makes one change in the scope, where the item lives: the head, or the complete page holding it. Repeated until
 * it is written over the version it was decided from; the documents follow each write.
 */
export function changeScope(
  stores: CatalogueStores,
  scope: CatalogueScope,
  change: ScopeChange,
): Promise<ScopeChanged> {
  return untilWritten(stores.clock, `the ${scope.id} catalogue kept changing`, async () => {
    const stored = await readHead(stores, scope);
    const decided = change.decide(stored?.value);
    if (!decided) return { headWritten: false };
    const { base, change: next } = decided;
    if (next.kind === 'page') {
      await changeInPage(stores, scope, next.page, change.slug, change.content, next.seq);
      return { seq: next.seq, headWritten: false };
    }
    if (next.kind === 'none') {
      const unchanged = { ...(next.seq !== undefined && { seq: next.seq }), headWritten: false };
      if (change.documentsLater) return unchanged;
      // Nothing new: this may repeat a run that stopped after its write, so its documents are written again.
      if (stored) await repairScope(stores, scope, stored);
      else {
        const etag = await writeJsonOver(stores.editorials, scope.keys.head, base, undefined);
        if (!etag) return AGAIN;
        await syncHead(stores, scope, { value: base, etag }, true);
      }
      return unchanged;
    }
    const pages: Stored<PageRecord>[] = [];
    for (const record of next.sealed) {
      pages.push({ value: record, etag: await storeSealedPage(stores, scope.keys.page(record.page), record) });
    }
    const etag = await writeJsonOver(stores.editorials, scope.keys.head, next.head, stored);
    if (!etag) return AGAIN;
    if (!change.documentsLater) {
      const mapsChanged = !stored || changesMaps(stored.value, next.head, scope.shape);
      await syncHead(stores, scope, { value: next.head, etag }, mapsChanged);
      for (const page of pages) await syncPage(stores, scope, page);
    }
    return { seq: next.seq, headWritten: true };
  });
}

/** Whether the sitemaps that list pages (the index, a topic's) change: a page was added, or a topic appeared. */
function changesMaps(before: ScopeHead, after: ScopeHead, shape: Shape): boolean {
  return (
    newestArchivePage(before, shape) !== newestArchivePage(after, shape) ||
    (before.topics?.length ?? 0) !== (after.topics?.length ?? 0)
  );
}

/**
 * Stores a page an admission completed (at `key`), before the head that says so. Every admission from one head
 * version seals the same items under the same `gen`, so a page already stored with this `gen` or a later one is left
 * as it is: a writer that lost its race, however late, cannot replace what a newer head relies on.
 */
export async function storeSealedPage(
  stores: Pick<CatalogueStores, 'clock' | 'editorials'>,
  key: string,
  record: PageRecord,
): Promise<string> {
  return untilWritten(stores.clock, `${key}, a completed page, kept changing`, async () => {
    const existing = await readJson(stores.editorials, stores.clock, key, isPageRecord);
    if (existing && existing.value.gen >= record.gen) return existing.etag;
    return (await writeJsonOver(stores.editorials, key, record, existing)) ?? AGAIN;
  });
}

/** A change of an item in a complete page (a correction, a withdrawal): that page alone changes. */
async function changeInPage(
  stores: CatalogueStores,
  scope: CatalogueScope,
  page: number,
  slug: string,
  content: ItemContent | undefined,
  seq: number,
): Promise<void> {
  await untilWritten(stores.clock, `page ${page} of the ${scope.id} catalogue kept changing`, async () => {
    const stored = await readPage(stores, scope, page);
    const hint = scope.missingPageHint ? `: ${scope.missingPageHint}` : '';
    if (!stored) throw new CatalogueObjectError(`${scope.keys.page(page)} is missing${hint}`);
    const next = changePage(stored.value, slug, content, seq);
    if (!next) return syncPage(stores, scope, stored);
    const etag = await writeJsonOver(stores.editorials, scope.keys.page(page), next, stored);
    if (!etag) return AGAIN;
    return syncPage(stores, scope, { value: next, etag });
  });
}

/** Writes the documents of a head, again while the head moves. */
export function syncHead(
  stores: CatalogueStores,
  scope: CatalogueScope,
  stored: Stored<ScopeHead>,
  mapsChanged: boolean,
): Promise<void> {
  const from = {
    key: scope.keys.head,
    read: () => readHead(stores, scope),
    render: (head: ScopeHead) => scope.files.head(head, mapsChanged),
    what: `the ${scope.id} documents kept changing while they were written`,
  };
  return writeDerived(stores, from, stored);
}

/** Writes the documents of a complete page, again until the page did not change meanwhile. */
export function syncPage(stores: CatalogueStores, scope: CatalogueScope, stored: Stored<PageRecord>): Promise<void> {
  const { page } = stored.value;
  const from = {
    key: scope.keys.page(page),
    read: () => readPage(stores, scope, page),
    render: scope.files.page,
    what: `page ${page} of the ${scope.id} documents kept changing`,
  };
  return writeDerived(stores, from, stored);
}

/** A repeated run: the head's documents, and (where the scope repairs them) those of the pages it last completed. */
async function repairScope(stores: CatalogueStores, scope: CatalogueScope, stored: Stored<ScopeHead>): Promise<void> {
  const sealed = scope.repairsSealedPages ? (stored.value.lastSealed ?? []) : [];
  await syncHead(stores, scope, stored, sealed.length > 0);
  for (const page of sealed) {
    const record = await readPage(stores, scope, page);
    if (record) await syncPage(stores, scope, record);
  }
}

/**
 * Writes every document of the scope again from its objects: the head's (empty but valid ones while there is no
 * head) and every stored complete page's.
 */
export async function syncWholeScope(stores: CatalogueStores, scope: CatalogueScope): Promise<void> {
  const head = await readHead(stores, scope);
  if (head) await syncHead(stores, scope, head, false);
  else await putFiles(stores.site, scope.files.head(emptyHead(), false));
  for (const key of await keysUnder(stores.editorials, scope.keys.pages)) {
    // Anchored at both ends, on the last path segment alone: unanchored, the digits would be tried from every start.
    const page = Number(/^(\d+)\.json$/.exec(key.slice(key.lastIndexOf('/') + 1))?.[1]);
    const stored = Number.isInteger(page) ? await readPage(stores, scope, page) : undefined;
    if (stored) await syncPage(stores, scope, stored);
  }
}
