import { describe, expect, it } from 'vitest';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { decodeS3EventKey, type S3NotificationEvent } from '../src/adapters/s3-event.ts';
import type { ObjectStore } from '../src/ports.ts';
import { decodeIndexEntry, publishObject, type DispatchRequest, type ObjectEvent, type PublishDeps } from '../src/pipeline/publish/index.ts';
import { useEmulators } from './helpers/emulators.ts';
import { feedLinks, markdown, newStage, pageUrl, samples, type Stage } from './publish-harness.ts';

const emulators = useEmulators();

const sorted = (values: readonly string[]) => [...values].sort();

function objectEvents(event: S3NotificationEvent, bucket: string): ObjectEvent[] {
  return event.Records.filter((r) => r.s3.bucket.name === bucket && r.s3.object.key.startsWith('approved/')).map((r) => ({
    kind: r.eventName.startsWith('ObjectRemoved') ? 'removed' : 'created',
    key: decodeS3EventKey(r.s3.object.key),
  }));
}

/** Every request for one dispatch id is the same request: the dispatch ledger can merge them into one send. */
function plannedSends(planned: readonly DispatchRequest[]): Map<string, DispatchRequest> {
  const sends = new Map<string, DispatchRequest>();
  for (const request of planned) {
    const first = sends.get(request.dispatchId);
    if (first) expect(request).toEqual(first);
    else sends.set(request.dispatchId, request);
  }
  return sends;
}

async function expectEveryFeed(stage: Stage, slugs: readonly string[]): Promise<void> {
  const feeds = await stage.feeds();
  const expected = sorted(slugs.map(pageUrl));
  expect(feeds.rss.bozo_exception).toBeNull();
  expect(feeds.atom.bozo_exception).toBeNull();
  expect(feeds.jsonErrors).toEqual([]);
  const links = feedLinks(feeds);
  expect({ rss: sorted(links.rss), atom: sorted(links.atom), json: sorted(links.json) }).toEqual({ rss: expected, atom: expected, json: expected });
}

const editorial = (title: string, published: string, extra: Record<string, string> = {}) =>
  markdown({ title: `"${title}"`, published, ...extra });

describe('every S3 event delivered three times', () => {
  it('at once, through the S3 event relay: one index entry each, each feed item once, one dispatch id per send', async () => {
    const stage = await newStage(emulators.s3);
    const stop = emulators.onObjectEvent(async (event) => {
      for (const objectEvent of objectEvents(event, stage.buckets.editorials)) {
        await Promise.all([1, 2, 3].map(() => publishObject(stage.deps, objectEvent)));
      }
    });
    const grid = '2026-06-03-energy-grid';
    try {
      for (const sample of samples()) await stage.upload(sample.name, sample.bytes);
      await emulators.objectEventsSettled();
      await stage.upload(
        'energy-grid-correction.md',
        markdown({ title: '"Europe\'s grid, corrected"', slug: grid, published: '2026-06-03T06:00:00Z', updated: '2026-06-04T08:00:00Z', resend: 'true' }),
      );
      await emulators.objectEventsSettled();
      await emulators.s3.send(new DeleteObjectCommand({ Bucket: stage.buckets.editorials, Key: 'approved/2026-06-05-sahel-ceasefire.md' }));
      await emulators.objectEventsSettled();
    } finally {
      stop();
    }

    expect(await stage.keys(stage.editorials, 'index/')).toEqual([
      'index/2026-06-02-grain-corridor.json',
      `index/${grid}.json`,
      'index/2026-06-05-sahel-ceasefire.json',
    ]);
    await expectEveryFeed(stage, ['2026-06-02-grain-corridor', grid]);
    const feeds = await stage.feeds();
    expect(feeds.atom.entries.find((e) => e.link === pageUrl(grid))?.title).toBe("Europe's grid, corrected");
    // The Arabic sample's notice is in Arabic.
    expect(await stage.text(stage.site, 'editorials/2026-06-05-sahel-ceasefire/index.html')).toContain('سحبت Monexus هذه الافتتاحية');

    const sends = plannedSends(stage.planned);
    const resendId = `${grid}~${Date.parse('2026-06-04T08:00:00Z') / 1000}`;
    expect(sorted([...sends.keys()])).toEqual(sorted(['2026-06-02-grain-corridor', grid, '2026-06-05-sahel-ceasefire', resendId]));
    expect(stage.planned.length).toBeGreaterThanOrEqual(4);
    expect(sends.get(resendId)?.templateKey).toBe(`rendered/${grid}/${resendId}/email.json`);
  });

  it('late and out of order, ends where delivery in order ends', async () => {
    const stage = await newStage(emulators.s3);
    const events: ObjectEvent[] = [];
    const stop = emulators.onObjectEvent((event) => void events.push(...objectEvents(event, stage.buckets.editorials)));
    const slug = '2026-06-27-port';
    try {
      await stage.upload('2026-06-27-port.md', editorial('Port reopens', '2026-06-27T06:00:00Z'));
      await stage.upload('2026-06-27-port-fix.md', markdown({ title: 'Port reopens, corrected', slug, published: '2026-06-27T06:00:00Z', updated: '2026-06-27T09:00:00Z' }));
      await stage.upload('2026-06-27-pulled.md', editorial('Pulled', '2026-06-27T07:00:00Z'));
      await emulators.s3.send(new DeleteObjectCommand({ Bucket: stage.buckets.editorials, Key: 'approved/2026-06-27-pulled.md' }));
      await stage.upload('2026-06-27-kept.md', editorial('Kept', '2026-06-27T08:00:00Z'));
      await emulators.objectEventsSettled();
    } finally {
      stop();
    }
    expect(events).toHaveLength(5);

    const late = [...events].reverse();
    for (const event of [...late, ...late, ...late]) await publishObject(stage.deps, event);

    await expectEveryFeed(stage, [slug, '2026-06-27-kept']);
    const feeds = await stage.feeds();
    expect(feeds.atom.entries.find((e) => e.link === pageUrl(slug))?.title).toBe('Port reopens, corrected');
    expect(await stage.text(stage.site, `editorials/${slug}/index.html`)).toContain('Port reopens, corrected');
    expect(decodeIndexEntry((await stage.text(stage.editorials, `index/${slug}.json`))!).sourceKey).toBe('approved/2026-06-27-port-fix.md');
    expect(await stage.keys(stage.editorials, 'index/2026-06-27-pulled')).toEqual([]);
    expect(sorted([...plannedSends(stage.planned).keys()])).toEqual(sorted([slug, '2026-06-27-kept']));
  });
});

