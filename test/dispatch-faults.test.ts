import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError, type Item, type KeyValueTable, type Mailer, type OutgoingEmail } from '../src/ports.ts';
import { dispatchStateKey } from '../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { shardRecords, type SqsEvent } from '../src/pipeline/dispatch/sqs-event.ts';
import { processShards } from '../src/pipeline/dispatch/worker.ts';
import {
  drainQueue,
  expectedRecipients,
  mailTo,
  expectCleanLogs,
  expectExactlyOnce,
  planDeps,
  planOnce,
  seededRandom,
  startWorld,
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

  it('a worker killed after SES accepted a message and before the ledger said so: that one reader, and only that one, gets two', async () => {
    const sendsBeforeCrash = 60;
    let sends = 0;
    let crashedAfter: string | undefined;
    const handler = async (event: SqsEvent) => {
      let dead = false;
      let die!: (err: Error) => void;
      const died = new Promise<never>((_, reject) => (die = reject));
      const mailer: Mailer = {
        async send(email) {
          if (dead) return never();
          const accepted = await world.mailer.send(email);
          sends += 1;
          if (!crashedAfter && sends === sendsBeforeCrash) {
            crashedAfter = email.to;
            dead = true;
            die(new Error('worker process crashed'));
            return never();
          }
          return accepted;
        },
      };
      const ledger = freezeWhen(world.ledger, () => dead);
      return Promise.race([processShards(workerDeps(world, { mailer, ledger, recipientConcurrency: 1 }), shardRecords(event)), died]);
    };
    const request = await storeTemplate(world, 'fault-window');
    await planOnce(world, request);
    await drainQueue(world, handler);

    const counts = mailTo(await world.emulators.sentMail());
    const twice = [...counts].filter(([, n]) => n !== 1);
    expect(twice).toEqual([[crashedAfter, 2]]);
    expect(counts.size).toBe(expectedRecipients(world, request.topics).length);
    expect(logged('took over an expired claim; sending').length).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('a worker killed mid-shard, its message delivered again', async () => {
    // Process death: after `sendsBeforeCrash` sends the invocation dies at its next send, before SES gets it. A dead
    // invocation does nothing more (its pending calls never return) and its SQS messages are not deleted.
    const sendsBeforeCrash = 120;
    let sends = 0;
    let crashed = false;
    const handler = async (event: SqsEvent) => {
      let dead = false;
      let die!: (err: Error) => void;
      const died = new Promise<never>((_, reject) => (die = reject));
      const mailer: Mailer = {
        send(email) {
          if (dead) return never();
          if (!crashed && sends === sendsBeforeCrash) {
            crashed = dead = true;
            die(new Error('worker process crashed'));
            return never();
          }
          sends += 1;
          return world.mailer.send(email);
        },
      };
      const ledger = freezeWhen(world.ledger, () => dead);
      // One lane: at the instant of death no other send of this process is in flight. A send in flight when a
      // process dies is the one window SES leaves open; the next test shows it.
      return Promise.race([processShards(workerDeps(world, { mailer, ledger, recipientConcurrency: 1 }), shardRecords(event)), died]);
    };
    const request = await storeTemplate(world, 'fault-crash');
    await planOnce(world, request);
    await drainQueue(world, handler);

    expect(crashed).toBe(true);
    await expectExactlyOnce(world, request);
    expect(logged('handler failed; the whole batch comes back')).toHaveLength(1);
    expect(logged('took over an expired claim; sending').length).toBeGreaterThanOrEqual(1);
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

/** The table as a dead process sees it: once `dead()` holds, no call ever returns. */
function freezeWhen(table: KeyValueTable, dead: () => boolean): KeyValueTable {
  const frozen = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => (...args: A) => (dead() ? never() : call(...args));
  return {
    get: frozen((key) => table.get(key)),
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
  update: KeyValueTable['update'] = (key, changes) => this.call(() => this.table.update(key, changes));
  delete: KeyValueTable['delete'] = (key) => this.call(() => this.table.delete(key));
  query: KeyValueTable['query'] = (partition, options) => this.call(() => this.table.query(partition, options));
  scan: KeyValueTable['scan'] = (options) => this.call(() => this.table.scan(options));
}
