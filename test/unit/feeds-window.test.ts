import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Editorial } from '../../src/model.ts';
import { FeedWindow, isPublic, newestFirst } from '../../src/render/feeds/window.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

const NOW = new Date('2026-07-01T00:00:00Z');
const day = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + days * day);

function slugsOf(window: FeedWindow): string[] {
  return window.entries().map((e) => e.slug);
}

function fill(limit: number, editorials: readonly Editorial[]): FeedWindow {
  const window = new FeedWindow(limit, NOW);
  for (const e of editorials) window.add(e);
  return window;
}

describe('FeedWindow', () => {
  it('keeps the corrected version of an editorial, whichever version arrives first', () => {
    const first = makeEditorial({ slug: 's', published: at(1), updated: at(1) });
    const corrected = makeEditorial({ slug: 's', published: at(1), updated: at(3), correction: 'Fixed.' });
    expect(fill(5, [first, corrected]).entries()).toEqual([corrected]);
    expect(fill(5, [corrected, first]).entries()).toEqual([corrected]);
  });

  it('drops an editorial withdrawn later, even when the withdrawal arrives before the original', () => {
    const original = makeEditorial({ slug: 'gone', published: at(1), updated: at(1) });
    const withdrawal = makeEditorial({ slug: 'gone', published: at(1), updated: at(2), status: 'withdrawn' });
    const other = makeEditorial({ slug: 'kept', published: at(0), updated: at(0) });
    expect(slugsOf(fill(5, [original, withdrawal, other]))).toEqual(['kept']);
    expect(slugsOf(fill(5, [withdrawal, original, other]))).toEqual(['kept']);
  });

  it('holds back an editorial under embargo until its time', () => {
    const embargoed = makeEditorial({
      slug: 'later',
      published: at(2),
      updated: at(2),
      embargo: new Date(NOW.getTime() + day),
    });
    expect(slugsOf(fill(5, [embargoed]))).toEqual([]);
    const window = new FeedWindow(5, new Date(NOW.getTime() + 2 * day));
    window.add(embargoed);
    expect(slugsOf(window)).toEqual(['later']);
  });

  it('never holds more than its limit and keeps the newest, in any arrival order', () => {
    const all = Array.from({ length: 60 }, (_, n) =>
      makeEditorial({ slug: `e-${String(n).padStart(2, '0')}`, published: at(n), updated: at(n) }),
    );
    const newest = all
      .slice(10)
      .reverse()
      .map((e) => e.slug);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: 60, maxLength: 60 }), (order) => {
        const window = fill(50, order);
        expect(slugsOf(window)).toEqual(newest);
      }),
      { numRuns: 50 },
    );
  });

  // The reference: per slug the latest version (a withdrawal wins a tie), if public; newest first; the first `limit`.
  function reference(versions: readonly Editorial[], limit: number): string[] {
    const latest = new Map<string, Editorial>();
    for (const v of versions) {
      const seen = latest.get(v.slug);
      const later =
        !seen || v.updated > seen.updated || (v.updated.getTime() === seen.updated.getTime() && !isPublic(v, NOW));
      if (later) latest.set(v.slug, v);
    }
    return [...latest.values()]
      .filter((e) => isPublic(e, NOW))
      .sort(newestFirst)
      .slice(0, limit)
      .map((e) => e.slug);
  }

  const PUBLISHED_DAY: Record<string, number> = { a: 1, b: 1, c: 2, d: 3, e: 3, f: 4 };
  const version = fc
    .record({
      slug: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      revision: fc.integer({ min: 0, max: 5 }),
      state: fc.constantFrom('published', 'published', 'withdrawn', 'embargoed'),
    })
    .map(({ slug, revision, state }) =>
      makeEditorial({
        slug,
        // Every version of a slug shares its publication date, as corrections do; some slugs share one too.
        published: at(PUBLISHED_DAY[slug]!),
        updated: at(PUBLISHED_DAY[slug]! + revision),
        status: state === 'withdrawn' ? 'withdrawn' : 'published',
        embargo: state === 'embargoed' ? new Date(NOW.getTime() + day) : undefined,
      }),
    );

  it('agrees with the whole-list reference when nothing has to be evicted', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 30 }), (versions) => {
        expect(slugsOf(fill(6, versions))).toEqual(reference(versions, 6));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the whole-list reference under eviction when nothing is withdrawn', () => {
    const published = version.filter((e) => isPublic(e, NOW));
    fc.assert(
      fc.property(fc.array(published, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (versions, limit) => {
        expect(slugsOf(fill(limit, versions))).toEqual(reference(versions, limit));
      }),
      { numRuns: 300 },
    );
  });
});
