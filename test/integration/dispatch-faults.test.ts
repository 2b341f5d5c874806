import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Item, KeyValueTable, Mailer } from '../../src/ports.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { queueRecords, type SqsEvent } from '../../src/app/sqs-batch.ts';
import { MAX_UNRECORDED, processShards } from '../../src/pipeline/dispatch/worker.ts';
import {
  drainQueue,
  expectedRecipients,
  mailTo,
  expectCleanLogs,
  expectExactlyOnce,
  expectLedgerComplete,
  planDeps,
  planOnce,
  startWorld,
  storeTemplate,
  workerDeps,
  workerHandler,
  type World,
} from '../helpers/dispatch-harness.ts';

// Faults that need the real queue and tables: a worker process dying (its message comes back after the visibility
// timeout, its lease runs out in DynamoDB) and a poison message the queue's redrive policy parks. They are injected
// at the ports (Mailer, KeyValueTable) by wrappers around the real adapters, and at the queue by sending real
// malformed messages: everything else is the real path through the emulators. The faults the planner and the
// worker survive by their own logic (a repeated plan, throttling, a ledger outage, a planner dying) are in
// test/unit/dispatch-faults-units.test.ts.

/**
 * 300 readers, 6 shards of 50 for 3 workers: a crash at the 60th or 120th send still lands mid-shard while other
 * shards are being sent and others wait, and what may be sent twice is bounded by one worker's unrecorded window
 * (MAX_UNRECORDED), whatever the size of the dispatch.
 */
const READERS = 300;

let world: World;

beforeAll(async () => {
  world = await startWorld({ readers: READERS });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  await world.emulators.clearMail();
  world.logs.length = 0;
});

const logged = (message: string) =>
  world.logs.map((line) => JSON.parse(line) as { level: string; message: string }).filter((l) => l.message === message);

const never = () => new Promise<never>(() => {});