describe('editorials approved at the same moment', () => {
  it('two at a time, round after round: both are always in every feed', async () => {
    const stage = await newStage(emulators.s3);
    const slugs: string[] = [];
    for (let round = 0; round < 8; round++) {
      const pair = [`2026-06-${10 + round}-pair-a`, `2026-06-${10 + round}-pair-b`];
      const keys = await Promise.all(
        pair.map((slug, n) => stage.upload(`${slug}.md`, editorial(`Round ${round} ${n}`, `2026-06-${10 + round}T0${n}:00:00Z`))),
      );
      const outcomes = await Promise.all(keys.map((key) => stage.publish(key)));
      expect(outcomes.map((o) => o.outcome)).toEqual(['published', 'published']);
      slugs.push(...pair);
      await expectEveryFeed(stage, slugs);
    }
    expect(sorted(stage.planned.map((r) => r.dispatchId))).toEqual(sorted(slugs));
  });

  it('six at once: all six are in every feed', async () => {
    const stage = await newStage(emulators.s3);
    const slugs = Array.from({ length: 6 }, (_, n) => `2026-06-28-six-${n}`);
    const keys = await Promise.all(slugs.map((slug, n) => stage.upload(`${slug}.md`, editorial(`Six ${n}`, `2026-06-28T0${n}:00:00Z`))));
    await Promise.all(keys.map((key) => stage.publish(key)));
    await expectEveryFeed(stage, slugs);
  });
});

/** The store, failing the first write that `matches` with the error a network fault gives. */
function failingOnce(store: ObjectStore, matches: (key: string) => boolean): ObjectStore {
  let failed = false;
  return {
    get: (key) => store.get(key),
    delete: (key) => store.delete(key),
    list: (prefix) => store.list(prefix),
    put: async (key, body, options) => {
      if (!failed && matches(key)) {
        failed = true;
        throw new Error(`injected fault: write of ${key} failed`);
      }
      return store.put(key, body, options);
    },
  };
}

describe('a failure mid-publish', () => {
  it('a failed feed write fails the event, and its redelivery completes the feeds with a single send', async () => {
    const stage = await newStage(emulators.s3);
    const deps: PublishDeps = { ...stage.deps, site: failingOnce(stage.site, (key) => key === 'feeds/atom.xml') };
    const key = await stage.upload('2026-06-29-storm.md', editorial('Storm', '2026-06-29T06:00:00Z'));

    await expect(publishObject(deps, { kind: 'created', key })).rejects.toThrow(/injected fault/);
    expect(stage.planned).toEqual([]);
    await publishObject(deps, { kind: 'created', key });

    await expectEveryFeed(stage, ['2026-06-29-storm']);
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(['2026-06-29-storm']);
  });

  it('a failed dispatch plan fails the event, and the redelivery plans the same dispatch id, then no more', async () => {
    const stage = await newStage(emulators.s3);
    const calls: DispatchRequest[] = [];
    const deps: PublishDeps = {
      ...stage.deps,
      planDispatch: async (request) => {
        calls.push(request);
        if (calls.length === 1) throw new Error('injected fault: ledger unavailable');
      },
    };
    const key = await stage.upload('2026-06-30-tide.md', editorial('Tide', '2026-06-30T06:00:00Z'));

    await expect(publishObject(deps, { kind: 'created', key })).rejects.toThrow(/ledger unavailable/);
    const entry = decodeIndexEntry((await stage.text(stage.editorials, 'index/2026-06-30-tide.json'))!);
    expect(entry.dispatchedAt).toBeUndefined();
    await publishObject(deps, { kind: 'created', key });
    await publishObject(deps, { kind: 'created', key });

    expect(calls.map((r) => r.dispatchId)).toEqual(['2026-06-30-tide', '2026-06-30-tide']);
    expect(calls[1]).toEqual(calls[0]);
    await expectEveryFeed(stage, ['2026-06-30-tide']);
  });

  it('an unreadable index entry of another editorial is never read: the feeds carry every other editorial', async () => {
    const stage = await newStage(emulators.s3);
    await stage.editorials.put('index/broken.json', '{"title": "half a', { contentType: 'application/json' });
    const key = await stage.upload('2026-07-01-calm.md', editorial('Calm', '2026-07-01T06:00:00Z'));

    expect((await stage.publish(key)).outcome).toBe('published');

    await expectEveryFeed(stage, ['2026-07-01-calm']);
    // A publish reads its own editorial's entry and the catalogue, never the rest of the index.
    expect(stage.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
