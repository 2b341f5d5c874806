import { bySeqDescending, type CatalogueItem, type ItemContent } from './item.ts';

/**
 * The mutable part of one scope's catalogue, kept in one object and changed only by a conditional write over the
 * version read. Items are numbered in the order they first became public (`seq`); archive page k holds the items
 * numbered ((k - 1) × pageSize, k × pageSize]. Everything numbered above `boundary` is in the subscription
 * document (`window`); below it, pages up to `boundary / pageSize` are complete and live in their own objects,
 * and the items of the page still filling (`open`) are kept here. So a publish reads and writes this object
 * and at most one complete page, whatever the length of the history behind it.
 */
export interface ScopeHead {
  format: 1;
  /** Counts the head's versions; a complete page records the one that sealed it. */
  gen: number;
  nextSeq: number;
  /** Only grows: items numbered up to here are archived. */
  boundary: number;
  /** The subscription document's items, newest first. */
  window: CatalogueItem[];
  /** Archived items of the page still filling (`openPage`), newest first. */
  open: CatalogueItem[];
  /** Slug and place of the latest admissions, newest first: an admission repeated after a crash finds its place. */
  recent: [string, number][];
  /** For a topic: its label as last spelled. */
  label?: string;
  /** For the whole publication: every topic seen, for the sitemap. */
  topics?: { slug: string; label: string }[];
  /** The pages the latest admission that completed any completed: a repeated publish re-writes their documents. */
  lastSealed?: number[];
}

/** A complete archive page, in its own object; `gen` is the head version that sealed it. */
export interface PageRecord {
  format: 1;
  gen: number;
  page: number;
  items: CatalogueItem[];
  /** For a topic: its label when the page was completed. */
  label?: string;
}

export interface Shape {
  /** Items in the subscription document (`feeds.limit`). */
  windowSize: number;
  /** Items in an archive page. */
  pageSize: number;
}

const RECENT = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScopeHead(value: unknown): value is ScopeHead {
  return (
    isRecord(value) &&
    value.format === 1 &&
    Array.isArray(value.window) &&
    Array.isArray(value.open) &&
    typeof value.boundary === 'number'
  );
}

export function isPageRecord(value: unknown): value is PageRecord {
  return isRecord(value) && value.format === 1 && Array.isArray(value.items) && typeof value.page === 'number';
}

export function emptyHead(): ScopeHead {
  return { format: 1, gen: 0, nextSeq: 1, boundary: 0, window: [], open: [], recent: [] };
}

export function pageOf(seq: number, shape: Shape): number {
  return Math.ceil(seq / shape.pageSize);
}

export function shapeOf(config: { feeds: { limit: number } }): Shape {
  return { windowSize: config.feeds.limit, pageSize: config.feeds.limit };
}

/** The page still filling: the one the next archived item goes to. */
export function openPage(head: ScopeHead, shape: Shape): number {
  return Math.floor(head.boundary / shape.pageSize) + 1;
}

/** The newest archive page that documents link to, 0 while nothing is archived. */
export function newestArchivePage(head: ScopeHead, shape: Shape): number {
  return hasArchive(head) ? openPage(head, shape) : 0;
}

/** Whether anything is archived yet, so that the subscription document links to an archive. */
export function hasArchive(head: ScopeHead): boolean {
  return head.boundary > 0;
}

/** Where an item numbered `seq` lives: in the head, or in a complete page. */
export function placeOf(
  head: ScopeHead,
  seq: number,
  shape: Shape,
): { inHead: true } | { inHead: false; page: number } {
  const page = pageOf(seq, shape);
  return seq > head.boundary || page >= openPage(head, shape) ? { inHead: true } : { inHead: false, page };
}

export function seqInHead(head: ScopeHead, slug: string): number | undefined {
  return (
    head.window.find((i) => i.slug === slug)?.seq ??
    head.open.find((i) => i.slug === slug)?.seq ??
    head.recent.find(([s]) => s === slug)?.[1]
  );
}

export type HeadChange =
  /** The head changed (`sealed`: pages this change completed, to be stored before the head is). */
  | { kind: 'head'; head: ScopeHead; seq: number; sealed: PageRecord[] }
  /** Nothing to change. */
  | { kind: 'none'; seq?: number }
  /** The item lives in a complete page: change that page instead. */
  | { kind: 'page'; page: number; seq: number };

/**
 * Puts a version of an item in the scope. `knownSeq` is its place when it had one (a correction, or a return after a
 * withdrawal); without one it is admitted at the next place, which pushes the oldest item of the subscription
 * document into the archive. Only admissions move the boundary, so every admission from the same head seals the
 * same pages with the same items: two writers racing from one version can never store different pages under one
 * `gen`.
 */
