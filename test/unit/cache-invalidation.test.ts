// A correction or withdrawal invalidates every public key it changed at the CDN, in one request; a first publication none.
import { describe, expect, it } from 'vitest';
import type { CreateInvalidationCommandInput } from '@aws-sdk/client-cloudfront';
import {
  CloudFrontInvalidator,
  FOLD_THRESHOLD,
  invalidationPaths,
  MAX_PATHS,
  type InvalidationClient,
} from '../../src/adapters/cloudfront-invalidator.ts';
import { configFrom, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { CacheInvalidator, ObjectStore } from '../../src/ports.ts';
import { publishObject, type PublishDeps } from '../../src/pipeline/publish/index.ts';
import { INVALIDATION_POLICY } from '../../src/pipeline/publish/invalidation.ts';
import { MemoryStore } from '../helpers/memory-store.ts';
import { fakeClock, markdown } from '../helpers/publish-harness.ts';

const LIMIT = 3;
const slugOf = (n: number) => `2026-06-${String(n).padStart(2, '0')}-e`;
const editorial = (n: number, extra: Record<string, string> = {}) =>
  markdown({
    title: `"Editorial ${n}"`,
    slug: slugOf(n),
    published: `2026-06-${String(n).padStart(2, '0')}T06:00:00Z`,
    topics: '[economy]',
    ...extra,
  });

/** An invalidator that remembers each call, and fails the first `failures` of them. */
class FakeInvalidator implements CacheInvalidator {
  readonly calls: string[][] = [];
  constructor(private failures = 0) {}
  async invalidate(paths: string[]): Promise<void> {
    this.calls.push([...paths]);
    if (this.failures-- > 0) throw new Error('Throttling: Rate exceeded');
  }
}

function stage(invalidator: CacheInvalidator, config: Config = configFrom({ feeds: { limit: LIMIT } }, 'test')) {
  const clock = fakeClock(new Date('2026-07-01T00:00:00Z'));
  const editorials = new MemoryStore(clock.now);
  const store = new MemoryStore(clock.now);
  // Every key written or deleted in the site bucket during the current event.
  const written = new Set<string>();
  const site: ObjectStore = {
    get: (k, o) => store.get(k, o),
    list: (p) => store.list(p),
    put: (k, b, o) => (written.add(k), store.put(k, b, o)),
    delete: (k) => (written.add(k), store.delete(k)),
  };
  const logs: Record<string, unknown>[] = [];
  const deps: PublishDeps = {
    editorials,
    site,
    config,
    clock,
    log: createLogger({}, (line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
    planDispatch: async () => {},
    stopDispatch: async () => {},
    invalidator,
  };
  const put = async (n: number, extra?: Record<string, string>) => {
    const key = `approved/${slugOf(n)}.md`;
    await editorials.put(key, editorial(n, extra), { contentType: 'text/plain; charset=utf-8' });
    return key;
  };
  const publish = async (key: string, kind: 'created' | 'removed' = 'created') => {
    written.clear();
    return publishObject(deps, { kind, key });
  };
  return { clock, editorials, site: store, written, logs, put, publish };
}

describe('the CDN invalidation of a publish', () => {
  it('invalidates nothing on first publications, and every changed public path once on a withdrawal from a complete archive page', async () => {
    const invalidator = new FakeInvalidator();
    const s = stage(invalidator);
    for (let n = 1; n <= 9; n++) expect((await s.publish(await s.put(n))).outcome).toBe('published');
    expect(invalidator.calls).toEqual([]);
    expect(s.site.text('feeds/archive/1/atom.xml')).toContain('Editorial 2');
    expect(s.site.objects.get('feeds/archive/1/atom.xml')!.cacheControl).toBe('public, max-age=300');
    expect(s.site.objects.get('archive/1/index.html')!.cacheControl).toBe('public, max-age=300');

    const key = `approved/${slugOf(2)}.md`;
    await s.editorials.delete(key);
    expect((await s.publish(key, 'removed')).outcome).toBe('withdrawn');
    expect(s.site.text('feeds/archive/1/atom.xml')).not.toContain('Editorial 2');
    expect(invalidator.calls).toHaveLength(1);
    const [paths] = invalidator.calls as [string[]];
    // Partner documents are never cached by the CDN, and their secret paths stay out of its records.
    expect(paths).toEqual([...s.written].filter((k) => !k.startsWith('partners/')).sort());
    expect([...s.written].some((k) => k.startsWith('partners/'))).toBe(true);
    expect(paths).toEqual(
      expect.arrayContaining([
        `editorials/${slugOf(2)}/index.html`,
        `editorials/${slugOf(2)}/ninjs.json`,
        'feeds/archive/1/atom.xml',
        'feeds/archive/1/rss.xml',
        'feeds/archive/1/feed.json',
        'archive/1/index.html',
        'topics/economy/feeds/archive/1/atom.xml',
        'topics/economy/archive/1/index.html',
        'sitemaps/archive-1.xml',
      ]),
    );
  });

  it('invalidates after a correction, not after a repeated first publication', async () => {
    const invalidator = new FakeInvalidator();
    const s = stage(invalidator);
    const key = await s.put(1);
    expect((await s.publish(key)).outcome).toBe('published');
    expect((await s.publish(key)).outcome).toBe('duplicate');
    expect(invalidator.calls).toEqual([]);
    s.clock.set(new Date('2026-07-02T00:00:00Z'));
    await s.put(1, { title: '"Editorial 1, corrected"', updated: '2026-07-02T00:00:00Z' });
    expect((await s.publish(key)).outcome).toBe('corrected');
    expect(invalidator.calls).toHaveLength(1);
    expect(invalidator.calls[0]).toEqual(
      expect.arrayContaining([`editorials/${slugOf(1)}/index.html`, 'feeds/atom.xml', 'index.html']),
    );
    // A repeated delivery of the correction invalidates again: the first may have stopped before it did.
    expect((await s.publish(key)).outcome).toBe('duplicate');
    expect(invalidator.calls).toHaveLength(2);
  });

  it('retries a failed invalidation, then logs what stays cached without failing the withdrawal', async () => {
    const flaky = new FakeInvalidator(1);
    const s = stage(flaky);
    const key = await s.put(1);
    await s.publish(key);
    await s.editorials.delete(key);
    expect((await s.publish(key, 'removed')).outcome).toBe('withdrawn');
    expect(flaky.calls).toHaveLength(2);
    expect(flaky.calls[1]).toEqual(flaky.calls[0]);

    const down = new FakeInvalidator(Infinity);
    const t = stage(down);
    const other = await t.put(1);
    await t.publish(other);
    await t.editorials.delete(other);
    expect((await t.publish(other, 'removed')).outcome).toBe('withdrawn');
    expect(down.calls).toHaveLength(INVALIDATION_POLICY.attempts);
    const failed = t.logs.find((l) => String(l.msg ?? l.message).includes('could not be told'));
    expect(failed).toBeDefined();
    expect(failed!.paths).toEqual(expect.arrayContaining([`editorials/${slugOf(1)}/index.html`]));
    expect(t.site.text(`editorials/${slugOf(1)}/index.html`)).toBeDefined();
  });
});

describe('the CloudFront invalidator', () => {
  const client = () => {
    const sent: { input: CreateInvalidationCommandInput }[] = [];
    const fake: InvalidationClient = { send: async (command) => void sent.push(command) };
    return { sent, fake };
  };

  it('sends one CreateInvalidation per call, URL-encoded paths, a new CallerReference each time', async () => {
    const { sent, fake } = client();
    const cdn = new CloudFrontInvalidator(fake, 'E2EXAMPLE');
    await cdn.invalidate([
      'editorials/2026-06-02-e/index.html',
      'topics/україна/feeds/atom.xml',
      'feeds/rss.xml',
      'feeds/rss.xml',
      'a b/c*(1).xml',
    ]);
    await cdn.invalidate(['index.html']);
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map((c) => c.input);
    expect(first!.DistributionId).toBe('E2EXAMPLE');
    expect(first!.InvalidationBatch!.Paths).toEqual({
      Quantity: 4,
      Items: [
        '/a%20b/c%2A%281%29.xml',
        '/editorials/2026-06-02-e/index.html',
        '/feeds/rss.xml',
        '/topics/%D1%83%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0/feeds/atom.xml',
      ],
    });
    expect(second!.InvalidationBatch!.Paths).toEqual({ Quantity: 1, Items: ['/index.html'] });
    expect(first!.InvalidationBatch!.CallerReference).toBeTruthy();
    expect(first!.InvalidationBatch!.CallerReference).not.toBe(second!.InvalidationBatch!.CallerReference);
  });

  it('sends nothing for no paths', async () => {
    const { sent, fake } = client();
    await new CloudFrontInvalidator(fake, 'E2EXAMPLE').invalidate([]);
    expect(sent).toEqual([]);
  });

  it('folds more than the threshold of paths under one folder into its wildcard, level by level', () => {
    const many = Array.from({ length: FOLD_THRESHOLD + 1 }, (_, i) => `editorials/e-${i}/index.html`);
    expect(invalidationPaths([...many.slice(0, FOLD_THRESHOLD), 'feeds/atom.xml'])).toHaveLength(FOLD_THRESHOLD + 1);
    // 16 folders under editorials/, each with one file: editorials/* alone covers them.
    expect(invalidationPaths([...many, 'feeds/atom.xml'])).toEqual(['/editorials/*', '/feeds/atom.xml']);
    const files = Array.from({ length: FOLD_THRESHOLD + 1 }, (_, i) => `sitemaps/archive-${i}.xml`);
    expect(invalidationPaths([...files, 'sitemaps/current.xml', 'robots.txt'])).toEqual(['/robots.txt', '/sitemaps/*']);
    const deep = Array.from({ length: FOLD_THRESHOLD + 1 }, (_, i) => `topics/economy/feeds/archive/${i}/atom.xml`);
    expect(invalidationPaths([...deep, 'topics/ports/feeds/atom.xml'])).toEqual([
      '/topics/economy/feeds/archive/*',
      '/topics/ports/feeds/atom.xml',
    ]);
    // The root is never folded: files side by side at the top stay single paths, up to MAX_PATHS.
    const top = Array.from({ length: FOLD_THRESHOLD + 1 }, (_, i) => `f${i}.xml`);
    expect(invalidationPaths(top)).toHaveLength(FOLD_THRESHOLD + 1);
    expect(invalidationPaths(Array.from({ length: MAX_PATHS + 1 }, (_, i) => `f${i}.xml`))).toEqual(['/*']);
  });
});
