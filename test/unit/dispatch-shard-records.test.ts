// The planner records the shards it queues ten at a time in one create-only record: fewer writes, and still every
// reader in exactly one shard, each shard queued as it was recorded.
import { describe, expect, it } from 'vitest';
import { shardRecordPartition } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { partitionPages } from '../../src/pipeline/dispatch/partition-pages.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { parseShard } from '../../src/pipeline/dispatch/shard-message.ts';
import {
  recordedShards,
  shardGroupRecord,
  SHARDS_PER_RECORD,
  shardsPerRecord,
} from '../../src/pipeline/dispatch/shard-records.ts';
import type { Item, Queue } from '../../src/ports.ts';
import { expectedRecipients, planDeps, READERS, SHARD_SIZE, storeTemplate } from '../helpers/dispatch-world.ts';
import { startMemoryWorld } from '../helpers/memory-dispatch.ts';

describe('shard records', () => {
  it('hold ten shards each, cover every reader once, and give back exactly the messages queued', async () => {
    // Enough readers for several records, the last one partly filled.
    expect(READERS).toBeGreaterThan(SHARD_SIZE * SHARDS_PER_RECORD);
    const world = await startMemoryWorld();
    const request = await storeTemplate(world, 'shard-records');
    const queued: string[] = [];
    const queue: Queue = {
      sendBatch: async (bodies) => void queued.push(...bodies),
      receive: world.queue.receive.bind(world.queue),
      delete: world.queue.delete.bind(world.queue),
    };
    const result = await planDispatch({ ...planDeps(world), queue }, request);

    const records: Item[] = [];
    for await (const page of partitionPages(world.ledger, shardRecordPartition(request.dispatchId)))
      records.push(...page);
    const shards = records.flatMap(recordedShards);
    const expectedShards = Math.ceil(expectedRecipients(world, request.topics).length / SHARD_SIZE);
    expect(result).toMatchObject({ status: 'planned', shards: expectedShards });
    expect(records).toHaveLength(Math.ceil(expectedShards / SHARDS_PER_RECORD));
    expect(shards.map((s) => s.shard)).toEqual([...Array(expectedShards).keys()]);
    expect(shards.map((s) => s.body)).toEqual(queued);

    const ids = queued.flatMap((body) => parseShard(body).recipients.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      expectedRecipients(world, request.topics)
        .map((s) => s.id)
        .sort(),
    );
  });

  it('fit DynamoDB’s 400 KB an item whatever the shard size the stack allows, down to one shard a record', () => {
    for (const shardSize of [1, 250, 500, 1_000, 2_500, 10_000]) {
      const perRecord = shardsPerRecord(shardSize);
      expect(perRecord).toBeGreaterThanOrEqual(1);
      expect(perRecord).toBeLessThanOrEqual(SHARDS_PER_RECORD);
      const shards = Array.from({ length: perRecord }, (_, n) => ({
        shard: n,
        recipients: Array.from({ length: shardSize }, (_, k) => ({ id: `${n}-${k}`.padEnd(22, 'x').slice(0, 22) })),
      }));
      const envelope = { v: 2 as const, dispatchId: 'd', slug: 'd', templateKey: 'rendered/d/d/email.json' };
      const record = shardGroupRecord(envelope, shards, { segment: 0, expiresAt: 0 });
      expect(Buffer.byteLength(JSON.stringify(record)), `shards of ${shardSize}`).toBeLessThan(400 * 1024);
    }
    expect(shardsPerRecord(10_000)).toBe(1);
  });
});
