// A withdrawal stops the email it is sending: the real publish and worker functions (built by the factories in
// src/app, as Lambda runs them) on the emulators, S3 events through the relay, shards through the local SQS poller.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idTable, objectStore, pairTable, queue } from '../../src/app/adapters.ts';
import { createDispatchWorkerHandler, workerWiring } from '../../src/app/dispatch-worker.ts';
import { createPublishHandler } from '../../src/app/publish.ts';
import type { RuntimeConfig } from '../../src/app/runtime-config.ts';
import { startSqsPoller, type SqsPoller } from '../../src/local/sqs-poller.ts';
import type { Item, KeyValueTable } from '../../src/ports.ts';
import { dispatchStopKey, shardLeasePartition, shardRecordPartition } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { recordedShards } from '../../src/pipeline/dispatch/shard-records.ts';
import { decodeIndexEntry, releaseEmbargoed } from '../../src/pipeline/publish/index.ts';
import { subscriberId } from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { config, markdown, newStage } from '../helpers/publish-harness.ts';

const BUCKETS = { editorials: 'stop-editorials', site: 'stop-site' };
const TABLES = { subscribers: 'stop-subscribers', ledger: 'stop-ledger' };
const QUEUE = 'stop-dispatch';
const TOKEN_SECRET = 'stop-test-secret-0123456789-abcdefghij';
/**
 * 5 shards for 2 workers: when the withdrawal lands, two shards are mid-send and three untouched, which is what the
 * stop is judged on (every count is per shard and per reader, the same at 25 a shard as at 50 000).
 */
const SUBSCRIBERS = 125;
const SHARD_SIZE = 25;
/** Slow enough that a shard takes 10 s (the two workers share 5 sends a second): the withdrawal lands mid-send. */
const SLOW_RATE = 10;
/** How often a sending worker reads the stop record here; the production default is 2 s (DEFAULT_STOP_CHECK_MS in
 * src/pipeline/dispatch/shard-ledger.ts). Shorter only makes the stop land sooner: nothing here counts on when. */
const STOP_CHECK_MS = 200;
const FAST_RATE = 500;
/** Longer than any shard takes, as in the deployed queue: a message comes back only when its worker gave it back. */
const VISIBILITY_SECONDS = 60;
/** Hang guard only: no test depends on how long anything takes. */
const PATIENCE_MS = 90_000;

const emulators = useEmulators({
  s3Buckets: Object.values(BUCKETS),
  tables: [
    { tableName: TABLES.subscribers, partitionKey: 'id' },
    { tableName: TABLES.ledger, partitionKey: 'pk', sortKey: 'sk' },
  ],
  queues: [{ name: QUEUE, visibilityTimeoutSeconds: VISIBILITY_SECONDS, maxReceiveCount: 5 }],
});

const logFile = join(mkdtempSync(join(tmpdir(), 'broadsheet-stop-')), 'functions.jsonl');
let ledger: KeyValueTable;
let stopRelay: () => void;

/** What the stack gives the functions, pointing at the emulators; the send rate is the account's, shared by two. */
function runtime(sendRatePerSecond: number): RuntimeConfig {
  return {
    publication: config,
    editorialsBucket: BUCKETS.editorials,
    publicBucket: BUCKETS.site,
    subscribersTable: TABLES.subscribers,
    ledgerTable: TABLES.ledger,
    dispatchQueueUrl: emulators.queueUrls[QUEUE]!,
    sendRatePerSecond,
    workerConcurrency: 2,
    shardSize: SHARD_SIZE,
    configurationSet: 'broadsheet-test',
    tokenSecret: TOKEN_SECRET,
    softBounceThreshold: 3,
    endpoints: emulators.endpoints,
    logFile,
  };
}

