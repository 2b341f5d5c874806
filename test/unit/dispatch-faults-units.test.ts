// Faults the planner and the worker must survive by their own logic, on the ports in memory: a repeated plan, SES
// throttling, a ledger outage, a planner dying mid-plan. Faults injected at the ports (Mailer, KeyValueTable,
// Queue) by wrappers; the worker and the planner are the real ones. The faults that need the real queue and tables
// (a worker process dying and its message coming back, a poison message parked by the redrive policy) are in
// test/integration/dispatch-faults.test.ts, on the emulators.
import { beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError, type KeyValueTable, type Mailer, type OutgoingEmail } from '../../src/ports.ts';
import { dispatchStateKey, sendKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { processShards, type WorkerDeps } from '../../src/pipeline/dispatch/worker.ts';
import {
  expectCleanLogs,
  expectedRecipients,
  expectExactlyOnce,
  mailTo,
  planDeps,
  planOnce,
  seededRandom,
  storeTemplate,
  subscriberId,
  workerDeps,
} from '../helpers/dispatch-world.ts';
import { drainMemoryQueue, startMemoryWorld, type MemoryWorld } from '../helpers/memory-dispatch.ts';

let world: MemoryWorld;

beforeEach(async () => {
  world = await startMemoryWorld();
});

const logged = (message: string) =>
  world.logs.map((line) => JSON.parse(line) as { level: string; message: string }).filter((l) => l.message === message);

const drain = (deps: WorkerDeps) => drainMemoryQueue(world.queue, (records) => processShards(deps, records));

describe('dispatch survives', () => {
  it('the same S3 event delivered three times (two at once, one later)', async () => {
    const request = await storeTemplate(world, 'fault-duplicate-events');
    const [a, b] = await Promise.all([planOnce(world, request), planOnce(world, request)]);
    const c = await planOnce(world, request);
    expect(c.status).toBe('duplicate');
    expect([a, b].some((r) => r.status === 'planned')).toBe(true);
    await drain(workerDeps(world));

    await expectExactlyOnce(world, request);
    expect(logged('dispatch already planned; duplicate request ignored')).toHaveLength(1);
    expect(await world.ledger.get(dispatchStateKey(request.dispatchId))).toMatchObject({
      status: 'planned',
      recipients: 1200,
    });
    expectCleanLogs(world);
  });

  it('SES throttling on 10% of calls', async () => {
    const random = seededRandom(7);
    let throttled = 0;
    const throttling: Mailer = {
      send(email: OutgoingEmail) {
        if (random() < 0.1) {
          throttled += 1;
          return Promise.reject(new ThrottledError('Maximum sending rate exceeded.'));
        }
        return world.mailer.send(email);
      },
    };
    const request = await storeTemplate(world, 'fault-throttling');
    await planOnce(world, request);
    await drain(workerDeps(world, { mailer: throttling }));

    await expectExactlyOnce(world, request);
    expect(throttled).toBeGreaterThan(60);
    expect(logged('send throttled; backing off')).toHaveLength(throttled);
    expectCleanLogs(world);
  });

  it('the ledger table failing for a while', async () => {
    const ledger = new FailingTable(world.ledger);
    let sends = 0;
    const mailer: Mailer = {
      async send(email) {
        const out = await world.mailer.send(email);
        if (++sends === 300) ledger.failNext(6);
        if (sends === 700) ledger.failNext(6);
        return out;
      },
    };
    const request = await storeTemplate(world, 'fault-ledger');
    await planOnce(world, request);
    await drain(workerDeps(world, { mailer, ledger }));

    await expectExactlyOnce(world, request);
    expect(ledger.failed).toBe(12);
    expect(logged('ledger call failed')).toHaveLength(12);
    expectCleanLogs(world);
  });

  it('the planner dying mid-plan and planning again after subscribers changed: nobody gets two, nobody planned is lost', async () => {
    const request = await storeTemplate(world, 'fault-planner');
    let batches = 0;
    const dying = {
      sendBatch: (bodies: string[]) =>
        ++batches === 2 ? Promise.reject(new Error('planner process crashed')) : world.queue.sendBatch(bodies),
      receive: world.queue.receive.bind(world.queue),
      delete: world.queue.delete.bind(world.queue),
    };
    await expect(planDispatch({ ...planDeps(world), queue: dying }, request)).rejects.toThrow(
      'planner process crashed',
    );

    // Before the retry, the first subscriber in scan order leaves and a new one arrives: a plan started over from the
    // top would cut every shard at another place.
    const first = (await world.subscribers.scan({ limit: 1 })).items[0]!;
    const newcomer = {
      id: subscriberId('newcomer@example.org'),
      email: 'newcomer@example.org',
      status: 'confirmed',
      topics: [],
    };
    await world.subscribers.update({ id: first.id as string }, { set: { status: 'unsubscribed' } });
    await world.subscribers.put(newcomer);
    try {
      expect(await planOnce(world, request)).toMatchObject({ status: 'planned' });
      await drain(workerDeps(world));
    } finally {
      await world.subscribers.update({ id: first.id as string }, { set: { status: first.status } });
      await world.subscribers.delete({ id: newcomer.id });
    }

    const counts = mailTo(await world.sentMail());
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    // The leaver was already in a recorded shard, so the plan keeps them, but the worker reads their status when it
    // sends and skips them; nobody else planned is dropped.
    const missing = expectedRecipients(world, request.topics).filter(
      (s) => s.id !== first.id && counts.get(s.email) !== 1,
    );
    expect(missing).toEqual([]);
    expect(counts.get(first.email as string)).toBeUndefined();
    if (expectedRecipients(world, request.topics).some((s) => s.id === first.id)) {
      expect(await world.ledger.get(sendKey(request.dispatchId, first.id as string))).toMatchObject({
        status: 'skipped',
        reason: 'unsubscribed',
      });
    }
    expect(logged('dispatch found mid-plan; queued its recorded shards again and resuming after them')).toHaveLength(1);
    expectCleanLogs(world);
  });
});

/** A table whose next `n` calls fail before reaching it, as during a brief outage. */
class FailingTable implements KeyValueTable {
  private failing = 0;
  failed = 0;

  constructor(private readonly table: KeyValueTable) {}

  failNext(n: number) {
    this.failing += n;
  }

  private call<R>(call: () => Promise<R>): Promise<R> {
    if (this.failing > 0) {
      this.failing -= 1;
      this.failed += 1;
      return Promise.reject(Object.assign(new Error('Service unavailable (injected)'), { name: 'ServiceUnavailable' }));
    }
    return call();
  }

  get: KeyValueTable['get'] = (key) => this.call(() => this.table.get(key));
  putIfAbsent: KeyValueTable['putIfAbsent'] = (item) => this.call(() => this.table.putIfAbsent(item));
  put: KeyValueTable['put'] = (item) => this.call(() => this.table.put(item));
  getMany: KeyValueTable['getMany'] = (keys) => this.call(() => this.table.getMany(keys));
  putMany: KeyValueTable['putMany'] = (items) => this.call(() => this.table.putMany(items));
  update: KeyValueTable['update'] = (key, changes) => this.call(() => this.table.update(key, changes));
  delete: KeyValueTable['delete'] = (key) => this.call(() => this.table.delete(key));
  query: KeyValueTable['query'] = (partition, options) => this.call(() => this.table.query(partition, options));
  scan: KeyValueTable['scan'] = (options) => this.call(() => this.table.scan(options));
}
