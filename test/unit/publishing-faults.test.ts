// Editorials approved at the same moment, and a publish that fails half way: every feed ends complete, and each
// email is planned once.
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../src/ports.ts';
import {
  decodeIndexEntry,
  expectEveryFeed,
  markdown,
  memoryStage,
  publishObject,
  sorted,
  type DispatchRequest,
  type PublishDeps,
} from '../helpers/publish-harness.ts';

const editorial = (title: string, published: string, extra: Record<string, string> = {}) =>
  markdown({ title: `"${title}"`, published, ...extra });

describe('editorials approved at the same moment', () => {
  it('two at a time, round after round: both are always in every feed', async () => {
    const stage = await memoryStage();
    const slugs: string[] = [];
    for (let round = 0; round < 8; round++) {
      const pair = [`2026-06-${10 + round}-pair-a`, `2026-06-${10 + round}-pair-b`];
      const keys = await Promise.all(
        pair.map((slug, n) =>
          stage.upload(`${slug}.md`, editorial(`Round ${round} ${n}`, `2026-06-${10 + round}T0${n}:00:00Z`)),
        ),
      );
      const outcomes = await Promise.all(keys.map((key) => stage.publish(key)));
      expect(outcomes.map((o) => o.outcome)).toEqual(['published', 'published']);
      slugs.push(...pair);
      await expectEveryFeed(stage, slugs);
    }
    expect(sorted(stage.planned.map((r) => r.dispatchId))).toEqual(sorted(slugs));
  });

  it('six at once: all six are in every feed', async () => {
    const stage = await memoryStage();
    const slugs = Array.from({ length: 6 }, (_, n) => `2026-06-28-six-${n}`);
    const keys = await Promise.all(
      slugs.map((slug, n) => stage.upload(`${slug}.md`, editorial(`Six ${n}`, `2026-06-28T0${n}:00:00Z`))),
    );
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
    const stage = await memoryStage();
    const deps: PublishDeps = { ...stage.deps, site: failingOnce(stage.site, (key) => key === 'feeds/atom.xml') };
    const key = await stage.upload('2026-06-29-storm.md', editorial('Storm', '2026-06-29T06:00:00Z'));

    await expect(publishObject(deps, { kind: 'created', key })).rejects.toThrow(/injected fault/);
    expect(stage.planned).toEqual([]);
    await publishObject(deps, { kind: 'created', key });

    await expectEveryFeed(stage, ['2026-06-29-storm']);
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(['2026-06-29-storm']);
  });

  it('a failed dispatch plan fails the event, and the redelivery plans the same dispatch id, then no more', async () => {
    const stage = await memoryStage();
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
    const stage = await memoryStage();
    await stage.editorials.put('index/broken.json', '{"title": "half a', { contentType: 'application/json' });
    const key = await stage.upload('2026-07-01-calm.md', editorial('Calm', '2026-07-01T06:00:00Z'));

    expect((await stage.publish(key)).outcome).toBe('published');

    await expectEveryFeed(stage, ['2026-07-01-calm']);
    // A publish reads its own editorial's entry and the catalogue, never the rest of the index.
    expect(stage.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
