// Shared set-up of the dispatch tests: the real emulators, the real adapters, seeded subscribers, a real template.
import { expect } from 'vitest';
import { idTable, mailer, objectStore, pairTable, queue } from '../src/app/adapters.ts';
import { systemClock } from '../src/adapters/clock.ts';
import { loadConfig } from '../src/config.ts';
import { startEmulators, type Emulators, type SentEmail } from '../src/local/emulators.ts';
import { startSqsPoller } from '../src/local/sqs-poller.ts';
import { createLogger, type Logger } from '../src/log.ts';
import type { KeyValueTable, Mailer, ObjectStore, Queue } from '../src/ports.ts';
import { renderEmail } from '../src/render/email/index.ts';
import type { DispatchRequest } from '../src/pipeline/publish/dispatch-request.ts';
import { sendKey } from '../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { queueRecords, type SqsEvent } from '../src/app/sqs-batch.ts';
import { createTokenBucket } from '../src/pipeline/dispatch/token-bucket.ts';
import { signUnsubscribeToken, subscriberId as idOf, unsubscribeUrl } from '../src/subscribers/tokens.ts';
import { processShards, type BatchResponse, type WorkerDeps } from '../src/pipeline/dispatch/worker.ts';
import { makeEditorial } from './fixtures/editorial.ts';

export const TOKEN_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const VISIBILITY_SECONDS = 2;
/** Longer than the visibility timeout: a shard whose worker died is taken over on its second or third redelivery. */
export const LEASE_MS = 3_000;
export const SHARD_SIZE = 50;
export const config = loadConfig();

export interface Subscriber {
  id: string;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';
  topics: string[];
}

export const subscriberId = (email: string) => idOf(TOKEN_SECRET, email);

export interface World {
  emulators: Emulators;
  subscribers: KeyValueTable;
  ledger: KeyValueTable;
  queue: Queue;
  dlq: Queue;
  editorials: ObjectStore;
  mailer: Mailer;
  logs: string[];
  log: Logger;
  seeded: Subscriber[];
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const emulators = await startEmulators({
    s3Buckets: ['editorials'],
    tables: [
      { tableName: 'ledger', partitionKey: 'pk', sortKey: 'sk' },
      { tableName: 'subscribers', partitionKey: 'id' },
    ],
    queues: [{ name: 'dispatch', visibilityTimeoutSeconds: VISIBILITY_SECONDS, maxReceiveCount: 5 }],
  });
  const logs: string[] = [];
  // The adapters as the functions build them; stopping the emulators closes their connections.
  const world: World = {
    emulators,
    subscribers: idTable(emulators, 'subscribers'),
    ledger: pairTable(emulators, 'ledger'),
    queue: queue(emulators, emulators.queueUrls.dispatch!),
    dlq: queue(emulators, emulators.queueUrls['dispatch-dlq']!),
    editorials: objectStore(emulators, 'editorials'),
    mailer: mailer(emulators),
    logs,
    log: createLogger({ fn: 'test' }, (line) => logs.push(line)),
    seeded: [],
    stop: () => emulators.stop(),
  };
  world.seeded = await seedSubscribers(world.subscribers);
  return world;
}

/** 1,200 confirmed subscribers (some with topics), and 90 who must get nothing: pending, unsubscribed, suppressed. */
async function seedSubscribers(table: KeyValueTable): Promise<Subscriber[]> {
  const people: Subscriber[] = [];
  const add = (email: string, status: Subscriber['status'], topics: string[] = []) =>
    people.push({ id: subscriberId(email), email, status, topics });
  for (let n = 0; n < 1200; n++) {
    const topics = n % 10 === 0 ? ['harbours'] : n % 10 === 1 ? ['markets', 'harbours'] : [];
    add(`reader.${String(n).padStart(4, '0')}@mail-${n % 7}.example.com`, 'confirmed', topics);
  }
  for (let n = 0; n < 30; n++) add(`waiting.${n}@example.org`, 'pending');
  for (let n = 0; n < 30; n++) add(`gone.${n}@example.org`, 'unsubscribed');
  for (let n = 0; n < 30; n++) add(`bounced.${n}@example.org`, 'suppressed');
  // A confirmed subscriber whose topics do not include the editorial's: gets nothing when the editorial has topics.
  for (let n = 0; n < 10; n++) add(`sports.${n}@example.net`, 'confirmed', ['sports']);
  const now = '2026-06-01T00:00:00.000Z';
  for (let i = 0; i < people.length; i += 25) {
    await Promise.all(
      people.slice(i, i + 25).map((p) =>
        table.put({
          id: p.id,
          email: p.email,
          status: p.status,
          topics: p.topics,
          consentAt: now,
          consentSource: 'import:test.csv',
          updatedAt: now,
          ...(p.status === 'confirmed' && { confirmedAt: now }),
        }),
      ),
    );
  }
  return people;
}

/** The subscribers an editorial with these topics must reach. */
export function expectedRecipients(world: World, topics: string[]): Subscriber[] {
  return world.seeded.filter(
    (s) => s.status === 'confirmed' && (topics.length === 0 || s.topics.length === 0 || s.topics.some((t) => topics.includes(t))),
  );
}

