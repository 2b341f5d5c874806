import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError, type Item, type KeyValueTable, type Mailer, type OutgoingEmail } from '../src/ports.ts';
import { dispatchStateKey, sendKey } from '../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { queueRecords, type SqsEvent } from '../src/app/sqs-batch.ts';
import { MAX_UNRECORDED, processShards } from '../src/pipeline/dispatch/worker.ts';
import {
  drainQueue,
  expectedRecipients,
  mailTo,
  expectCleanLogs,
  expectExactlyOnce,
  expectLedgerComplete,
  planDeps,
  planOnce,
  seededRandom,
  startWorld,
  subscriberId,
  storeTemplate,
  workerDeps,
  workerHandler,
  type World,
} from './dispatch-harness.ts';

// Faults are injected at the ports (Mailer, KeyValueTable) by wrappers around the real adapters, and at the queue by
// sending real malformed messages: everything else is the real path through the emulators.

let world: World;

beforeAll(async () => {
  world = await startWorld();
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
  it('the same S3 event delivered three times (two at once, one later)', async () => {
    const request = await storeTemplate(world, 'fault-duplicate-events');
    const [a, b] = await Promise.all([planOnce(world, request), planOnce(world, request)]);
    const c = await planOnce(world, request);
    expect(c.status).toBe('duplicate');
    expect([a, b].some((r) => r.status === 'planned')).toBe(true);
    await drainQueue(world, workerHandler(workerDeps(world)));

    await expectExactlyOnce(world, request);
    expect(logged('dispatch already planned; duplicate request ignored')).toHaveLength(1);
    expect(await world.ledger.get(dispatchStateKey(request.dispatchId))).toMatchObject({ status: 'planned', recipients: 1200 });
    expectCleanLogs(world);
  }, 180_000);

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
    await drainQueue(world, workerHandler(workerDeps(world, { mailer: throttling })));

    await expectExactlyOnce(world, request);
    expect(throttled).toBeGreaterThan(60);
    expect(logged('send throttled; backing off')).toHaveLength(throttled);
    expectCleanLogs(world);
  }, 180_000);

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
    await drainQueue(world, workerHandler(workerDeps(world, { mailer, ledger })));

    await expectExactlyOnce(world, request);
    expect(ledger.failed).toBe(12);
    expect(logged('ledger call failed')).toHaveLength(12);
    expectCleanLogs(world);
  }, 180_000);

  it('the planner dying mid-plan and planning again after subscribers changed: nobody gets two, nobody planned is lost', async () => {
    const request = await storeTemplate(world, 'fault-planner');
    let batches = 0;
    const dying = {
      ...world.queue,
      sendBatch: (bodies: string[]) => (++batches === 2 ? Promise.reject(new Error('planner process crashed')) : world.queue.sendBatch(bodies)),
      receive: world.queue.receive.bind(world.queue),
      delete: world.queue.delete.bind(world.queue),
    };
    await expect(planDispatch({ ...planDeps(world), queue: dying }, request)).rejects.toThrow('planner process crashed');

    // Before the retry, the first subscriber in scan order leaves and a new one arrives: a plan started over from the
    // top would cut every shard at another place.
    const first = (await world.subscribers.scan({ limit: 1 })).items[0]!;
    const newcomer = { id: subscriberId('newcomer@example.org'), email: 'newcomer@example.org', status: 'confirmed', topics: [] };
    await world.subscribers.update({ id: first.id as string }, { set: { status: 'unsubscribed' } });
    await world.subscribers.put(newcomer);
    try {
      expect(await planOnce(world, request)).toMatchObject({ status: 'planned' });
      await drainQueue(world, workerHandler(workerDeps(world)));
    } finally {
      await world.subscribers.update({ id: first.id as string }, { set: { status: first.status } });
      await world.subscribers.delete({ id: newcomer.id });
    }

    const counts = mailTo(await world.emulators.sentMail());
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    // The leaver was already in a recorded shard, so the plan keeps them, but the worker reads their status when it
    // sends and skips them; nobody else planned is dropped.
    const missing = expectedRecipients(world, request.topics).filter((s) => s.id !== first.id && counts.get(s.email) !== 1);
    expect(missing).toEqual([]);
    expect(counts.get(first.email as string)).toBeUndefined();
    if (expectedRecipients(world, request.topics).some((s) => s.id === first.id)) {
      expect(await world.ledger.get(sendKey(request.dispatchId, first.id as string))).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    }
    expect(logged('dispatch found mid-plan; queued its recorded shards again and resuming after them')).toHaveLength(1);
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
      const twice = [...mailTo(await world.emulators.sentMail())].filter(([, n]) => n !== 1).sort(([a], [b]) => a.localeCompare(b));
      return { twice, unrecorded };
    },
  };
}

/** The table as a dead process sees it: once `dead()` holds, no call ever returns. */
function freezeWhen(table: KeyValueTable, dead: () => boolean): KeyValueTable {
  const frozen = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => (...args: A) => (dead() ? never() : call(...args));
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

/** A table whose next `n` calls fail before reaching DynamoDB, as during a brief outage. */
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