/** The dispatch worker on the queue, one shard per invocation, as many at once as its reserved concurrency. */
function startWorkers(sendRatePerSecond: number): SqsPoller {
  const rt = runtime(sendRatePerSecond);
  const worker = createDispatchWorkerHandler(rt, { ...workerWiring(rt), stopCheckMs: STOP_CHECK_MS });
  return startSqsPoller({
    queue: queue(emulators, rt.dispatchQueueUrl),
    handler: (event) => worker(event),
    batchSize: 1,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    concurrency: rt.workerConcurrency,
  });
}

beforeAll(async () => {
  ledger = pairTable(emulators, TABLES.ledger);
  const subscribers = idTable(emulators, TABLES.subscribers);
  const at = '2026-07-01T00:00:00.000Z';
  for (let i = 0; i < SUBSCRIBERS; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, SUBSCRIBERS - i) }, (_, k) => {
        const email = `reader.${String(i + k).padStart(3, '0')}@mail.example.com`;
        return subscribers.put({
          id: subscriberId(TOKEN_SECRET, email),
          email,
          status: 'confirmed',
          topics: [],
          consentAt: at,
          confirmedAt: at,
          updatedAt: at,
        });
      }),
    );
  }
  // S3 notifies the publish function of the editorials bucket, as in the deployed stack.
  const publish = createPublishHandler(runtime(SLOW_RATE));
  stopRelay = emulators.onObjectEvent(async (event) => {
    if (event.Records[0]?.s3.bucket.name === BUCKETS.editorials) await publish(event);
  });
}, 60_000);

afterAll(() => stopRelay?.());

beforeEach(async () => {
  await emulators.clearMail();
});

const upload = (key: string, body: string) =>
  emulators.s3.send(
    new PutObjectCommand({
      Bucket: BUCKETS.editorials,
      Key: key,
      Body: body,
      ContentType: 'text/markdown; charset=utf-8',
    }),
  );

async function until(what: string, ready: () => Promise<boolean>): Promise<void> {
  const giveUp = Date.now() + PATIENCE_MS;
  while (!(await ready())) {
    if (Date.now() > giveUp) throw new Error(`hang guard: still waiting for ${what}`);
    await delay(100);
  }
}

async function partition(pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.query(pk, cursor === undefined ? {} : { cursor });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return items;
}

const mailCount = async () => (await emulators.sentMail()).length;

/** Waits into the next whole second, and 50 ms on for the file system's coarse clock that s3rver's upload times come
 * from: an upload then has a later upload time than any before the wait. */
const intoNextSecond = () => delay(1_050 - (Date.now() % 1_000));

function functionLogs(dispatchId: string, message: string): Record<string, unknown>[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.dispatchId === dispatchId && line.message === message);
}

/** Every shard's message of the dispatch, delivered again: straight to the function, then through the queue. */
async function redeliver(dispatchId: string): Promise<{ direct: unknown }> {
  const bodies = (await partition(shardRecordPartition(dispatchId))).flatMap(recordedShards).map((shard) => shard.body);
  const direct = await createDispatchWorkerHandler(runtime(FAST_RATE))({
    Records: bodies.map((body, i) => ({
      messageId: `again-${i}`,
      receiptHandle: `again-${i}`,
      body,
      attributes: { ApproximateReceiveCount: '2' },
    })),
  });
  await queue(emulators, emulators.queueUrls[QUEUE]!).sendBatch(bodies);
  const workers = startWorkers(FAST_RATE);
  await workers.drain();
  await workers.stop();
  return { direct };
}

async function indexEntry(slug: string) {
  const object = await objectStore(emulators, BUCKETS.editorials).get(`index/${slug}.json`);
  if (!object) throw new Error(`no index entry for ${slug}`);
  return decodeIndexEntry(new TextDecoder().decode(object.body));
}

const sum = (items: Item[], field: string) => items.reduce((n, item) => n + Number(item[field] ?? 0), 0);

