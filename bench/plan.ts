// The dispatch planner at scale: the real planner through the real DynamoDB adapter, beside a bare paginated Scan of
// the same table; and what `broadsheet dispatch status` costs for a small and a large dispatch.
import { performance } from 'node:perf_hooks';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { systemClock } from '../src/adapters/clock.ts';
import { awsClientConfigs, type EndpointMap } from '../src/adapters/aws-clients.ts';
import { createDynamoClient, DynamoTable, type TableKeys } from '../src/adapters/dynamo-table.ts';
import { objectStore } from '../src/app/adapters.ts';
import { runDispatchCommand } from '../src/cli/dispatch.ts';
import { createLogger } from '../src/log.ts';
import type { Item, KeyValueTable, Queue } from '../src/ports.ts';
import { renderEmail } from '../src/render/email/index.ts';
import { countDeliveryEvents } from '../src/pipeline/dispatch/delivery-figures.ts';
import { registerDispatch } from '../src/pipeline/dispatch/dispatch-register.ts';
import { addFigures, dispatchTag } from '../src/pipeline/dispatch/figures.ts';
import { dispatchStateKey } from '../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { emulatorProcess, type EmulatorProcess } from './dispatch.ts';
import { config, parseSample } from './sample.ts';
import { median, round } from './stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const silent = createLogger({}, () => {});
/** Production's shard size (runtime-config's default). */
const SHARD_SIZE = 500;
/** BatchWriteItem requests in flight while loading: enough to keep dynalite busy without queueing in its socket. */
const LOAD_CONCURRENCY = 16;
/** Items of one BatchWriteItem request (DynamoDB's limit). */
const BATCH_WRITE = 25;
const SUBSCRIBERS: TableKeys = { tableName: 'bench-subscribers', partitionKey: 'id' };
const LEDGER: TableKeys = { tableName: 'bench-ledger', partitionKey: 'pk', sortKey: 'sk' };
/** A subscriber id of the table's shape (22 base64url characters). */
const readerId = (n: number) => `plan${String(n).padStart(18, '0')}`;

/** Counts every request a DynamoDB client sends: the storage requests of whatever uses it. */
class RequestCounter {
  requests = 0;

  client(endpoints: EndpointMap): DynamoDBClient {
    const client = createDynamoClient(awsClientConfigs(endpoints).dynamodb);
    const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as { send: unknown }).send = (...args: unknown[]) => {
      this.requests += 1;
      return send(...args);
    };
    return client;
  }

  take(): number {
    const n = this.requests;
    this.requests = 0;
    return n;
  }
}

/** Runs `fn` over 0..count-1, `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, fn: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Loads `count` confirmed subscribers with BatchWriteItem, LOAD_CONCURRENCY requests at a time, with progress. */
async function loadSubscribers(table: KeyValueTable, count: number): Promise<void> {
  const batches = Math.ceil(count / BATCH_WRITE);
  const start = performance.now();
  let done = 0;
  let shown = 0;
  await inParallel(batches, LOAD_CONCURRENCY, async (b) => {
    const items: Item[] = [];
    for (let n = b * BATCH_WRITE; n < Math.min(count, (b + 1) * BATCH_WRITE); n++) {
      items.push({ id: readerId(n), email: `reader${n}@bench.example`, status: 'confirmed', topics: [] });
    }
    await table.putMany(items);
    done += items.length;
    if (done - shown >= 10_000 || done === count) {
      shown = done;
      const seconds = (performance.now() - start) / 1000;
      log(`plan: loaded ${done} of ${count} subscribers (${Math.round(done / seconds)} a second)`);
    }
  });
}

/**
 * Every item of the table, a page at a time as DynamoDB gives it (no Limit: 1 MB pages), each item read into plain
 * values as the adapter reads it.
 */
async function rawScan(client: DynamoDBClient, tableName: string): Promise<number> {
  let items = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of out.Items ?? []) if (unmarshall(item)) items += 1;
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** Takes what the planner queues and keeps none of it: the emulated queue's speed is not the planner's. */
const discardingQueue = (): Queue => ({
  sendBatch: async () => {},
  receive: async () => [],
  delete: async () => {},
});

/**
 * `subscribers` confirmed readers loaded, then rounds alternating a bare Scan of the table and the planner over it,
 * both through a DynamoDB client of the same configuration, items read into plain values alike, in this process;
 * the emulators run in another.
 */
