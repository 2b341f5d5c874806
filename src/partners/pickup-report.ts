import type { PartnerConfig } from '../config.ts';
import { newestArchivePage, type ScopeHead, type Shape } from '../catalogue/head.ts';
import type { CatalogueItem } from '../catalogue/item.ts';
import type { SiteFetch } from '../ports.ts';
import { partnerKey, PARTNERS_FOLDER } from './paths.ts';
import { latestPerEvent, type WebhookOutcome, type WebhookRecord } from './webhook-records.ts';

/*
 * The pickup report: for one partner, when each of its current documents was last fetched, which version of each
 * item changed since a time the partner has certainly seen, and what became of each webhook delivery.
 *
 * "Certainly seen": a document holding the item's current version was fetched (200, or 304: the partner's copy was
 * that document) at or after the change. The head documents are rewritten at every change, and an item leaves them
 * only when newer changes push it to the archive page still filling, so an item in the head now was in the head
 * documents at every moment since its change; an item on that archive page has been there since some moment after
 * its change, so only a fetch of that page counts for it. Only the partner's head and the changes since `since` are
 * looked at, whatever the length of its history.
 */

/** `release`: an embargoed item made plain at its embargo's end (partners had the advance copy before). */
export type ChangeKind = 'publish' | 'correction' | 'embargo' | 'release' | 'tombstone';

/**
 * When the pipeline took a slug's latest version (its index entry): the upload of its approved object, its removal,
 * the moment it was found public. An item's `changed` is the version's own time, which the desk may have written
 * long before the upload; the documents are rewritten once the pipeline takes it, so the later time counts.
 */
export interface PipelineTimes {
  /** The version the entry holds (`updated`), ISO 8601: the times apply to an item of this version only. */
  version: string;
  sourceLastModified: Date;
  removedAt?: Date;
  publicAt?: Date;
  /** The version's embargo, if it had one. */
  embargo?: Date;
}

export interface DocumentPickup {
  key: string;
  format: string;
  /** The archive page, for the page still filling; absent for the subscription document. */
  page?: number;
  lastFetched?: Date;
  fetches: number;
}

export interface ItemPickup {
  slug: string;
  change: ChangeKind;
  /** The version partners were told of (its `updated`, ninjs `versionCreated`), ISO 8601. */
  version: string;
  /** When its documents took the change (effectiveChange). */
  changed: Date;
  seen: boolean;
  /** The first fetch that certainly carried this version to the partner. */
  seenAt?: Date;
}

export interface WebhookPickup {
  eventId: string;
  outcome: WebhookOutcome;
  at: Date;
  attempts: number;
  status?: number;
  error?: string;
}

export interface PickupReport {
  partner: { id: string; name: string; webhook: boolean };
  since: Date;
  until: Date;
  documents: DocumentPickup[];
  items: ItemPickup[];
  webhooks: WebhookPickup[];
}

export interface PickupInput {
  partner: PartnerConfig;
  /** The partner's current secret path. */
  path: string;
  /** The partner scope's head (catalogue/partners/<id>/head.json); undefined when nothing was ever published to it. */
  head: ScopeHead | undefined;
  shape: Shape;
  since: Date;
  until: Date;
  /** Fetches of the site since `since` (any partner's: this partner's are picked by its path). */
  fetches: readonly SiteFetch[];
  webhooks: readonly WebhookRecord[];
  /** Per slug, when the pipeline took its latest version; without it the items' own times are used. */
  pipelineTimes?: ReadonlyMap<string, PipelineTimes>;
}

const answered = (status: number) => status === 200 || status === 304;

/** The documents a partner is served now: its subscription documents and the archive page still filling. */
export function currentDocuments(
  partner: Pick<PartnerConfig, 'formats'>,
  path: string,
  head: ScopeHead | undefined,
  shape: Shape,
): { key: string; format: string; page?: number }[] {
  const open = head ? newestArchivePage(head, shape) : 0;
  return partner.formats.flatMap((format) => [
    { key: partnerKey(path, format), format },
    ...(open > 0 ? [{ key: partnerKey(path, format, open), format, page: open }] : []),
  ]);
}

export function changeKind(item: CatalogueItem, times?: PipelineTimes): ChangeKind {
  const kind = item.partner?.kind;
  if (kind === 'withdrawn') return 'tombstone';
  if (kind === 'embargoed') return 'embargo';
  if (times && releasedAt(item, times)) return 'release';
  return Date.parse(item.updated) > Date.parse(item.published) ? 'correction' : 'publish';
}