describe('withdrawing an editorial while its email is being sent', () => {
  const slug = '2026-07-10-harbour-strike';
  const key = `approved/${slug}.md`;
  let sentBeforeStop = 0;

  it('deleting its approved object stops every worker; the ledger and the logs count what went before the stop', async () => {
    const workers = startWorkers(SLOW_RATE);
    let leasedAtWithdrawal = new Set<string>();
    try {
      await upload(
        key,
        markdown({ title: 'The harbour strike', published: '2026-07-10T06:00:00Z' }, 'Dockers walked out at dawn.'),
      );
      await until('the first sends', async () => (await mailCount()) >= 10);
      leasedAtWithdrawal = new Set((await partition(shardLeasePartition(slug))).map((lease) => String(lease.sk)));

      await emulators.s3.send(new DeleteObjectCommand({ Bucket: BUCKETS.editorials, Key: key }));
      await emulators.objectEventsSettled();
      expect(await ledger.get(dispatchStopKey(slug))).toMatchObject({
        slug,
        reason: 'removed',
        stoppedAt: expect.any(String),
      });
      // Every shard is acknowledged: the poller drains only when no message is left or due to come back.
      await workers.drain();
    } finally {
      await workers.stop();
    }

    const mail = await emulators.sentMail();
    sentBeforeStop = mail.length;
    const recipients = mail.map((m) => m.destination.to[0]);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(sentBeforeStop).toBeLessThan(SUBSCRIBERS);

    // The ledger: every shard stopped, their counts add up to what SES accepted, and match the send records.
    const shards = (await partition(shardRecordPartition(slug))).flatMap(recordedShards);
    const leases = await partition(shardLeasePartition(slug));
    expect(shards).toHaveLength(SUBSCRIBERS / SHARD_SIZE);
    expect(leases.map((lease) => lease.status)).toEqual(shards.map(() => 'stopped'));
    expect(sum(leases, 'sent')).toBe(sentBeforeStop);
    expect(sum(leases, 'sent') + sum(leases, 'unsent')).toBe(SUBSCRIBERS);
    const records = await partition(`send#${slug}`);
    expect(records.filter((record) => record.status === 'sent')).toHaveLength(sentBeforeStop);

    // The shards being sent stopped mid-shard; those no worker had taken yet sent nothing.
    const leasedAtStop = (lease: Item) => leasedAtWithdrawal.has(String(lease.sk));
    expect(leases.filter(leasedAtStop).every((lease) => Number(lease.sent) > 0 && Number(lease.unsent) > 0)).toBe(true);
    const untouched = leases.filter((lease) => !leasedAtStop(lease));
    expect(untouched.length).toBeGreaterThan(0);
    expect(untouched.map((lease) => [lease.sent, lease.unsent])).toEqual(untouched.map(() => [0, SHARD_SIZE]));

    // The logs: the stop once, then one line a shard saying how many of it went before it.
    expect(functionLogs(slug, 'dispatch stopped: the workers send nothing more of it')).toHaveLength(1);
    const stoppedShards = functionLogs(slug, 'dispatch stopped: the rest of this shard is never sent');
    expect(stoppedShards).toHaveLength(shards.length);
    expect(sum(stoppedShards, 'sentThisDelivery')).toBe(sentBeforeStop);
    expect(stoppedShards.every((line) => line.reason === 'removed')).toBe(true);
  }, 180_000);

  it('sends nothing more when every shard message is delivered again, and acknowledges each as done', async () => {
    const { direct } = await redeliver(slug);
    expect(direct).toEqual({ batchItemFailures: [] });
    expect(await mailCount()).toBe(0);
    expect(
      functionLogs(slug, 'shard stopped with its dispatch; repeated delivery acknowledged, nothing sent'),
    ).toHaveLength(2 * (SUBSCRIBERS / SHARD_SIZE));
    const deadLetters = await queue(emulators, emulators.queueUrls[`${QUEUE}-dlq`]!).receive(10);
    expect(deadLetters).toEqual([]);
    // The deletion's event delivered again stops nothing new.
    await emulators.s3.send(new DeleteObjectCommand({ Bucket: BUCKETS.editorials, Key: key }));
    await emulators.objectEventsSettled();
    expect(functionLogs(slug, 'dispatch stopped: the workers send nothing more of it')).toHaveLength(1);
  }, 180_000);

  it('republished with resend: true, goes out to every subscriber under a new dispatch id the earlier stop does not touch', async () => {
    const updated = '2026-07-10T09:00:00Z';
    const workers = startWorkers(FAST_RATE);
    try {
      await upload(
        key,
        markdown(
          { title: 'The harbour strike, settled', published: '2026-07-10T06:00:00Z', updated, resend: 'true' },
          'Dockers are back.',
        ),
      );
      await emulators.objectEventsSettled();
      await workers.drain();
    } finally {
      await workers.stop();
    }
    const dispatchId = `${slug}~${Math.floor(Date.parse(updated) / 1000)}`;
    expect(await indexEntry(slug)).toMatchObject({ dispatchId, earlierDispatchIds: [slug] });

    const mail = await emulators.sentMail();
    expect(new Set(mail.map((m) => m.destination.to[0])).size).toBe(SUBSCRIBERS);
    expect(mail).toHaveLength(SUBSCRIBERS);
    expect(mail.every((m) => m.subject.includes('settled'))).toBe(true);
    expect(await ledger.get(dispatchStopKey(dispatchId))).toBeUndefined();
    const leases = await partition(shardLeasePartition(dispatchId));
    expect(leases.map((lease) => lease.status)).toEqual(leases.map(() => 'done'));
    expect(sum(leases, 'sent')).toBe(SUBSCRIBERS);
    // The earlier dispatch stays stopped and counted.
    expect(sum(await partition(shardLeasePartition(slug)), 'sent')).toBe(sentBeforeStop);
  }, 180_000);
});

