/**
 * Keys and records of the send ledger (pk/sk table): one dispatch state item, the dispatch's stop record once it is
 * stopped, the dispatch's email template, one record per planned shard, one lease per shard, one item per
 * (dispatch, subscriber) sent or failed.
 */

export type DispatchStatus = 'planning' | 'planned';
/** 'skipped': the subscriber was no longer confirmed (unsubscribed, suppressed, erased) when the shard was sent. */
export type SendStatus = 'sent' | 'failed' | 'skipped';
/** 'done': every recipient sent or failed for good; 'stopped': the dispatch was stopped, the rest is never sent. */
export type ShardStatus = 'sending' | 'done' | 'stopped';

export const dispatchStateKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'state' });
/** `{ ...dispatchStopKey(id), slug, reason, stoppedAt }`: written once when the editorial is withdrawn; from then on
 * no worker sends anything more of this dispatch. */
export const dispatchStopKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'stop' });
export const sendKey = (dispatchId: string, subscriberId: string) => ({ pk: `send#${dispatchId}`, sk: subscriberId });
/** `{ ...templateItemKey(id), body }`: the rendered template JSON, copied from S3 by the planner for the workers. */
export const templateItemKey = (dispatchId: string) => ({ pk: `template#${dispatchId}`, sk: 'email' });
/** `{ ...digestWithdrawnKey(id, slug), at }`: an editorial withdrawn after the digest `id` listing it was planned; the
 * workers leave it out of every copy not yet sent. */
export const digestWithdrawnKey = (dispatchId: string, slug: string) => ({
  pk: `dispatch#${dispatchId}`,
  sk: `withdrawn#${slug}`,
});
/** `{ ...digestVariantKey(id, language), body }`: one language of a digest (src/pipeline/dispatch/digest-template.ts). */
export const digestVariantKey = (dispatchId: string, language: string) => ({
  pk: `template#${dispatchId}`,
  sk: `email#${language}`,
});

/**
 * How long the ledger keeps what names a reader (send records: the opaque subscriber id; shard records; leases) and
 * the dispatch's template: long after any dispatch has finished, retried or been resumed. DynamoDB's TTL deletes
 * them (usually within days of `expiresAt`). A dispatch's state, stop, pause, schedule and figures hold no reader and
 * are kept as the desk's history.
 */
export const LEDGER_RETENTION_DAYS = 90;
/** `expiresAt` (epoch seconds, the ledger's TTL attribute) for an item written at `now`. */
export const retainedUntil = (now: Date): number => Math.floor(now.getTime() / 1000) + LEDGER_RETENTION_DAYS * 86_400;

/** Shard numbers as sort keys that sort in number order. */
const shardSortKey = (shard: number) => String(shard).padStart(9, '0');

/** `{ ...shardRecordKey(id, n), body, segment, resumeAfter }`: what the planner queued as shard n, written before it
 * was queued. Immutable once written. */
export const shardRecordPartition = (dispatchId: string) => `shards#${dispatchId}`;
export const shardRecordKey = (dispatchId: string, shard: number) => ({
  pk: shardRecordPartition(dispatchId),
  sk: shardSortKey(shard),
});
/** The lease a worker holds while it sends shard n: one worker per shard at a time. */
export const shardLeasePartition = (dispatchId: string) => `lease#${dispatchId}`;
export const shardLeaseKey = (dispatchId: string, shard: number) => ({
  pk: shardLeasePartition(dispatchId),
  sk: shardSortKey(shard),
});

/** `{ ...dispatchControlKey(id), paused, reason, by, pausedAt, resumedAt, baseline }`: the desk's (or the automatic)
 * pause of a dispatch. Workers read it with the stop record; a resume sets `paused: false` and queues what is left. */
export const dispatchControlKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'control' });
/** `{ ...dispatchScheduleKey(id), slug, sendAt }`: the email goes out at `sendAt`, not when the editorial is public. */
export const dispatchScheduleKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'schedule' });
/** The items one dispatch keeps under its own partition: state, stop, control, schedule. Read in one query. */
export const dispatchPartition = (dispatchId: string) => `dispatch#${dispatchId}`;

/** Every dispatch once, newest last in sort order: `{ pk: 'dispatches', sk: '<createdAt>#<dispatchId>', slug }`. */
export const DISPATCH_LIST_PARTITION = 'dispatches';
export const dispatchListKey = (createdAt: string, dispatchId: string) => ({
  pk: DISPATCH_LIST_PARTITION,
  sk: `${createdAt}#${dispatchId}`,
});
/** A slug's dispatches: `{ pk: 'slug#<slug>', sk: '<createdAt>#<dispatchId>', dispatchId }`; the last is current. */
export const slugDispatchPartition = (slug: string) => `slug#${slug}`;
export const slugDispatchKey = (slug: string, createdAt: string, dispatchId: string) => ({
  pk: slugDispatchPartition(slug),
  sk: `${createdAt}#${dispatchId}`,
});

/** A dispatch's counters, spread over FIGURE_SHARDS items so none takes more than its share of the writes:
 * `{ pk: 'figures#<dispatch tag>', sk: '<nn>', sent, failed, delivered, ... }`. Keyed by the SES tag of the
 * dispatch id (what SES events carry back). */
export const FIGURE_SHARDS = 16;
export const figuresPartition = (dispatchTag: string) => `figures#${dispatchTag}`;
export const figureShardKey = (dispatchTag: string, shard: number) => ({
  pk: figuresPartition(dispatchTag),
  sk: String(shard).padStart(2, '0'),
});
/** One SES event counted: `{ pk: 'event#<dispatch tag>', sk: '<messageId>#<event type>', expiresAt }`, so a
 * redelivered event is never counted twice. */
export const countedEventKey = (dispatchTag: string, messageId: string, eventType: string) => ({
  pk: `event#${dispatchTag}`,
  sk: `${messageId}#${eventType}`,
});