describe('dispatch survives', () => {
  it('a worker killed after SES accepted messages and before the ledger recorded them: those readers, and only those, get two', async () => {
    const crash = crashingWorker({ sendsBeforeCrash: 60, when: 'after SES accepted' });
    const request = await storeTemplate(world, 'fault-window');
    await planOnce(world, request);
    await drainQueue(world, crash.handler);

    const { twice, unrecorded } = await crash.outcome();
    expect(twice).toEqual(unrecorded.map((email) => [email, 2]));
    expect(unrecorded).toContain(crash.crashedOn());
    expect(unrecorded.length).toBeLessThanOrEqual(MAX_UNRECORDED);
    expect(mailTo(await world.emulators.sentMail()).size).toBe(expectedRecipients(world, request.topics).length);
    expect(logged('took over an expired shard lease; sending what is not recorded').length).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('a worker killed mid-shard, its message delivered again: everyone else once, the ledger complete', async () => {
    // Process death at a send, before SES gets it. A dead invocation does nothing more (its pending calls never
    // return) and its SQS messages are not deleted; what SES accepted and the ledger had not yet been asked to record
    // is the one window SES leaves open, and only those readers may get two.
    const crash = crashingWorker({ sendsBeforeCrash: 120, when: 'before SES' });
    const request = await storeTemplate(world, 'fault-crash');
    await planOnce(world, request);
    await drainQueue(world, crash.handler);

    const { twice, unrecorded } = await crash.outcome();
    expect(twice).toEqual(unrecorded.map((email) => [email, 2]));
    expect(unrecorded.length).toBeLessThanOrEqual(MAX_UNRECORDED);
    const onceEach = expectedRecipients(world, request.topics).filter((s) => !unrecorded.includes(s.email));
    const counts = mailTo(await world.emulators.sentMail());
    expect(onceEach.filter((s) => counts.get(s.email) !== 1)).toEqual([]);
    expect(counts.size).toBe(expectedRecipients(world, request.topics).length);
    await expectLedgerComplete(world, request);
    expect(logged('handler failed; the whole batch comes back')).toHaveLength(1);
    expect(logged('took over an expired shard lease; sending what is not recorded').length).toBeGreaterThanOrEqual(1);
    expectCleanLogs(world);
  }, 180_000);

  it('a malformed SQS message among the shards', async () => {
    const request = await storeTemplate(world, 'fault-malformed');
    const poison = ['{"v":1,"dispatchId":"fault-malformed","recipients":"everyone"}', 'not json at all'];
    await world.queue.sendBatch(poison);
    await planDispatch(planDeps(world), request);
    await drainQueue(world, workerHandler(workerDeps(world)));

    await expectExactlyOnce(world, request);
    const parked = [];
    for (let i = 0; i < 5 && parked.length < poison.length; i++) {
      for (const m of await world.dlq.receive(10, { waitSeconds: 1 })) parked.push(m.body);
    }
    expect(parked.sort()).toEqual([...poison].sort());
    // Failed on every one of its five receives, then parked by the queue's redrive policy.
    expect(logged('malformed dispatch message')).toHaveLength(10);
    expectCleanLogs(world);
  }, 180_000);
});

/**
 * A worker process that dies once, at its `sendsBeforeCrash`-th send: before SES gets it, or just after SES accepted
 * it. outcome() names the readers with more than one email, and those the dying process had sent to (SES accepted,
 * also in flight when it died) without having asked the ledger to record them.
 */
function crashingWorker(options: { sendsBeforeCrash: number; when: 'before SES' | 'after SES accepted' }) {
  let sends = 0;
  let crashed = false;
  let crashedOn: string | undefined;
  let dyingAccepted = new Set<string>();
  let dyingRecorded = new Set<string>();
  const handler = async (event: SqsEvent) => {
    let dead = false;
    const accepted = new Set<string>();
    const recorded = new Set<string>();
    let die!: (err: Error) => void;
    const died = new Promise<never>((_, reject) => (die = reject));
    const kill = () => {
      crashed = dead = true;
      dyingAccepted = accepted;
      dyingRecorded = new Set(recorded);
      die(new Error('worker process crashed'));
      return never();
    };
    const mailer: Mailer = {
      async send(email) {
        if (dead) return never();
        const due = !crashed && ++sends === options.sendsBeforeCrash;
        if (due && options.when === 'before SES') return kill();
        const out = await world.mailer.send(email);
        accepted.add(email.to);
        if (dead) return never();
        if (!due) return out;
        crashedOn = email.to;
        return kill();
      },
    };
    const frozen = freezeWhen(world.ledger, () => dead);
    const ledger: KeyValueTable = {
      ...frozen,
      putMany: (items) => {
        if (!dead) for (const item of items) recorded.add(String(item.sk));
        return frozen.putMany(items);
      },
    };
    return Promise.race([processShards(workerDeps(world, { mailer, ledger }), queueRecords(event)), died]);
  };
  return {
    handler,
    /** The reader whose accepted send the process died on ('after SES accepted'). */
    crashedOn: () => crashedOn,
    async outcome() {
      expect(crashed).toBe(true);
      const idOf = new Map(world.seeded.map((s) => [s.email, s.id]));
      const unrecorded = [...dyingAccepted].filter((email) => !dyingRecorded.has(idOf.get(email)!)).sort();
      const twice = [...mailTo(await world.emulators.sentMail())]
        .filter(([, n]) => n !== 1)
        .sort(([a], [b]) => a.localeCompare(b));
      return { twice, unrecorded };
    },
  };
}

/** The table as a dead process sees it: once `dead()` holds, no call ever returns. */
function freezeWhen(table: KeyValueTable, dead: () => boolean): KeyValueTable {
  const frozen =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A) =>
      dead() ? never() : call(...args);
  return {
    get: frozen((key) => table.get(key)),
    getMany: frozen((keys) => table.getMany(keys)),
    putMany: frozen((items: Item[]) => table.putMany(items)),
    putIfAbsent: frozen((item: Item) => table.putIfAbsent(item)),
    put: frozen((item: Item) => table.put(item)),
    update: frozen((key, changes) => table.update(key, changes)),
    delete: frozen((key) => table.delete(key)),
    query: frozen((partition, options) => table.query(partition, options)),
    scan: frozen((options) => table.scan(options)),
  };
}