const changedAt = (item: CatalogueItem) => Date.parse(item.partner!.changed);
const sameVersion = (item: CatalogueItem, times: PipelineTimes) =>
  Date.parse(item.updated) === Date.parse(times.version);

/** When a version uploaded under embargo was made plain (found public), for a current item of that version. */
function releasedAt(item: CatalogueItem, times: PipelineTimes): Date | undefined {
  if (item.partner?.kind !== 'current' || !sameVersion(item, times) || !times.embargo || !times.publicAt)
    return undefined;
  return times.embargo > times.sourceLastModified ? times.publicAt : undefined;
}

/** When the documents took the item's change: its own time, or later, when the pipeline took it later. */
export function effectiveChange(item: CatalogueItem, times?: PipelineTimes): Date {
  let at = changedAt(item);
  if (times && sameVersion(item, times)) {
    at = Math.max(at, times.sourceLastModified.getTime());
    if (item.partner!.kind === 'withdrawn' && times.removedAt) at = Math.max(at, times.removedAt.getTime());
    const released = releasedAt(item, times);
    if (released) at = Math.max(at, released.getTime());
  }
  return new Date(at);
}

/** The first fetch at or after `changed` of any of `keys`, answered 200 or 304. */
function firstFetchAfter(fetches: readonly SiteFetch[], keys: ReadonlySet<string>, changed: Date): Date | undefined {
  let first: Date | undefined;
  for (const f of fetches) {
    if (!answered(f.status) || !keys.has(f.path) || f.at < changed) continue;
    if (!first || f.at < first) first = f.at;
  }
  return first;
}

/** Each item of the head changed in [since, until], with the documents that hold it. */
export function changedItems(
  head: ScopeHead | undefined,
  docs: readonly { key: string; page?: number }[],
  since: Date,
  until: Date,
  times?: ReadonlyMap<string, PipelineTimes>,
): { item: CatalogueItem; changed: Date; keys: Set<string> }[] {
  if (!head) return [];
  const inHead = new Set(docs.filter((d) => d.page === undefined).map((d) => d.key));
  const onPage = new Set(docs.filter((d) => d.page !== undefined).map((d) => d.key));
  return [
    ...head.window.map((item) => ({ item, keys: inHead })),
    ...head.open.map((item) => ({ item, keys: onPage })),
  ].flatMap(({ item, keys }) => {
    if (!item.partner) return [];
    const changed = effectiveChange(item, times?.get(item.slug));
    return changed >= since && changed <= until ? [{ item, changed, keys }] : [];
  });
}

export function pickupReport(input: PickupInput): PickupReport {
  const prefix = `${PARTNERS_FOLDER}/${input.path}/`;
  const fetches = input.fetches.filter((f) => f.path.startsWith(prefix) && answered(f.status));
  const docs = currentDocuments(input.partner, input.path, input.head, input.shape);
  const documents = docs.map((doc): DocumentPickup => {
    const of = fetches.filter((f) => f.path === doc.key);
    const last = of.reduce<Date | undefined>((latest, f) => (!latest || f.at > latest ? f.at : latest), undefined);
    return { ...doc, fetches: of.length, ...(last && { lastFetched: last }) };
  });
  const items = changedItems(input.head, docs, input.since, input.until, input.pipelineTimes)
    .map(({ item, changed, keys }): ItemPickup => {
      const seenAt = firstFetchAfter(fetches, keys, changed);
      return {
        slug: item.slug,
        change: changeKind(item, input.pipelineTimes?.get(item.slug)),
        version: item.updated,
        changed,
        seen: seenAt !== undefined,
        ...(seenAt && { seenAt }),
      };
    })
    .sort((a, b) => b.changed.getTime() - a.changed.getTime());
  const attempts = new Map<string, number>();
  for (const r of input.webhooks) attempts.set(r.eventId, Math.max(attempts.get(r.eventId) ?? 0, r.attempt));
  const webhooks = latestPerEvent(input.webhooks).map(
    (r): WebhookPickup => ({
      eventId: r.eventId,
      outcome: r.outcome,
      at: r.at,
      attempts: attempts.get(r.eventId) ?? r.attempt,
      ...(r.status !== undefined && { status: r.status }),
      ...(r.error !== undefined && { error: r.error }),
    }),
  );
  return {
    partner: { id: input.partner.id, name: input.partner.name, webhook: input.partner.webhook !== undefined },
    since: input.since,
    until: input.until,
    documents,
    items,
    webhooks,
  };
}
