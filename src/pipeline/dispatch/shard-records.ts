import type { Item, ItemKey } from '../../ports.ts';
import { shardRecordKey } from './ledger-keys.ts';
import { encodeShard, type ShardMessage } from './shard-message.ts';

/*
 * The planner's record of the shards it queued, in the ledger. It records the shards it closes together, up to
 * SHARDS_PER_RECORD in one create-only write keyed by the first of them: each write costs the store about as much
 * whatever its size, so a plan of 200 shards makes 10 writes rather than 200. What a record holds of each shard is
 * its number and its subscriber ids; the fields every message of the dispatch shares are held once. Records written
 * before grouping hold one shard's message each (`body`) and are read as they are.
 */

/** Shards recorded by one write, and queued together (SQS takes them ten to a request), at most. */
export const SHARDS_PER_RECORD = 20;
/** Subscriber ids one record holds at most: 23 bytes each keep it under 280 KB, within DynamoDB's 400 KB an item. */
const MAX_IDS_PER_RECORD = 12_000;

/** Shards recorded together for a shard size: fewer for large shards (shardSize goes up to 10,000), never none. */
export const shardsPerRecord = (shardSize: number): number =>
  Math.max(1, Math.min(SHARDS_PER_RECORD, Math.floor(MAX_IDS_PER_RECORD / shardSize)));

/** What every shard message of a dispatch shares: the message but its number and recipients. */
export type ShardEnvelope = Omit<ShardMessage, 'shard' | 'recipients'>;

/** One recorded shard: its number and the message queued for it. */
export interface RecordedShard {
  shard: number;
  body: string;
}

/** A closed shard of a segment, not yet recorded. */
export interface ClosedShard {
  shard: number;
  recipients: ShardMessage['recipients'];
}

interface StoredShards {
  message: ShardEnvelope;
  /** Each shard's subscriber ids, space-separated (an id is base64url: it holds no space). */
  shards: { shard: number; ids: string }[];
}

/** The create-only record of consecutive shards of one segment (the first names it); `shards` is not empty. */
export function shardGroupRecord(
  envelope: ShardEnvelope,
  shards: readonly ClosedShard[],
  where: { segment: number; expiresAt: number },
): Item {
  const last = shards[shards.length - 1]!;
  const stored: StoredShards = {
    message: envelope,
    shards: shards.map((s) => ({ shard: s.shard, ids: s.recipients.map((r) => r.id).join(' ') })),
  };
  return {
    ...shardRecordKey(envelope.dispatchId, shards[0]!.shard),
    segment: where.segment,
    shardCount: shards.length,
    recipients: shards.reduce((n, s) => n + s.recipients.length, 0),
    resumeAfter: { id: last.recipients[last.recipients.length - 1]!.id } satisfies ItemKey,
    shards: JSON.stringify(stored),
    expiresAt: where.expiresAt,
  };
}

/** The message queued for one shard. */
export const shardBody = (envelope: ShardEnvelope, shard: ClosedShard): string =>
  encodeShard({ ...envelope, shard: shard.shard, recipients: shard.recipients });

/** The shards a record holds, in number order, with the message queued for each; none for a record of neither form. */
export function recordedShards(record: Item): RecordedShard[] {
  if (typeof record.body === 'string') return [{ shard: Number(record.sk), body: record.body }];
  if (typeof record.shards !== 'string') return [];
  const stored = JSON.parse(record.shards) as StoredShards;
  return stored.shards.map(({ shard, ids }) => ({
    shard,
    body: shardBody(stored.message, { shard, recipients: ids.split(' ').map((id) => ({ id })) }),
  }));
}

/** How many shards a record holds. */
export const shardCountOf = (record: Item): number =>
  typeof record.body === 'string' ? 1 : Number(record.shardCount ?? 0);
