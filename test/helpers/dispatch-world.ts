// What the dispatch tests share whatever runs beneath them (the emulators in test/helpers/dispatch-harness.ts, memory in
// test/helpers/memory-dispatch.ts): seeded subscribers, a real template, the worker's and planner's dependencies,
// and the checks every dispatch must pass. Nothing here starts a server.
import { expect } from 'vitest';
import { systemClock } from '../../src/adapters/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import type { KeyValueTable, Mailer, ObjectStore, Queue } from '../../src/ports.ts';
import { renderEmail } from '../../src/render/email/index.ts';
import type { DispatchRequest } from '../../src/pipeline/publish/dispatch-request.ts';
import { sendKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { createTokenBucket } from '../../src/pipeline/dispatch/token-bucket.ts';
import { signUnsubscribeToken, subscriberId as idOf, unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import type { WorkerDeps } from '../../src/pipeline/dispatch/worker.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

export const TOKEN_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const SHARD_SIZE = 50;
/** Confirmed readers seeded unless a file asks for fewer: 24 shards of 50, more than one planner batch of 10. */
export const READERS = 1200;
export const config = loadConfig();

export interface Subscriber {
  id: string;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';
  topics: string[];
}

/** A sent message as the dispatch checks read it: what SES (or the memory mailer) was asked to send. */
export interface SentMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

export const subscriberId = (email: string) => idOf(TOKEN_SECRET, email);

/** The ports one dispatch runs through, the subscribers seeded into them, and the mail that went out. */
export interface DispatchWorld {
  subscribers: KeyValueTable;
  ledger: KeyValueTable;
  queue: Queue;
  dlq: Queue;
  editorials: ObjectStore;
  mailer: Mailer;
  logs: string[];
  log: Logger;
  seeded: Subscriber[];
  /** How long the workers' shard leases last here (the production default, 10 minutes, is in shard-ledger.ts). */
  leaseMs: number;
  sentMail(): Promise<SentMail[]>;
}

/**
 * `readers` confirmed subscribers (some with topics), and 90 who must get nothing: pending, unsubscribed,
 * suppressed; and 10 confirmed whose topics are not the editorial's. Written in batches, as an import would.
 */
export async function seedSubscribers(table: KeyValueTable, readers = READERS): Promise<Subscriber[]> {
  const people: Subscriber[] = [];
  const add = (email: string, status: Subscriber['status'], topics: string[] = []) =>
    people.push({ id: subscriberId(email), email, status, topics });
  for (let n = 0; n < readers; n++) {
    const topics = n % 10 === 0 ? ['harbours'] : n % 10 === 1 ? ['markets', 'harbours'] : [];
    add(`reader.${String(n).padStart(4, '0')}@mail-${n % 7}.example.com`, 'confirmed', topics);
  }
  for (let n = 0; n < 30; n++) add(`waiting.${n}@example.org`, 'pending');
  for (let n = 0; n < 30; n++) add(`gone.${n}@example.org`, 'unsubscribed');
  for (let n = 0; n < 30; n++) add(`bounced.${n}@example.org`, 'suppressed');
  // A confirmed subscriber whose topics do not include the editorial's: gets nothing when the editorial has topics.
  for (let n = 0; n < 10; n++) add(`sports.${n}@example.net`, 'confirmed', ['sports']);
  const now = '2026-06-01T00:00:00.000Z';
  await table.putMany(
    people.map((p) => ({
      id: p.id,
      email: p.email,
      status: p.status,
      topics: p.topics,
      consentAt: now,
      consentSource: 'import:test.csv',
      updatedAt: now,
      ...(p.status === 'confirmed' && { confirmedAt: now }),
    })),
  );
  return people;
}

/** The subscribers an editorial with these topics must reach. */
export function expectedRecipients(world: Pick<DispatchWorld, 'seeded'>, topics: string[]): Subscriber[] {
  return world.seeded.filter(
    (s) =>
      s.status === 'confirmed' &&
      (topics.length === 0 || s.topics.length === 0 || s.topics.some((t) => topics.includes(t))),
  );
}

/** Renders a sample editorial once and stores it where the workers load it from; returns the dispatch request. */
export async function storeTemplate(
  world: DispatchWorld,
  dispatchId: string,
  topics: string[] = ['harbours'],
): Promise<DispatchRequest> {
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

export function workerDeps(world: DispatchWorld, overrides: Partial<WorkerDeps> = {}): WorkerDeps {
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
    leaseMs: world.leaseMs,
    recipientConcurrency: 4,
    throttleBackoff: { attempts: 6, baseMs: 5, capMs: 50 },
    ledgerBackoff: { attempts: 4, baseMs: 5, capMs: 50 },
    recordBackoff: { attempts: 8, baseMs: 5, capMs: 50 },
    ...overrides,
  };
}

export function planDeps(world: DispatchWorld) {
  return {
    editorials: world.editorials,
    subscribers: world.subscribers,
    ledger: world.ledger,
    queue: world.queue,
    log: world.log.child({ fn: 'planner' }),
    clock: systemClock,
    shardSize: SHARD_SIZE,
  };
}

export const planOnce = (world: DispatchWorld, request: DispatchRequest) => planDispatch(planDeps(world), request);

export const mailTo = (mail: SentMail[]) => {
  const counts = new Map<string, number>();
  for (const m of mail) for (const to of m.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

export function header(mail: SentMail, name: string): string | undefined {
  return mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/**
 * Every subscriber the dispatch must reach has exactly one email, nobody else has any, each carries its own
 * unsubscribe URL (a token that is this subscriber's and holds no address) and the one-click header, and the ledger
 * says 'sent' for each.
 */
export async function expectExactlyOnce<M extends SentMail>(
  world: Pick<DispatchWorld, 'seeded' | 'ledger'> & { sentMail(): Promise<M[]> },
  request: DispatchRequest,
): Promise<M[]> {
  const mail = await world.sentMail();
  const expected = expectedRecipients(world, request.topics);
  const counts = mailTo(mail);
  const wrong = expected.filter((s) => counts.get(s.email) !== 1).map((s) => `${s.email}: ${counts.get(s.email) ?? 0}`);
  expect(wrong, 'subscribers without exactly one email').toEqual([]);
  expect(mail.length).toBe(expected.length);

  const byEmail = new Map(expected.map((s) => [s.email, s]));
  const urls = new Set<string>();
  // Every message's faults, named, checked with one assertion: an assertion per message and check costs more than
  // the dispatch itself over a thousand messages.
  const faults: string[] = [];
  for (const m of mail) {
    const to = m.destination.to[0]!;
    const subscriber = byEmail.get(to)!;
    const listUnsubscribe = header(m, 'List-Unsubscribe') ?? '';
    const url = /<(https:[^>]+)>/.exec(listUnsubscribe)?.[1] ?? '';
    const token = new URL(url).searchParams.get('token') ?? '';
    if (token !== signUnsubscribeToken(TOKEN_SECRET, subscriber.id)) faults.push(`${to}: not its own token ${token}`);
    if (token.includes(subscriber.email) || token.includes(subscriber.email.split('@')[0]!))
      faults.push(`${to}: the token holds the address`);
    if (header(m, 'List-Unsubscribe-Post') !== 'List-Unsubscribe=One-Click')
      faults.push(`${to}: List-Unsubscribe-Post is ${header(m, 'List-Unsubscribe-Post')}`);
    if (!m.body.text?.includes(url)) faults.push(`${to}: the text lacks ${url}`);
    if (!m.body.html?.includes(url)) faults.push(`${to}: the HTML lacks ${url}`);
    urls.add(url);
  }
  expect(faults).toEqual([]);
  expect(urls.size).toBe(expected.length);

  await expectLedgerComplete(world, request);
  return mail;
}

/** The ledger says 'sent' for every subscriber the dispatch must reach. */
export async function expectLedgerComplete(
  world: Pick<DispatchWorld, 'seeded' | 'ledger'>,
  request: DispatchRequest,
): Promise<void> {
  const expected = expectedRecipients(world, request.topics);
  const items = await world.ledger.getMany(expected.map((s) => sendKey(request.dispatchId, s.id)));
  const status = new Map(items.map((item) => [item.sk, item.status]));
  expect(expected.filter((s) => status.get(s.id) !== 'sent').map((s) => s.id)).toEqual([]);
}

/** Every log line is one JSON object, and no line holds an address (any address at all, seeded ones included). */
export function expectCleanLogs(world: DispatchWorld): unknown[] {
  const parsed = world.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const all = world.logs.join('\n');
  expect(all).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+/);
  expect(world.seeded.map((s) => s.email.split('@')[0]!).filter((local) => all.includes(local))).toEqual([]);
  return parsed;
}

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
