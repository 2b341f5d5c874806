import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/cli/build.ts';
import { configFrom } from '../../src/config.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { topicSlug } from '../../src/render/topics.ts';
import { urls } from '../../src/render/urls.ts';
import { isPublicAt, writeArchiveDesk, type DeskEditorial } from '../fixtures/archive-desk.ts';
import { parseFeedText } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { folderReader, linkOf, sitemapLocations, walkFeed, walkPages, type Read } from '../helpers/site-walk.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
// 120 editorials, 10 to a document: eleven feed documents and home pages, and every topic on more than one page, as
// many documents to walk as a larger archive gives at a larger limit, for half the editorials to build and read.
const EDITORIALS = 120;
const config = configFrom({ feeds: { limit: 10 } }, 'test');
let desk: DeskEditorial[];
let read: Read;
let publicIds: string[];
let homePages: ReturnType<typeof walkPages> | undefined;
/** The home page and its older pages, walked once for the tests that follow them. */
const walkHome = () => {
  homePages ??= walkPages(read, site(''));
  return homePages;
};

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'broadsheet-archive-'));
  desk = writeArchiveDesk(join(root, 'desk'), EDITORIALS, NOW);
  const out = join(root, 'out');
  await buildSite({ inputs: [join(root, 'desk')], out, config, now: NOW, stdout: () => {}, stderr: () => {} });
  read = folderReader(out, config.publication.siteUrl);
  publicIds = desk.filter((e) => isPublicAt(e, NOW)).map((e) => entryId(config, e.slug));
}, 120_000);

const site = (path: string) => `${config.publication.siteUrl}/${path}`;

describe('the built archive', () => {
  it.each(['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'])(
    'reaches every public editorial exactly once from %s',
    async (start) => {
      const documents = await walkFeed(read, site(start));
      const ids = documents.flatMap((d) => d.ids);
      expect(documents[0]!.ids).toHaveLength(config.feeds.limit);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set(publicIds));
      expect(documents.length).toBe(Math.ceil(publicIds.length / config.feeds.limit));
    },
  );

  it('marks every archive document fh:archive, linked to its subscription document and its newer neighbour', async () => {
    for (const format of ['rss.xml', 'atom.xml']) {
      const [current, ...archives] = await walkFeed(read, site(`feeds/${format}`));
      expect(current!.text).not.toContain('fh:archive');
      expect(await xmllintTexts([current!.text, ...archives.map((a) => a.text)])).toSatisfy((out: string[]) =>
        out.every((o) => o === ''),
      );
      for (const [n, archive] of archives.entries()) {
        const feed = parseFeedText(archive.text);
        expect(archive.text).toContain('<fh:archive/>');
        expect(archive.text).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
        expect(linkOf(feed, 'current')).toBe(site(`feeds/${format}`));
        expect(linkOf(feed, 'self')).toBe(archive.url);
        if (n > 0) expect(linkOf(feed, 'next-archive')).toBe(archives[n - 1]!.url);
      }
    }
  });

  it('pages JSON Feed with next_url, every page valid JSON Feed 1.1', async () => {
    const documents = await walkFeed(read, site('feeds/feed.json'));
    for (const document of documents) expect(jsonFeedErrors(document.text)).toEqual([]);
    expect(JSON.parse(documents.at(-1)!.text).next_url).toBeUndefined();
  });

  it('gives each topic its own feeds holding exactly its editorials, with archives', async () => {
    const topics = new Set(desk.flatMap((e) => e.topics));
    expect(topics.size).toBe(4);
    for (const topic of topics) {
      const slug = topicSlug(topic)!;
      const expected = desk
        .filter((e) => isPublicAt(e, NOW) && e.topics.includes(topic))
        .map((e) => entryId(config, e.slug));
      for (const format of ['rss.xml', 'atom.xml', 'feed.json']) {
        const ids = (await walkFeed(read, site(`topics/${encodeURIComponent(slug)}/feeds/${format}`))).flatMap(
          (d) => d.ids,
        );
        expect(ids.length).toBe(new Set(ids).size);
        expect(new Set(ids)).toEqual(new Set(expected));
      }
    }
  });

  it('reaches every public editorial once from the home page through its older pages', async () => {
    const pages = await walkHome();
    const linked = pages.flatMap((p) => p.editorials);
    expect(linked.length).toBe(new Set(linked).size);
    expect(new Set(linked)).toEqual(
      new Set(desk.filter((e) => isPublicAt(e, NOW)).map((e) => urls.page(config, e.slug))),
    );
    expect(pages[0]!.editorials[0]).toBe(urls.page(config, desk.filter((e) => isPublicAt(e, NOW)).at(-1)!.slug));
  });

  it('lists every public page in the sitemaps and names them in robots.txt', async () => {
    const locations = await sitemapLocations(read, site('sitemap.xml'));
    for (const editorial of desk) {
      expect(locations.includes(urls.page(config, editorial.slug))).toBe(isPublicAt(editorial, NOW));
    }
    expect(locations).toContain(site(''));
    for (const page of await walkHome()) expect(locations).toContain(page.url);
    for (const topic of new Set(desk.flatMap((e) => e.topics))) {
      const pages = await walkPages(read, site(`topics/${encodeURIComponent(topicSlug(topic)!)}/`));
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) expect(locations).toContain(page.url);
    }
    expect(locations.length).toBe(new Set(locations).size);
    expect(await read(site('robots.txt'))).toContain(`Sitemap: ${site('sitemap.xml')}`);
  });
});
