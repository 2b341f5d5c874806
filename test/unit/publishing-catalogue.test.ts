// The catalogue (feeds, archives, topic feeds, sitemaps) as the publish stage keeps it, over stores in memory.
import { describe, expect, it } from 'vitest';
import {
  base,
  bucketReader,
  catalogueConfig,
  editorial,
  ids,
  publishAll,
  range,
  reachable,
  site,
  slugOf,
} from '../helpers/catalogue-stage.ts';
import { sitemapLocations, walkFeed, walkPages } from '../helpers/site-walk.ts';
import { memoryStage, pageUrl, rebuildCatalogue, releaseEmbargoed } from '../helpers/publish-harness.ts';

describe('the catalogue on the publish stage', () => {
  it('keeps the newest editorials in each feed and every older one in archives, reachable exactly once', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, range(1, 11));
    expect(await reachable(stage)).toEqual(ids(range(1, 11).reverse()));
    const read = bucketReader(stage);
    const documents = await walkFeed(read, site('feeds/atom.xml'));
    expect(documents.map((d) => d.ids.length)).toEqual([3, 2, 3, 3]);
    const pages = await walkPages(read, site(''));
    expect(pages.flatMap((p) => p.editorials)).toEqual(
      range(1, 11)
        .reverse()
        .map((n) => pageUrl(slugOf(n))),
    );
    expect(await reachable(stage, 'topics/economy/')).toEqual(ids(range(1, 11).reverse()));
    const locations = await sitemapLocations(read, site('sitemap.xml'));
    for (const n of range(1, 11)) expect(locations).toContain(pageUrl(slugOf(n)));
    for (const page of [...pages, ...(await walkPages(read, site('topics/economy/')))])
      expect(locations).toContain(page.url);
    expect(locations.length).toBe(new Set(locations).size);
  });

  it('admits editorials approved at the same moment into every feed, archive and topic', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, [1, 2]);
    const keys = await Promise.all(
      range(3, 10).map((n) =>
        stage.upload(`${slugOf(n)}.md`, editorial(n, n % 2 ? ['economy'] : ['economy', 'ports'])),
      ),
    );
    const outcomes = await Promise.all(keys.map((key) => stage.publish(key)));
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(8).fill('published'));
    expect([...(await reachable(stage))].sort()).toEqual(ids(range(1, 10)).sort());
    expect([...(await reachable(stage, 'topics/economy/'))].sort()).toEqual(ids(range(1, 10)).sort());
    expect([...(await reachable(stage, 'topics/ports/'))].sort()).toEqual(ids([4, 6, 8, 10]).sort());
  }, 60_000);

  it('corrects an archived editorial in its page, takes it out of everything on withdrawal, and puts it back in place', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, range(1, 9));
    const firstPage = 'feeds/archive/1/atom.xml';
    const before = await stage.text(stage.site, firstPage);
    stage.clock.set(new Date('2026-07-02T00:00:00Z'));
    const key = await stage.upload(
      `${slugOf(2)}.md`,
      editorial(2, ['economy'], { title: '"Editorial 2, corrected"', updated: '2026-07-02T00:00:00Z' }),
    );
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

    await stage.upload(
      `${slugOf(2)}.md`,
      editorial(2, ['economy'], { title: '"Editorial 2, back"', updated: '2026-07-03T00:00:00Z' }),
    );
    expect((await stage.publish(key)).outcome).toBe('corrected');
    expect(await reachable(stage)).toEqual(ids(range(1, 9).reverse()));
  }, 60_000);

  it('moves an editorial between topic feeds when a correction changes its topics', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, [1, 2]);
    expect(await sitemapLocations(bucketReader(stage), site('sitemap.xml'))).toContain(pageUrl(slugOf(2)));
    stage.clock.set(new Date('2026-07-02T00:00:00Z'));
    const key = await stage.upload(`${slugOf(2)}.md`, editorial(2, ['ports'], { updated: '2026-07-02T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('corrected');
    expect(await reachable(stage, 'topics/economy/')).toEqual(ids([1]));
    expect(await reachable(stage, 'topics/ports/')).toEqual(ids([2]));
  });

  it('releases an embargoed editorial from its marker alone, into the feeds and archives, and forgets the marker', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, range(1, 4));
    await stage.editorials.put('index/unreadable.json', '{"half', { contentType: 'application/json' });
    const key = await stage.upload(`${slugOf(5)}.md`, editorial(5, ['economy'], { embargo: '2026-07-03T00:00:00Z' }));
    expect((await stage.publish(key)).outcome).toBe('published');
    expect(await stage.keys(stage.editorials, 'embargoed/')).toEqual([`embargoed/${slugOf(5)}.json`]);
    expect(await reachable(stage)).toEqual(ids([4, 3, 2, 1]));
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    stage.clock.set(new Date('2026-07-03T00:00:01Z'));
    expect(await releaseEmbargoed(stage.deps)).toEqual([slugOf(5)]);
    expect(await releaseEmbargoed(stage.deps)).toEqual([]);
    expect(await stage.keys(stage.editorials, 'embargoed/')).toEqual([]);
    expect(await reachable(stage)).toEqual(ids([5, 4, 3, 2, 1]));
    expect(stage.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('builds the same documents again from the index with rebuildCatalogue', async () => {
    const stage = await memoryStage({ config: base });
    await publishAll(stage, range(1, 8), ['economy']);
    const snapshot = async () => {
      const keys = (await stage.keys(stage.site, '')).filter((k) => !k.startsWith('editorials/'));
      return Object.fromEntries(
        await Promise.all(keys.map(async (k) => [k, await stage.text(stage.site, k)] as const)),
      );
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

  it("builds each partner's feeds again, the same to the byte, from nothing and over what is there", async () => {
    const partners = [
      { id: 'wire-east', name: 'Wire East', formats: ['atom', 'ninjs'], topics: ['ports'] },
      { id: 'digest-co', name: 'Digest Co-op', formats: ['json'], topics: ['economy'] },
    ];
    const stage = await memoryStage({ config: catalogueConfig({ partners }) });
    for (const n of range(1, 10)) {
      const topics = n % 3 === 0 ? ['economy', 'ports'] : n % 2 === 0 ? ['ports'] : ['economy'];
      expect((await stage.publish(await stage.upload(`${slugOf(n)}.md`, editorial(n, topics)))).outcome).toBe(
        'published',
      );
    }
    // A correction moves the item to the newest place of each partner that takes it.
    await stage.nextUploadSecond();
    const corrected = editorial(2, ['ports'], {
      updated: '2026-06-20T06:00:00Z',
      correction: '"An earlier version misnamed the port."',
    });
    expect((await stage.publish(await stage.upload(`${slugOf(2)}.md`, corrected))).outcome).toBe('corrected');
    const partnerDocuments = async () => {
      const keys = await stage.keys(stage.site, 'partners/');
      return Object.fromEntries(
        await Promise.all(keys.map(async (k) => [k, await stage.text(stage.site, k)] as const)),
      );
    };
    const published = await partnerDocuments();
    expect(Object.keys(published).filter((k) => k.includes('/archive/')).length).toBeGreaterThan(0);
    // From nothing: the same documents, each partner's changes replayed in order of change.
    const wipe = async () => {
      for (const key of await stage.keys(stage.editorials, 'catalogue/')) await stage.editorials.delete(key);
      for (const key of Object.keys(published)) await stage.site.delete(key);
    };
    await wipe();
    await rebuildCatalogue(stage.deps);
    const rebuilt = await partnerDocuments();
    expect(Object.keys(rebuilt).sort()).toEqual(Object.keys(published).sort());
    // Over what is there, and from nothing again: the same to the byte.
    await rebuildCatalogue(stage.deps);
    expect(await partnerDocuments()).toEqual(rebuilt);
    await wipe();
    await rebuildCatalogue(stage.deps);
    expect(await partnerDocuments()).toEqual(rebuilt);
  }, 60_000);
});