describe('a new version with status: withdrawn', () => {
  it('stops the send the same way: nothing more goes out, and the ledger counts what did', async () => {
    const slug = '2026-07-11-grain-quota';
    const key = `approved/${slug}.md`;
    const workers = startWorkers(SLOW_RATE);
    try {
      await upload(key, markdown({ title: 'The grain quota', published: '2026-07-11T06:00:00Z' }));
      await until('the first sends', async () => (await mailCount()) >= 10);
      await upload(
        key,
        markdown({
          title: 'The grain quota',
          published: '2026-07-11T06:00:00Z',
          updated: '2026-07-11T07:00:00Z',
          status: 'withdrawn',
        }),
      );
      await emulators.objectEventsSettled();
      expect(await ledger.get(dispatchStopKey(slug))).toMatchObject({ slug, reason: 'withdrawn' });
      await workers.drain();
    } finally {
      await workers.stop();
    }
    const sent = await mailCount();
    expect(sent).toBeLessThan(SUBSCRIBERS);
    const leases = await partition(shardLeasePartition(slug));
    expect(leases.map((lease) => lease.status)).toEqual(leases.map(() => 'stopped'));
    expect(leases).toHaveLength(SUBSCRIBERS / SHARD_SIZE);
    expect(sum(leases, 'sent')).toBe(sent);
    expect(sum(functionLogs(slug, 'dispatch stopped: the rest of this shard is never sent'), 'sentThisDelivery')).toBe(
      sent,
    );

    await redeliver(slug);
    expect(await mailCount()).toBe(sent);
  }, 180_000);
});

