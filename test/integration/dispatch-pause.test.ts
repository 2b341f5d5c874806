// The desk pauses a send mid-way and resumes it: the real worker on the emulators (SQS, DynamoDB, SES), a duplicate of
// every shard delivered while paused, and every reader mailed exactly once in the end.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.ts';
import { startSqsPoller, type SqsPoller } from '../../src/local/sqs-poller.ts';
import {
  cancelDispatch,
  dispatchStatus,
  pauseDispatch,
  resumeDispatch,
  type DeskDeps,
} from '../../src/pipeline/dispatch/desk-operations.ts';
import { writePause } from '../../src/pipeline/dispatch/dispatch-control.ts';
import { shardRecordPartition } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { partitionPages } from '../../src/pipeline/dispatch/partition-pages.ts';
import { recordedShards } from '../../src/pipeline/dispatch/shard-records.ts';
import { createTokenBucket } from '../../src/pipeline/dispatch/token-bucket.ts';
import {
  expectCleanLogs,
  expectedRecipients,
  expectExactlyOnce,
  planOnce,
  startWorld,
  storeTemplate,
  VISIBILITY_SECONDS,
  workerDeps,
  workerHandler,
  type World,
} from '../helpers/dispatch-harness.ts';

/** Hang guard only. */
const PATIENCE_MS = 60_000;
/**
 * 240 readers (250 recipients without topics): 5 shards for 3 workers, so the pause meets workers mid-shard and
 * shards no worker has taken yet. Pause, duplicates and resume are judged per reader and per shard: exactly once
 * holds the same at any size.
 */
const READERS = 240;

let world: World;
let desk: DeskDeps;
beforeAll(async () => {
  world = await startWorld({ readers: READERS });
  desk = { ledger: world.ledger, queue: world.queue, clock: systemClock, log: world.log.child({ fn: 'desk' }) };
}, 60_000);
afterAll(() => world?.stop());

/** While set, the workers send 100 a second without a burst (2.5 s for every recipient): slow enough that a pause
 * lands mid-send. Once the test has seen it land, they send as fast as the emulators take it. */
let paced = false;

function startWorkers(): SqsPoller {
  const pacing = createTokenBucket({ ratePerSecond: 100, burst: 1, clock: systemClock });
  // The stop and pause checks every 100 ms (the production default is 2 s, DEFAULT_STOP_CHECK_MS in shard-ledger.ts).
  const deps = workerDeps(world, {
    rate: { take: () => (paced ? pacing.take() : Promise.resolve()) },
    stopCheckMs: 100,
  });
  return startSqsPoller({
    queue: world.queue,
    handler: workerHandler(deps),
    batchSize: 1,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    concurrency: 3,
    log: world.log.child({ fn: 'sqs-poller' }),
  });
}

async function until(what: string, ready: () => Promise<boolean>): Promise<void> {
  const giveUp = Date.now() + PATIENCE_MS;
  while (!(await ready())) {
    if (Date.now() > giveUp) throw new Error(`hang guard: still waiting for ${what}`);
    await delay(50);
  }
}

const mailCount = async () => (await world.emulators.sentMail()).length;

describe('pausing and resuming a send', () => {
  it('a pause stops every worker, a duplicate of every shard sends nothing while paused, and a resume mails exactly those not yet mailed', async () => {
    const request = await storeTemplate(world, 'pause-resume', []);
    const recipients = expectedRecipients(world, request.topics).length;
    await planOnce(world, request);
    paced = true;
    let workers = startWorkers();
    await until('the first sends', async () => (await mailCount()) >= 25);
    expect((await pauseDispatch(desk, request.dispatchId, 'a wrong link')).outcome).toBe('done');
    // Every shard is acknowledged once its worker sees the pause: the queue drains with the send unfinished.
    await workers.drain();
    const atPause = await mailCount();
    expect(atPause).toBeLessThan(recipients);
    paced = false;

    // Duplicates of every shard, as a redrive or a repeated plan would deliver them, while paused: nothing is sent.
    const bodies: string[] = [];
    for await (const records of partitionPages(world.ledger, shardRecordPartition(request.dispatchId)))
      bodies.push(...records.flatMap(recordedShards).map((shard) => shard.body));
    await world.queue.sendBatch(bodies);
    // drain() resolves once every duplicate was handled and acknowledged: no worker holds one any more.
    await workers.drain();
    expect(await mailCount()).toBe(atPause);
    const paused = await dispatchStatus(world.ledger, request.dispatchId);
    expect(paused).toMatchObject({
      state: 'paused',
      pausedBecause: 'a wrong link',
      pausedBy: 'desk',
      recipients,
      sent: atPause,
      failed: 0,
    });

    const resumed = await resumeDispatch(desk, request.dispatchId);
    expect(resumed.outcome).toBe('done');
    expect(resumed.requeued).toBeGreaterThan(0);
    await workers.drain();
    await workers.stop();
    workers = startWorkers();
    await workers.drain();
    await workers.stop();

    await expectExactlyOnce(world, request);
    expect(await dispatchStatus(world.ledger, request.dispatchId)).toMatchObject({
      state: 'finished',
      recipients,
      sent: recipients,
      failed: 0,
      finishedAt: expect.any(String),
    });
    expect((await cancelDispatch(desk, request.dispatchId)).outcome).toBe('finished');
    expectCleanLogs(world);
  }, 120_000);

  it('a pause while the planner still plans holds every shard it queues; the resume sends each reader once', async () => {
    await world.emulators.clearMail();
    const request = await storeTemplate(world, 'pause-planning', ['harbours']);
    // The desk's pause as it lands mid-plan: the control item is there before the planner queues a shard.
    await writePause(world.ledger, request.dispatchId, {
      reason: 'held while planning',
      by: 'desk',
      at: new Date().toISOString(),
    });
    await planOnce(world, request);
    let workers = startWorkers();
    await workers.drain();
    await workers.stop();
    expect(await mailCount()).toBe(0);
    expect(await dispatchStatus(world.ledger, request.dispatchId)).toMatchObject({
      state: 'paused',
      recipients: expectedRecipients(world, request.topics).length,
      sent: 0,
    });
    expect((await resumeDispatch(desk, request.dispatchId)).outcome).toBe('done');
    workers = startWorkers();
    await workers.drain();
    await workers.stop();
    await expectExactlyOnce(world, request);
  }, 60_000);

  it('a cancelled send stays cancelled: a resume is refused and nothing more goes out', async () => {
    await world.emulators.clearMail();
    const request = await storeTemplate(world, 'cancel-me', ['harbours']);
    await planOnce(world, request);
    expect((await pauseDispatch(desk, request.dispatchId)).outcome).toBe('done');
    expect((await cancelDispatch(desk, request.dispatchId, 'replaced by a corrected version')).outcome).toBe('done');
    expect((await resumeDispatch(desk, request.dispatchId)).outcome).toBe('cancelled');
    const workers = startWorkers();
    await workers.drain();
    await workers.stop();
    expect(await mailCount()).toBe(0);
    expect(await dispatchStatus(world.ledger, request.dispatchId)).toMatchObject({
      state: 'cancelled',
      cancelledBecause: 'cancelled',
      cancelledNote: 'replaced by a corrected version',
      sent: 0,
    });
  }, 60_000);
});
