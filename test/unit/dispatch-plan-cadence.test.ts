// The editorial planner and the reader's cadence: a reader on a digest at the editorial's public time is left to the
// digest; one who chose a digest after it still gets the editorial on its own (src/cadence.ts).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import type { Item, Queue } from '../../src/ports.ts';
import { planDispatch, publicTimeOf, wantsEditorial } from '../../src/pipeline/dispatch/plan.ts';
import { parseShard } from '../../src/pipeline/dispatch/shard-message.ts';
import { subscriberId as idOf } from '../../src/subscribers/tokens.ts';
import { MemoryStore } from '../helpers/memory-store.ts';
import { MemoryTable } from '../helpers/memory-table.ts';

const PUBLIC_AT = '2026-06-10T09:00:00.000Z';
const publicAt = new Date(PUBLIC_AT);
const subscriberId = (email: string) => idOf('plan-cadence-secret-0123456789-abcdefghij', email);

const reader = (email: string, cadence: Partial<Item> = {}): Item => ({
  id: subscriberId(email),
  email,
  status: 'confirmed',
  topics: [],
  ...cadence,
});

describe('whether a reader gets an editorial on its own', () => {
  const none = new Set<string>();

  it('is yes for a reader on every editorial, and for a record from before cadences', () => {
    expect(wantsEditorial(reader('each@example.org', { cadence: 'each' }), none, publicAt)).toBe(true);
    expect(wantsEditorial(reader('old@example.org'), none, publicAt)).toBe(true);
  });

  it('is no for a reader on a daily or weekly digest: the digest brings it', () => {
    expect(wantsEditorial(reader('daily@example.org', { cadence: 'daily' }), none, publicAt)).toBe(false);
    expect(wantsEditorial(reader('weekly@example.org', { cadence: 'weekly' }), none, publicAt)).toBe(false);
  });

  it('follows the cadence the reader had when the editorial became public', () => {
    const switchedLater = reader('later@example.org', {
      cadence: 'daily',
      previousCadence: 'each',
      cadenceChangedAt: '2026-06-10T09:00:01.000Z',
    });
    const switchedBefore = { ...switchedLater, cadenceChangedAt: '2026-06-10T08:59:59.000Z' };
    const backToEach = { ...switchedLater, cadence: 'each', previousCadence: 'weekly' };
    expect(wantsEditorial(switchedLater, none, publicAt)).toBe(true);
    expect(wantsEditorial(switchedBefore, none, publicAt)).toBe(false);
    expect(wantsEditorial(backToEach, none, publicAt)).toBe(false);
    expect(wantsEditorial(backToEach, none, new Date('2026-06-11T00:00:00Z'))).toBe(true);
  });

  it('takes the request’s public time, or the plan’s for a request queued without one', () => {
    const plan = new Date('2026-06-12T00:00:00Z');
    expect(publicTimeOf({ publicAt: PUBLIC_AT }, plan)).toEqual(publicAt);
    expect(publicTimeOf({}, plan)).toEqual(plan);
    expect(publicTimeOf({ publicAt: 'not a time' }, plan)).toEqual(plan);
  });
});

/** The planner's ports in memory, a stored template, and every queued shard's recipients. */
async function planWith(readers: Item[], request: { publicAt?: string }) {
  const subscribers = new MemoryTable({ partitionKey: 'id' });
  await subscribers.putMany(readers);
  const editorials = new MemoryStore();
  const dispatchId = '2026-06-10-harbour';
  const templateKey = `rendered/${dispatchId}/${dispatchId}/email.json`;
  const template = {
    subject: 'Harbour talks',
    html: '<p>Harbour talks</p><a href="{{unsubscribe}}">Unsubscribe</a>',
    text: 'Harbour talks\n{{unsubscribe}}',
    placeholder: '{{unsubscribe}}',
    from: 'Monexus <desk@monexus.example>',
    pageUrl: `https://monexus.example/editorials/${dispatchId}/`,
    slug: dispatchId,
    dispatchId,
  };
  await editorials.put(templateKey, JSON.stringify(template), { contentType: 'application/json' });
  const bodies: string[] = [];
  const queue: Queue = {
    sendBatch: async (batch) => void bodies.push(...batch),
    receive: async () => [],
    delete: async () => {},
  };
  const result = await planDispatch(
    {
      editorials,
      subscribers,
      ledger: new MemoryTable(),
      queue,
      log: createLogger({}, () => {}),
      clock: { now: () => new Date('2026-06-10T09:00:05Z'), sleep: async () => {} },
      shardSize: 2,
    },
    { dispatchId, slug: dispatchId, templateKey, topics: [], ...request },
  );
  return { result, queued: bodies.flatMap((body) => parseShard(body).recipients.map((r) => r.id)) };
}

describe('a planned dispatch', () => {
  const readers = [
    reader('each@example.org', { cadence: 'each' }),
    reader('old@example.org'),
    reader('daily@example.org', { cadence: 'daily' }),
    reader('weekly@example.org', { cadence: 'weekly', topics: ['harbours'] }),
    reader('switched-after@example.org', {
      cadence: 'daily',
      previousCadence: 'each',
      cadenceChangedAt: '2026-06-10T12:00:00.000Z',
    }),
    reader('switched-before@example.org', {
      cadence: 'weekly',
      previousCadence: 'each',
      cadenceChangedAt: '2026-06-10T06:00:00.000Z',
    }),
  ];

  it('queues no reader on a digest, but one who switched to daily after the editorial became public', async () => {
    const { result, queued } = await planWith(readers, { publicAt: PUBLIC_AT });
    expect(queued.sort()).toEqual(
      ['each@example.org', 'old@example.org', 'switched-after@example.org'].map(subscriberId).sort(),
    );
    expect(result).toMatchObject({ status: 'planned', recipients: 3 });
  });

  it('decides a request queued without a public time as of the plan', async () => {
    const { queued } = await planWith(readers, {});
    expect(queued).toContain(subscriberId('switched-after@example.org'));
    expect(queued).not.toContain(subscriberId('switched-before@example.org'));
    expect(queued).not.toContain(subscriberId('daily@example.org'));
  });
});