describe('the publish stage', () => {
  it('never sends an embargoed editorial withdrawn before its release; published again, it goes out under a new id', async () => {
    const stage = await newStage(emulators.s3, { now: new Date('2026-07-01T00:00:00Z') });
    const slug = '2026-07-01-summit-terms';
    const key = await stage.upload(
      `${slug}.md`,
      markdown({ title: 'Summit terms', published: '2026-07-01T00:00:00Z', embargo: '2026-07-02T06:00:00Z' }),
    );
    expect(await stage.publish(key)).toEqual({ outcome: 'published', slug });
    await stage.upload(
      `${slug}.md`,
      markdown({
        title: 'Summit terms',
        published: '2026-07-01T00:00:00Z',
        updated: '2026-07-01T03:00:00Z',
        embargo: '2026-07-02T06:00:00Z',
        status: 'withdrawn',
      }),
    );
    expect(await stage.publish(key)).toEqual({ outcome: 'corrected', slug });

    stage.clock.set(new Date('2026-07-02T07:00:00Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    expect(stage.planned).toEqual([]);
    expect(await stage.keys(stage.editorials, 'rendered/')).toEqual([]);
    expect(await stage.keys(stage.editorials, 'embargoed/')).toEqual([]);
    // Its send was owed, never handed over: it is stopped all the same (it might have been mid-plan), and retired.
    expect(stage.stopped).toEqual([{ dispatchId: slug, slug, reason: 'withdrawn' }]);

    await stage.upload(
      `${slug}.md`,
      markdown({ title: 'Summit terms', published: '2026-07-01T00:00:00Z', updated: '2026-07-02T08:00:00Z' }),
    );
    const again = `${slug}~${Math.floor(Date.parse('2026-07-02T08:00:00Z') / 1000)}`;
    expect(await stage.publish(key)).toEqual({ outcome: 'corrected', slug, dispatchId: again });
    expect(stage.planned.map((r) => r.dispatchId)).toEqual([again]);
  });

  it('stops a send planned but not yet recorded as handed over when the editorial goes, and never plans that id again', async () => {
    const planned: string[] = [];
    const stage = await newStage(emulators.s3, {
      planDispatch: async (request) => {
        planned.push(request.dispatchId);
        if (planned.length === 1) throw new Error('injected fault: the function died after planning');
      },
    });
    const slug = '2026-07-03-port-fees';
    const body = markdown({ title: 'Port fees', published: '2026-07-03T06:00:00Z' });
    const key = await stage.upload(`${slug}.md`, body);
    await expect(stage.publish(key)).rejects.toThrow(/injected fault/);

    await emulators.s3.send(new DeleteObjectCommand({ Bucket: stage.buckets.editorials, Key: key }));
    expect(await stage.publish(key, 'removed')).toEqual({ outcome: 'withdrawn', slug });
    expect(stage.stopped).toEqual([{ dispatchId: slug, slug, reason: 'removed' }]);

    await intoNextSecond(); // a new upload time, to the second as S3 keeps it
    await stage.upload(`${slug}.md`, body);
    const again = `${slug}~${Math.floor(Date.parse('2026-07-03T06:00:00Z') / 1000)}`;
    expect(await stage.publish(key)).toEqual({ outcome: 'corrected', slug, dispatchId: again });
    expect(planned).toEqual([slug, again]);
  });

  it('stops every send of a withdrawn editorial: the first, still going when a resend followed, and the resend', async () => {
    const stage = await newStage(emulators.s3);
    const slug = '2026-07-04-tariffs';
    const key = await stage.upload(`${slug}.md`, markdown({ title: 'Tariffs', published: '2026-07-04T06:00:00Z' }));
    await stage.publish(key);
    await stage.upload(
      `${slug}.md`,
      markdown({
        title: 'Tariffs',
        published: '2026-07-04T06:00:00Z',
        updated: '2026-07-04T07:00:00Z',
        resend: 'true',
      }),
    );
    await stage.publish(key);
    const resend = `${slug}~${Math.floor(Date.parse('2026-07-04T07:00:00Z') / 1000)}`;
    expect(stage.planned.map((r) => r.dispatchId)).toEqual([slug, resend]);
    expect(stage.stopped).toEqual([]);

    await stage.upload(
      `${slug}.md`,
      markdown({
        title: 'Tariffs',
        published: '2026-07-04T06:00:00Z',
        updated: '2026-07-04T08:00:00Z',
        status: 'withdrawn',
      }),
    );
    await stage.publish(key);
    expect(stage.stopped.map((r) => [r.dispatchId, r.reason])).toEqual([
      [slug, 'withdrawn'],
      [resend, 'withdrawn'],
    ]);
  });
});
