import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSubHub } from '../src/adapters/websub-hub.ts';
import { configFrom, type Config } from '../src/config.ts';
import { rebuildCatalogue } from '../src/pipeline/publish/catalogue-rebuild.ts';
import { entryId } from '../src/render/feeds/index.ts';
import type { Clock } from '../src/ports.ts';
import { useEmulators } from './helpers/emulators.ts';
import { sitemapLocations, walkFeed, walkPages, type Read } from './helpers/site-walk.ts';
import { markdown, newStage, pageUrl, type Stage } from './publish-harness.ts';

const emulators = useEmulators();
const LIMIT = 3;
const config = (extra: Record<string, unknown> = {}): Config => configFrom({ feeds: { limit: LIMIT }, ...extra }, 'test');
const base = config();
const site = (path: string) => `${base.publication.siteUrl}/${path}`;

/** Reads public URLs from the site bucket, as the CDN in front of it serves them. */
function bucketReader(stage: Stage): Read {
  return async (url) => {
    const path = url.slice(base.publication.siteUrl.length + 1).split('/').map(decodeURIComponent).join('/');
    return stage.text(stage.site, path === '' || path.endsWith('/') ? `${path}index.html` : path);
  };
}

const editorial = (n: number, topics: string[] = ['economy'], extra: Record<string, string> = {}) =>
  markdown({
    title: `"Editorial ${n}"`,
    slug: `2026-06-${String(n).padStart(2, '0')}-e`,
    published: `2026-06-${String(n).padStart(2, '0')}T06:00:00Z`,
    topics: `[${topics.join(', ')}]`,
    ...extra,
  });
const slugOf = (n: number) => `2026-06-${String(n).padStart(2, '0')}-e`;

async function publishAll(stage: Stage, numbers: number[], topics?: string[]): Promise<void> {
  for (const n of numbers) expect((await stage.publish(await stage.upload(`${slugOf(n)}.md`, editorial(n, topics)))).outcome).toBe('published');
}

/** The entry ids reachable from each subscription document of a scope, checked to be the same in all three formats. */
async function reachable(stage: Stage, prefix = ''): Promise<string[]> {
  const read = bucketReader(stage);
  const [rss, atom, json] = await Promise.all(['rss.xml', 'atom.xml', 'feed.json'].map((f) => walkFeed(read, site(`${prefix}feeds/${f}`))));
  const ids = atom!.flatMap((d) => d.ids);
  expect(rss!.flatMap((d) => d.ids)).toEqual(ids);
  expect(json!.flatMap((d) => d.ids)).toEqual(ids);
  expect(ids.length).toBe(new Set(ids).size);
  return ids;
}

