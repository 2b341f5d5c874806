// The planner records the shards it queues ten at a time in one create-only record: fewer writes, and still every
// reader in exactly one shard, each shard queued as it was recorded.
import { describe, expect, it } from 'vitest';
import { shardRecordPartition } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { partitionPages } from '../../src/pipeline/dispatch/partition-pages.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { parseShard } from '../../src/pipeline/dispatch/shard-message.ts';
import { recordedShards, SHARDS_PER_RECORD } from '../../src/pipeline/dispatch/shard-records.ts';
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
});
