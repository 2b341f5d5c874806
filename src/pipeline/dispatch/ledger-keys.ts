/**
 * Keys and records of the send ledger (pk/sk table): one dispatch state item, the dispatch's stop record once it is
 * stopped, the dispatch's email template, one record per planned shard, one lease per shard, one item per
 * (dispatch, subscriber) sent or failed.
 */

export type DispatchStatus = 'planning' | 'planned';
export type SendStatus = 'sent' | 'failed';
/** 'done': every recipient sent or failed for good; 'stopped': the dispatch was stopped, the rest is never sent. */
export type ShardStatus = 'sending' | 'done' | 'stopped';

export const dispatchStateKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'state' });
/** `{ ...dispatchStopKey(id), slug, reason, stoppedAt }`: written once when the editorial is withdrawn; from then on
 * no worker sends anything more of this dispatch. */
export const dispatchStopKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'stop' });
export const sendKey = (dispatchId: string, subscriberId: string) => ({ pk: `send#${dispatchId}`, sk: subscriberId });
/** `{ ...templateItemKey(id), body }`: the rendered template JSON, copied from S3 by the planner for the workers. */
export const templateItemKey = (dispatchId: string) => ({ pk: `template#${dispatchId}`, sk: 'email' });

/** Shard numbers as sort keys that sort in number order. */
const shardSortKey = (shard: number) => String(shard).padStart(9, '0');

/** `{ ...shardRecordKey(id, n), body, segment, resumeAfter }`: what the planner queued as shard n, written before it
 * was queued. Immutable once written. */
export const shardRecordPartition = (dispatchId: string) => `shards#${dispatchId}`;
export const shardRecordKey = (dispatchId: string, shard: number) => ({ pk: shardRecordPartition(dispatchId), sk: shardSortKey(shard) });
/** The lease a worker holds while it sends shard n: one worker per shard at a time. */
export const shardLeasePartition = (dispatchId: string) => `lease#${dispatchId}`;
export const shardLeaseKey = (dispatchId: string, shard: number) => ({ pk: shardLeasePartition(dispatchId), sk: shardSortKey(shard) });