export function upsert(head: ScopeHead, content: ItemContent, knownSeq: number | undefined, shape: Shape): HeadChange {
  const existing = knownSeq ?? seqInHead(head, content.slug);
  const next = { ...head, gen: head.gen + 1, window: [...head.window], open: [...head.open] };
  if (existing !== undefined) {
    const place = placeOf(head, existing, shape);
    if (!place.inHead) return { kind: 'page', page: place.page, seq: existing };
    const item: CatalogueItem = { ...content, seq: existing };
    const list = existing > head.boundary ? next.window : next.open;
    const at = list.findIndex((i) => i.slug === content.slug);
    if (at >= 0 && JSON.stringify(list[at]) === JSON.stringify(item)) return { kind: 'none', seq: existing };
    if (at >= 0) list[at] = item;
    else insertBySeq(list, item);
    return { kind: 'head', head: next, seq: existing, sealed: [] };
  }
  const seq = head.nextSeq;
  next.nextSeq = seq + 1;
  next.recent = [[content.slug, seq] as [string, number], ...head.recent].slice(0, RECENT);
  next.window.unshift({ ...content, seq });
  const sealed = slide(next, shape);
  return { kind: 'head', head: next, seq, sealed };
}

/** Takes an item out of the scope (withdrawn, embargoed again, or no longer in this topic). */
export function remove(head: ScopeHead, slug: string, seq: number, shape: Shape): HeadChange {
  const place = placeOf(head, seq, shape);
  if (!place.inHead) return { kind: 'page', page: place.page, seq };
  const window = head.window.filter((i) => i.slug !== slug);
  const open = head.open.filter((i) => i.slug !== slug);
  if (window.length === head.window.length && open.length === head.open.length) return { kind: 'none', seq };
  return { kind: 'head', head: { ...head, gen: head.gen + 1, window, open }, seq, sealed: [] };
}

/** Moves what no longer fits in the subscription document into the archive; returns the pages this completed. */
function slide(head: ScopeHead, shape: Shape): PageRecord[] {
  if (head.window.length <= shape.windowSize) return [];
  const archived = head.window.splice(shape.windowSize);
  const before = openPage(head, shape);
  head.boundary = archived[0]!.seq;
  const after = openPage(head, shape);
  const pool = [...archived, ...head.open].sort(bySeqDescending);
  const sealed: PageRecord[] = [];
  for (let page = before; page < after; page++) {
    const items = pool.filter((i) => pageOf(i.seq, shape) === page);
    sealed.push({ format: 1, gen: head.gen, page, items, ...(head.label !== undefined && { label: head.label }) });
  }
  if (sealed.length) head.lastSealed = sealed.map((p) => p.page);
  head.open = pool.filter((i) => pageOf(i.seq, shape) === after);
  return sealed;
}

/** Changes an item of a complete page; undefined when there is nothing to change. */
export function changePage(
  record: PageRecord,
  slug: string,
  content: ItemContent | undefined,
  seq: number,
): PageRecord | undefined {
  const items = record.items.filter((i) => i.slug !== slug);
  if (content) insertBySeq(items, { ...content, seq });
  const next = { ...record, items };
  return JSON.stringify(next) === JSON.stringify(record) ? undefined : next;
}

function insertBySeq(list: CatalogueItem[], item: CatalogueItem): void {
  const at = list.findIndex((i) => i.seq < item.seq);
  list.splice(at < 0 ? list.length : at, 0, item);
}

/**
 * The same catalogue built at once from items in the order they became public: what the incremental admissions
 * give, for the offline builder and for rebuilding a catalogue from the stored editorials.
 */
export function layout(
  contents: readonly ItemContent[],
  shape: Shape,
  label?: string,
): { head: ScopeHead; pages: PageRecord[] } {
  const items = contents.map((content, index) => ({ ...content, seq: index + 1 })).reverse();
  const window = items.slice(0, shape.windowSize);
  const archived = items.slice(shape.windowSize);
  const boundary = archived[0]?.seq ?? 0;
  const head: ScopeHead = {
    format: 1,
    gen: 1,
    nextSeq: items.length + 1,
    boundary,
    window,
    open: [],
    recent: items.slice(0, RECENT).map((i) => [i.slug, i.seq]),
    ...(label !== undefined && { label }),
  };
  const last = openPage(head, shape);
  const byPage = new Map<number, CatalogueItem[]>();
  for (const item of archived) {
    const page = pageOf(item.seq, shape);
    const list = byPage.get(page);
    if (list) list.push(item);
    else byPage.set(page, [item]);
  }
  head.open = byPage.get(last) ?? [];
  const pages: PageRecord[] = [];
  for (let page = 1; page < last; page++) {
    pages.push({ format: 1, gen: 1, page, items: byPage.get(page) ?? [], ...(label !== undefined && { label }) });
  }
  return { head, pages };
}