export async function benchPlan(options: { subscribers: number; rounds?: number }): Promise<Record<string, number>> {
  const { subscribers: count } = options;
  const rounds = Math.max(1, Math.floor(options.rounds ?? 3));
  const data: EmulatorProcess = await emulatorProcess();
  try {
    const endpoints: EndpointMap = data.endpoints;
    const counter = new RequestCounter();
    const subscribers = new DynamoTable(counter.client(endpoints), SUBSCRIBERS);
    const ledger = new DynamoTable(counter.client(endpoints), LEDGER);
    const rawClient = createDynamoClient(awsClientConfigs(endpoints).dynamodb);
    const editorials = objectStore({ endpoints }, 'bench-editorials');
    const queue = discardingQueue();

    log(`plan: loading ${count} confirmed subscribers into dynalite…`);
    await loadSubscribers(subscribers, count);
    counter.take();

    const editorial = parseSample();
    const template = await renderEmail(editorial, config);
    const from = `"${config.sender.name}" <${config.sender.address}>`;
    const plan = async (n: number) => {
      const dispatchId = `${editorial.slug}~plan${n}`;
      const templateKey = `rendered/${editorial.slug}/${dispatchId}/email.json`;
      await editorials.put(
        templateKey,
        JSON.stringify({ ...template, from, replyTo: config.sender.replyTo, slug: editorial.slug, dispatchId }),
        {
          contentType: 'application/json',
        },
      );
      counter.take();
      const start = performance.now();
      const result = await planDispatch(
        { editorials, subscribers, ledger, queue, log: silent, clock: systemClock, shardSize: SHARD_SIZE },
        { dispatchId, slug: editorial.slug, templateKey, topics: [] },
      );
      const ms = performance.now() - start;
      if (result.status !== 'planned' || result.recipients !== count)
        throw new Error(`planner: ${result.status}, ${result.recipients} of ${count} recipients`);
      return { ms, requests: counter.take() };
    };
    const scan = async () => {
      const start = performance.now();
      const items = await rawScan(rawClient, SUBSCRIBERS.tableName);
      if (items !== count) throw new Error(`raw scan read ${items} of ${count} subscribers`);
      return performance.now() - start;
    };

    log('plan: warm-up scan and plan…');
    await scan();
    await plan(0);
    const planMs: number[] = [];
    const scanMs: number[] = [];
    const ratios: number[] = [];
    let requests = 0;
    for (let n = 1; n <= rounds; n++) {
      log(`plan: round ${n}/${rounds}: bare Scan, then the planner, over ${count} subscribers…`);
      const raw = await scan();
      const planned = await plan(n);
      scanMs.push(raw);
      planMs.push(planned.ms);
      ratios.push(planned.ms / raw);
      requests = planned.requests;
    }
    const planMedian = median(planMs);
    return {
      plan_subscribers: count,
      plan_shard_size: SHARD_SIZE,
      plan_rounds: rounds,
      plan_ms: round(planMedian),
      raw_scan_ms: round(median(scanMs)),
      plan_vs_raw_scan_ratio: round(median(ratios), 2),
      plan_subscribers_per_s: Math.round(count / (planMedian / 1000)),
      plan_requests: requests,
    };
  } finally {
    await data.stop();
  }
}

/**
 * A dispatch of `recipients` with its counters written as the workers write them (one addition per batch of send
 * records, on the shard's counter item) and as the events function writes them (a batch of SES delivery events at a
 * time), then the requests one `broadsheet dispatch status` makes, through the command itself.
 */
async function statusRequests(endpoints: EndpointMap, recipients: number): Promise<number> {
  const counter = new RequestCounter();
  const ledger = new DynamoTable(counter.client(endpoints), LEDGER);
  const slug = `status-${recipients}`;
  const dispatchId = `${slug}~1`;
  const tag = dispatchTag(dispatchId);
  const at = systemClock.now().toISOString();
  await registerDispatch(ledger, { dispatchId, slug, createdAt: at });
  await ledger.putIfAbsent({
    ...dispatchStateKey(dispatchId),
    status: 'planning',
    slug,
    templateKey: 'bench',
    startedAt: at,
  });
  const shards = Math.ceil(recipients / SHARD_SIZE);
  await ledger.update(dispatchStateKey(dispatchId), { set: { status: 'planned', shards, recipients, plannedAt: at } });

  log(`status: ${recipients} recipients: the workers' counters…`);
  await inParallel(shards, LOAD_CONCURRENCY, async (shard) => {
    const inShard = Math.min(SHARD_SIZE, recipients - shard * SHARD_SIZE);
    for (let written = 0; written < inShard; written += BATCH_WRITE) {
      await addFigures(
        ledger,
        tag,
        { sent: Math.min(BATCH_WRITE, inShard - written), failed: 0, skipped: 0 },
        at,
        shard,
      );
    }
  });
  log(`status: ${recipients} recipients: the events function's counters…`);
  const deps = { ledger, clock: systemClock, log: silent, sending: config.sending };
  const EVENTS_PER_BATCH = 10;
  let counted = 0;
  await inParallel(Math.ceil(recipients / EVENTS_PER_BATCH), LOAD_CONCURRENCY, async (b) => {
    const events = [];
    for (let n = b * EVENTS_PER_BATCH; n < Math.min(recipients, (b + 1) * EVENTS_PER_BATCH); n++) {
      events.push({ eventType: 'Delivery', messageId: `message-${n}`, dispatchTag: tag });
    }
    await countDeliveryEvents(deps, events);
    counted += events.length;
    if (counted % 20_000 === 0) log(`status: ${counted} of ${recipients} delivery events counted`);
  });

  counter.take();
  let printed = '';
  const io = {
    out: (line: string) => void (printed += line),
    write: () => {},
    err: log,
    tty: false,
    sleep: async () => {},
  };
  const noQueue = discardingQueue();
  const code = await runDispatchCommand(
    ['status', slug, '--json'],
    async () => ({ ledger, queue: noQueue, clock: systemClock, log: silent }),
    io,
  );
  const requests = counter.take();
  const status = JSON.parse(printed) as { recipients: number; sent: number; delivered: number };
  if (code !== 0 || status.recipients !== recipients || status.sent !== recipients || status.delivered !== recipients) {
    throw new Error(`dispatch status of ${recipients}: exit ${code}, ${printed}`);
  }
  return requests;
}

export async function benchStatus(sizes: readonly number[] = [10, 100_000]): Promise<Record<string, number>> {
  const data = await emulatorProcess();
  try {
    const figures: Record<string, number> = {};
    for (const recipients of sizes)
      figures[`status_requests_${recipients}`] = await statusRequests(data.endpoints, recipients);
    return figures;
  } finally {
    await data.stop();
  }
}