const ids = (numbers: number[]) => numbers.map((n) => entryId(base, slugOf(n)));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the catalogue on the publish stage', () => {
  it('keeps the newest editorials in each feed and every older one in archives, reachable exactly once', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, range(1, 11));
    expect(await reachable(stage)).toEqual(ids(range(1, 11).reverse()));
    const read = bucketReader(stage);
    const documents = await walkFeed(read, site('feeds/atom.xml'));
    expect(documents.map((d) => d.ids.length)).toEqual([3, 2, 3, 3]);
    const pages = await walkPages(read, site(''));
    expect(pages.flatMap((p) => p.editorials)).toEqual(range(1, 11).reverse().map((n) => pageUrl(slugOf(n))));
    expect(await reachable(stage, 'topics/economy/')).toEqual(ids(range(1, 11).reverse()));
    const locations = await sitemapLocations(read, site('sitemap.xml'));
    for (const n of range(1, 11)) expect(locations).toContain(pageUrl(slugOf(n)));
    for (const page of [...pages, ...(await walkPages(read, site('topics/economy/')))]) expect(locations).toContain(page.url);
    expect(locations.length).toBe(new Set(locations).size);
  });

  it('admits editorials approved at the same moment into every feed, archive and topic', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, [1, 2]);
    const keys = await Promise.all(range(3, 10).map((n) => stage.upload(`${slugOf(n)}.md`, editorial(n, n % 2 ? ['economy'] : ['economy', 'ports']))));
    const outcomes = await Promise.all(keys.map((key) => stage.publish(key)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(8).fill('published'));
    expect([...(await reachable(stage))].sort()).toEqual(ids(range(1, 10)).sort());
    expect([...(await reachable(stage, 'topics/economy/'))].sort()).toEqual(ids(range(1, 10)).sort());
    expect([...(await reachable(stage, 'topics/ports/'))].sort()).toEqual(ids([4, 6, 8, 10]).sort());
  }, 60_000);

  it('corrects an archived editorial in its page, takes it out of everything on withdrawal, and puts it back in place', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, range(1, 9));
    const firstPage = 'feeds/archive/1/atom.xml';
    const before = await stage.text(stage.site, firstPage);
    stage.clock.set(new Date('2026-07-02T00:00:00Z'));
    const key = await stage.upload(`${slugOf(2)}.md`, editorial(2, ['economy'], { title: '"Editorial 2, corrected"', updated: '2026-07-02T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('corrected');
    const corrected = await stage.text(stage.site, firstPage);
    expect(corrected).toContain('Editorial 2, corrected');
    expect(corrected).not.toBe(before);
    expect(await reachable(stage)).toEqual(ids(range(1, 9).reverse()));

    expect((await stage.publish(key, 'removed')).outcome).toBe('ignored');
    await stage.editorials.delete(key);
    expect((await stage.publish(key, 'removed')).outcome).toBe('withdrawn');
    expect(await reachable(stage)).toEqual(ids([9, 8, 7, 6, 5, 4, 3, 1]));
    expect(await stage.text(stage.site, firstPage)).not.toContain('Editorial 2');
    expect(await sitemapLocations(bucketReader(stage), site('sitemap.xml'))).not.toContain(pageUrl(slugOf(2)));

    await stage.upload(`${slugOf(2)}.md`, editorial(2, ['economy'], { title: '"Editorial 2, back"', updated: '2026-07-03T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('corrected');
    expect(await reachable(stage)).toEqual(ids(range(1, 9).reverse()));
  }, 60_000);

  it('moves an editorial between topic feeds when a correction changes its topics', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, [1, 2]);
    expect(await sitemapLocations(bucketReader(stage), site('sitemap.xml'))).toContain(pageUrl(slugOf(2)));
    stage.clock.set(new Date('2026-07-02T00:00:00Z'));
    const key = await stage.upload(`${slugOf(2)}.md`, editorial(2, ['ports'], { updated: '2026-07-02T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('corrected');
    expect(await reachable(stage, 'topics/economy/')).toEqual(ids([1]));
    expect(await reachable(stage, 'topics/ports/')).toEqual(ids([2]));
  });

  it('releases an embargoed editorial from its marker alone, into the feeds and archives, and forgets the marker', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, range(1, 4));
    await stage.editorials.put('index/unreadable.json', '{"half', { contentType: 'application/json' });
    const key = await stage.upload(`${slugOf(5)}.md`, editorial(5, ['economy'], { embargo: '2026-07-03T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('published');
    expect(await stage.keys(stage.editorials, 'embargoed/')).toEqual([`embargoed/${slugOf(5)}.json`]);
    expect(await reachable(stage)).toEqual(ids([4, 3, 2, 1]));
    const { releaseEmbargoed } = await import('../src/pipeline/publish/release.ts');
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    stage.clock.set(new Date('2026-07-03T00:00:01Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual([slugOf(5)]);
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    expect(await stage.keys(stage.editorials, 'embargoed/')).toEqual([]);
    expect(await reachable(stage)).toEqual(ids([5, 4, 3, 2, 1]));
    expect(stage.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('builds the same documents again from the index with rebuildCatalogue', async () => {
    const stage = await newStage(emulators.s3, { config: base });
    await publishAll(stage, range(1, 8), ['economy']);
    const snapshot = async () => {
      const keys = (await stage.keys(stage.site, '')).filter((k) => !k.startsWith('editorials/'));
      return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await stage.text(stage.site, k)] as const)));
    };
    const before = await snapshot();
    for (const key of await stage.keys(stage.editorials, 'catalogue/')) await stage.editorials.delete(key);
    for (const key of Object.keys(before)) await stage.site.delete(key);
    const report = await rebuildCatalogue(stage.deps);
    expect(report).toMatchObject({ editorials: 8, public: 8, scopes: 2, pages: 2 });
    expect(await snapshot()).toEqual(before);
    // And the rebuilt catalogue goes on as if it had never been rebuilt.
    await publishAll(stage, [9]);
    expect(await reachable(stage)).toEqual(ids(range(1, 9).reverse()));
  }, 60_000);
});

describe('WebSub', () => {
  let hub: Server;
  let hubUrl: string;
  const pings: string[] = [];
  let failNext = 0;
  const instant: Clock = { now: () => new Date(), sleep: async () => {} };

  beforeAll(async () => {
    hub = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        const form = new URLSearchParams(body);
        if (form.get('hub.mode') === 'publish') pings.push(form.get('hub.url') ?? '');
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

  it('names the hub in every subscription document and tells it of each publish, correction and withdrawal', async () => {
    const withHub = config({ websub: { hub: hubUrl } });
    const stage = await newStage(emulators.s3, { config: withHub, hub: new WebSubHub(hubUrl, { clock: instant, allowLocal: true }) });
    failNext = 2;
    pings.length = 0;
    await publishAll(stage, [1]);
    const feeds = ['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'];
    const topicFeeds = feeds.map((f) => `topics/economy/${f}`);
    expect([...pings].sort()).toEqual([...feeds, ...topicFeeds].map(site).sort());
    const atom = (await stage.text(stage.site, 'feeds/atom.xml'))!;
    expect(atom).toContain(`<link rel="hub" href="${hubUrl}"/>`);
    expect(atom).toContain(`<link rel="self" type="application/atom+xml" href="${site('feeds/atom.xml')}"/>`);
    expect(await stage.text(stage.site, 'feeds/rss.xml')).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);
    expect(JSON.parse((await stage.text(stage.site, 'feeds/feed.json'))!).hubs).toEqual([{ type: 'WebSub', url: hubUrl }]);

    pings.length = 0;
    const key = `approved/${slugOf(1)}.md`;
    await stage.editorials.delete(key);
    expect((await stage.publish(key, 'removed')).outcome).toBe('withdrawn');
    expect([...pings].sort()).toEqual([...feeds, ...topicFeeds].map(site).sort());
  }, 60_000);

  it('publishes even when the hub cannot be told, and says so in the log', async () => {
    const deadHub = 'http://127.0.0.1:9/';
    const stage = await newStage(emulators.s3, { config: config({ websub: { hub: deadHub } }), hub: new WebSubHub(deadHub, { clock: instant }) });
    await publishAll(stage, [1]);
    expect(await reachable(stage)).toEqual(ids([1]));
    expect(stage.logs.find((l) => l.level === 'error')?.message).toMatch(/WebSub hub could not be told/);
  });
});
