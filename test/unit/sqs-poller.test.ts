import { describe, expect, it } from 'vitest';
import type { SqsEvent } from '../../src/app/sqs-batch.ts';
import { startSqsPoller } from '../../src/local/sqs-poller.ts';
import type { ReceiveOptions } from '../../src/ports.ts';
import { MemoryQueue } from '../helpers/memory-dispatch.ts';

/** A queue holding `bodies`, which notes how many messages each receive asked for. */
async function queueOf(bodies: string[]) {
  const queue = new MemoryQueue({ visibilityMs: 30_000 });
  await queue.sendBatch(bodies);
  const asked: number[] = [];
  const receive = queue.receive.bind(queue);
  queue.receive = (max: number, options?: ReceiveOptions) => {
    asked.push(max);
    return receive(max, options);
  };
  return { queue, asked };
}

describe('the local SQS poller hands out what one receive brings, as Lambda’s pollers do', () => {
  it('starts shards queued together side by side: one receive of four fills four workers of one shard each', async () => {
    const { queue, asked } = await queueOf(['shard 0', 'shard 1', 'shard 2', 'shard 3']);
    const events: string[][] = [];
    let allStarted!: () => void;
    const gate = new Promise<void>((resolve) => (allStarted = resolve));
    const poller = startSqsPoller({
      queue,
      batchSize: 1,
      concurrency: 4,
      visibilityTimeoutSeconds: 30,
      idleMs: 0,
      handler: async (event: SqsEvent) => {
        events.push(event.Records.map((r) => r.body));
        if (events.length === 4) allStarted();
        // Each worker holds its shard until all four hold one, so the four are sent side by side.
        await gate;
      },
    });
    try {
      await poller.drain();
    } finally {
      await poller.stop();
    }
    expect(asked[0]).toBe(4);
    expect(events.map((e) => e.length)).toEqual([1, 1, 1, 1]);
    expect(events.flat().sort()).toEqual(['shard 0', 'shard 1', 'shard 2', 'shard 3']);
    expect(queue.size).toBe(0);
  });

  it('asks for no more than the free workers take, batch by batch, and never for more than SQS gives (10)', async () => {
    const bodies = Array.from({ length: 25 }, (_, i) => `m${i}`);
    const wide = await queueOf(bodies);
    const narrow = await queueOf(bodies);
    const sizes: number[] = [];
    const run = async (queue: MemoryQueue, batchSize: number, concurrency: number) => {
      const poller = startSqsPoller({
        queue,
        batchSize,
        concurrency,
        visibilityTimeoutSeconds: 30,
        idleMs: 0,
        handler: async (event: SqsEvent) => void sizes.push(event.Records.length),
      });
      try {
        await poller.drain();
      } finally {
        await poller.stop();
      }
    };
    await run(wide.queue, 10, 3);
    expect(Math.max(...wide.asked)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    sizes.length = 0;
    await run(narrow.queue, 3, 2);
    expect(Math.max(...narrow.asked)).toBe(6);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(wide.queue.size + narrow.queue.size).toBe(0);
  });
});