/** Renders a sample editorial once and stores it where the workers load it from; returns the dispatch request. */
export async function storeTemplate(world: World, dispatchId: string, topics: string[] = ['harbours']): Promise<DispatchRequest> {
  const editorial = makeEditorial({ topics });
  const template = await renderEmail(editorial, config);
  const templateKey = `rendered/${editorial.slug}/${dispatchId}/email.json`;
  const stored = {
    subject: template.subject,
    html: template.html,
    text: template.text,
    placeholder: template.placeholder,
    from: `"${config.sender.name}" <${config.sender.address}>`,
    replyTo: config.sender.replyTo,
    pageUrl: template.pageUrl,
    slug: editorial.slug,
    dispatchId,
  };
  await world.editorials.put(templateKey, JSON.stringify(stored), { contentType: 'application/json' });
  return { dispatchId, slug: editorial.slug, templateKey, topics };
}

export function workerDeps(world: World, overrides: Partial<WorkerDeps> = {}): WorkerDeps {
  return {
    ledger: world.ledger,
    subscribers: world.subscribers,
    mailer: world.mailer,
    clock: systemClock,
    log: world.log.child({ fn: 'dispatch-worker' }),
    rate: createTokenBucket({ ratePerSecond: Infinity, clock: systemClock }),
    config,
    unsubscribeUrl: (id, nonce) => unsubscribeUrl(config, TOKEN_SECRET, id, nonce),
    configurationSet: 'broadsheet-dispatch',
    leaseMs: LEASE_MS,
    recipientConcurrency: 4,
    throttleBackoff: { attempts: 6, baseMs: 5, capMs: 50 },
    ledgerBackoff: { attempts: 4, baseMs: 5, capMs: 50 },
    recordBackoff: { attempts: 8, baseMs: 5, capMs: 50 },
    ...overrides,
  };
}

export function planDeps(world: World) {
  return { editorials: world.editorials, subscribers: world.subscribers, ledger: world.ledger, queue: world.queue, log: world.log.child({ fn: 'planner' }), clock: systemClock, shardSize: SHARD_SIZE };
}

/** Delivers the dispatch queue to `handler` until nothing is left, like the worker's event source mapping. */
export async function drainQueue(world: World, handler: (event: SqsEvent) => Promise<BatchResponse>): Promise<void> {
  const poller = startSqsPoller({
    queue: world.queue,
    handler,
    batchSize: 1,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    concurrency: 3,
    log: world.log.child({ fn: 'sqs-poller' }),
  });
  try {
    await poller.drain();
  } finally {
    await poller.stop();
  }
}

export const workerHandler = (deps: WorkerDeps) => (event: SqsEvent) => processShards(deps, queueRecords(event));

export const mailTo = (mail: SentEmail[]) => {
  const counts = new Map<string, number>();
  for (const m of mail) for (const to of m.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

export function header(mail: SentEmail, name: string): string | undefined {
  return mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/**
 * Every subscriber the dispatch must reach has exactly one email, nobody else has any, each carries its own
 * unsubscribe URL (a token that is this subscriber's and holds no address) and the one-click header, and the ledger
 * says 'sent' for each.
 */
export async function expectExactlyOnce(world: World, request: DispatchRequest): Promise<SentEmail[]> {
  const mail = await world.emulators.sentMail();
  const expected = expectedRecipients(world, request.topics);
  const counts = mailTo(mail);
  const wrong = expected.filter((s) => counts.get(s.email) !== 1).map((s) => `${s.email}: ${counts.get(s.email) ?? 0}`);
  expect(wrong, 'subscribers without exactly one email').toEqual([]);
  expect(mail.length).toBe(expected.length);

  const byEmail = new Map(expected.map((s) => [s.email, s]));
  const urls = new Set<string>();
  for (const m of mail) {
    const subscriber = byEmail.get(m.destination.to[0]!)!;
    const listUnsubscribe = header(m, 'List-Unsubscribe') ?? '';
    const url = /<(https:[^>]+)>/.exec(listUnsubscribe)?.[1] ?? '';
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(token).toBe(signUnsubscribeToken(TOKEN_SECRET, subscriber.id));
    expect(token).not.toContain(subscriber.email);
    expect(token).not.toContain(subscriber.email.split('@')[0]);
    expect(header(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(m.body.text).toContain(url);
    expect(m.body.html).toContain(url);
    urls.add(url);
  }
  expect(urls.size).toBe(expected.length);

  await expectLedgerComplete(world, request);
  return mail;
}

/** The ledger says 'sent' for every subscriber the dispatch must reach. */
export async function expectLedgerComplete(world: World, request: DispatchRequest): Promise<void> {
  const expected = expectedRecipients(world, request.topics);
  const items = await world.ledger.getMany(expected.map((s) => sendKey(request.dispatchId, s.id)));
  const status = new Map(items.map((item) => [item.sk, item.status]));
  expect(expected.filter((s) => status.get(s.id) !== 'sent').map((s) => s.id)).toEqual([]);
}

/** Every log line is one JSON object, and no line holds an address (any address at all, seeded ones included). */
export function expectCleanLogs(world: World): unknown[] {
  const parsed = world.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const all = world.logs.join('\n');
  expect(all).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+/);
  for (const s of world.seeded) expect(all.includes(s.email.split('@')[0]!)).toBe(false);
  return parsed;
}

export const planOnce = (world: World, request: DispatchRequest) => planDispatch(planDeps(world), request);

/** A small seeded generator (mulberry32), so a fault pattern is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
