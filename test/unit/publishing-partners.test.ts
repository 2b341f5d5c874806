import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/cli/build.ts';
import { configFrom, type PartnerConfig } from '../../src/config.ts';
import { partnerPath } from '../../src/partners/paths.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { parseFeedText } from '../helpers/feedparser.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';
import { folderReader, linkOf, type Read } from '../helpers/site-walk.ts';
import { markdown, memoryStage, releaseEmbargoed, type Stage } from '../helpers/publish-harness.ts';

/*
 * Two partners of different formats and topics on the publish stage: a dozen editorials published, one corrected,
 * one withdrawn, one moved out of a partner's topic, one published under embargo. Each partner's archive chain is
 * followed from its newest document and compared with what `broadsheet build` writes for the same editorials.
 */

const SECRET = 'the partner secret of this publish test, over 32 characters';
const PARTNERS = [
  {
    id: 'wire-east',
    name: 'Wire East',
    formats: ['atom', 'ninjs'],
    topics: ['ports'],
    usageTerms: 'Wire East may run excerpts.',
  },
  { id: 'digest-co', name: 'Digest Co-op', formats: ['json'], topics: ['economy'] },
];
const config = configFrom({ feeds: { limit: 3 }, partners: PARTNERS }, 'test');
const site = config.publication.siteUrl;
const NOW = new Date('2026-07-01T00:00:00Z');
const EMBARGO = '2026-07-05T06:00:00Z';

type Kind = 'current' | 'embargoed' | 'withdrawn';
const slugOf = (n: number) => `2026-06-${String(n).padStart(2, '0')}-p`;
const topicsOf = (n: number) => (n % 3 === 0 ? ['economy', 'ports'] : n % 2 === 0 ? ['ports'] : ['economy']);
const day = (d: number) => `2026-06-${String(d).padStart(2, '0')}T06:00:00Z`;

/** The editorials as last uploaded, and every change in order: what each partner should have heard. */
const latest = new Map<number, string>();
const changes: { n: number; topics: string[]; kind: Kind }[] = [];

function text(n: number, fields: Record<string, string> = {}, topics = topicsOf(n)): string {
  return markdown({
    title: `"Partner editorial ${n}"`,
    slug: slugOf(n),
    published: day(n),
    topics: `[${topics.join(', ')}]`,
    ...fields,
  });
}

async function send(
  stage: Stage,
  n: number,
  body: string,
  topics: string[],
  kind: Kind,
  outcome: string,
): Promise<void> {
  latest.set(n, body);
  changes.push({ n, topics, kind });
  expect((await stage.publish(await stage.upload(`${slugOf(n)}.md`, body))).outcome).toBe(outcome);
}

/** Newest change first: its topics' editorials, and a tombstone for one withdrawn or moved out of them. */
function expected(partner: PartnerConfig): [string, Kind][] {
  const told = new Map<number, Kind>();
  for (const change of changes) {
    const takes = change.topics.some((t) => partner.topics!.includes(t));
    if (takes) {
      told.delete(change.n);
      told.set(change.n, change.kind);
    } else if (told.has(change.n) && told.get(change.n) !== 'withdrawn') {
      told.delete(change.n);
      told.set(change.n, 'withdrawn');
    }
  }
  return [...told].reverse().map(([n, kind]) => [slugOf(n), kind]);
}

interface Item {
  slug: string;
  kind: Kind;
  embargo?: string;
}

interface Walked {
  url: string;
  text: string;
  items: Item[];
}

const slugOfUrl = (url: string) => decodeURIComponent(url.replace(/\/$/, '').split('/').pop()!);
const slugOfId = (id: string) => [...latest.keys()].map(slugOf).find((slug) => entryId(config, slug) === id)!;

/** Follows one partner format's archive chain from its subscription document. */
async function walk(read: Read, start: string, format: 'atom' | 'json' | 'ninjs'): Promise<Walked[]> {
  const documents: Walked[] = [];
  for (let url: string | undefined = start; url; ) {
    if (documents.some((d) => d.url === url)) throw new Error(`the archive links loop back to ${url}`);
    const body = await read(url);
    if (body === undefined) throw new Error(`${url} is linked but missing`);
    if (format === 'atom') {
      const feed = parseFeedText(body);
      expect(feed.bozo, url).toBe(false);
      const items = body
        .split('\n  <')
        .slice(1)
        .filter((chunk) => chunk.startsWith('entry') || chunk.startsWith('at:deleted-entry'))
        .map((chunk): Item => {
          if (chunk.startsWith('at:deleted-entry'))
            return { slug: slugOfId(/ref="([^"]*)"/.exec(chunk)![1]!), kind: 'withdrawn' };
          const embargo = /<bp:embargoed-until[^>]*>([^<]*)</.exec(chunk)?.[1];
          return {
            slug: slugOfId(/<id>([^<]*)<\/id>/.exec(chunk)![1]!),
            kind: embargo ? 'embargoed' : 'current',
            ...(embargo && { embargo }),
          };
        });
      documents.push({ url, text: body, items });
      url = linkOf(feed, 'prev-archive');
    } else if (format === 'json') {
      const feed = JSON.parse(body) as {
        items: { id: string; _deleted?: unknown; _embargo?: { until: string } }[];
        next_url?: string;
      };
      const items = feed.items.map(
        (i): Item => ({
          slug: slugOfId(i.id),
          kind: i._deleted ? 'withdrawn' : i._embargo ? 'embargoed' : 'current',
          ...(i._embargo && { embargo: i._embargo.until }),
        }),
      );
      documents.push({ url, text: body, items });
      url = feed.next_url;
    } else {
      const feed = JSON.parse(body) as { items: Record<string, unknown>[]; next: string | null };
      expect(Object.keys(feed)).toEqual(['items', 'next']);
      for (const item of feed.items) expect(ninjsErrors(item), String(item.uri)).toEqual([]);
      const items = feed.items.map(
        (i): Item => ({
          slug: slugOfUrl(String(i.uri)),
          kind: i.pubStatus === 'canceled' ? 'withdrawn' : i.embargoedUntil ? 'embargoed' : 'current',
          ...(typeof i.embargoedUntil === 'string' && { embargo: i.embargoedUntil }),
        }),
      );
      documents.push({ url, text: body, items });
      url = feed.next ?? undefined;
    }
  }
  return documents;
}

const FILES = { atom: 'atom.xml', json: 'feed.json', ninjs: 'ninjs.json' } as const;
const feedUrl = (partner: PartnerConfig, format: keyof typeof FILES) =>
  `${site}/partners/${partnerPath(SECRET, partner)}/${FILES[format]}`;

let stage: Stage;
let bucketRead: Read;
let builtRead: Read;

beforeAll(async () => {
  stage = await memoryStage({ config, now: NOW });
  stage.deps.partnerSecret = SECRET;
  for (let n = 1; n <= 12; n++) await send(stage, n, text(n), topicsOf(n), 'current', 'published');
  // A correction, a withdrawal, a move out of the ports topic, an embargoed publish: each a newer change.
  await send(
    stage,
    2,
    text(2, { updated: day(20), correction: '"An earlier version misnamed the port."' }),
    topicsOf(2),
    'current',
    'corrected',
  );
  await send(stage, 3, text(3, { updated: day(21), status: 'withdrawn' }), topicsOf(3), 'withdrawn', 'corrected');
  await send(stage, 4, text(4, { updated: day(22) }, ['economy']), ['economy'], 'current', 'corrected');
  await send(stage, 28, text(28, { embargo: EMBARGO }), topicsOf(28), 'embargoed', 'published');
  // The same event again changes nothing.
  const before = await stage.keys(stage.site, 'partners/');
  const bodies = await Promise.all(before.map((key) => stage.text(stage.site, key)));
  expect((await stage.publish(`approved/${slugOf(2)}.md`)).outcome).toBe('duplicate');
  expect(await Promise.all(before.map((key) => stage.text(stage.site, key)))).toEqual(bodies);

  bucketRead = async (url) => stage.text(stage.site, url.slice(site.length + 1));
  const root = mkdtempSync(join(tmpdir(), 'broadsheet-publish-partners-'));
  const desk = join(root, 'desk');
  mkdirSync(desk);
  for (const [n, body] of latest) writeFileSync(join(desk, `${slugOf(n)}.md`), body);
  const out = join(root, 'out');
  await buildSite({
    inputs: [desk],
    out,
    config,
    now: NOW,
    partnerSecret: { value: SECRET, development: false },
    stdout: () => {},
    stderr: () => {},
  });
  builtRead = folderReader(out, site);
}, 240_000);

const cases = config.partners.flatMap((partner) =>
  partner.formats.map((format) => [`${partner.id} ${format}`, partner, format] as const),
);

describe('partner feeds on the publish stage', () => {
  it.each(cases)(
    '%s: newest change first, every item once, its topics only, withdrawals as tombstones, the embargo marked',
    async (_, partner, format) => {
      const documents = await walk(bucketRead, feedUrl(partner, format), format);
      expect(documents.length).toBeGreaterThan(1);
      const items = documents.flatMap((d) => d.items);
      expect(items.map((i) => [i.slug, i.kind])).toEqual(expected(partner));
      const embargoed = items.find((i) => i.slug === slugOf(28));
      if (partner.topics!.some((t) => topicsOf(28).includes(t)))
        expect(embargoed?.embargo?.replace('.000Z', 'Z')).toBe(EMBARGO);
      expect(items.find((i) => i.slug === slugOf(3))?.kind ?? 'withdrawn').toBe('withdrawn');
    },
  );

  it.each(cases)(
    '%s: the same items and kinds as broadsheet build writes for the same editorials',
    async (_, partner, format) => {
      const published = (await walk(bucketRead, feedUrl(partner, format), format)).flatMap((d) => d.items);
      const built = (await walk(builtRead, feedUrl(partner, format), format)).flatMap((d) => d.items);
      // A move out of the partner's topics is a tombstone here; the builder, which sees only the last version, leaves it out.
      const moved = (i: Item) => !(partner.id === 'wire-east' && i.slug === slugOf(4));
      expect(
        published
          .filter(moved)
          .map((i) => [i.slug, i.kind])
          .sort(),
      ).toEqual(built.map((i) => [i.slug, i.kind]).sort());
      expect(published.filter(moved).map((i) => i.slug)).toEqual(built.map((i) => i.slug));
    },
  );

  it('writes every partner document private, with its content type, and links none from a public file', async () => {
    const keys = await stage.keys(stage.site, '');
    const partnerKeys = keys.filter((k) => k.startsWith('partners/'));
    expect(partnerKeys.length).toBeGreaterThan(4);
    for (const key of partnerKeys) {
      const object = await stage.site.get(key);
      expect(object?.cacheControl, key).toBe('private, max-age=60');
      expect(object?.contentType, key).toBe(
        key.endsWith('.xml')
          ? 'application/atom+xml; charset=utf-8'
          : key.endsWith('ninjs.json')
            ? 'application/json; charset=utf-8'
            : 'application/feed+json; charset=utf-8',
      );
    }
    const paths = config.partners.map((p) => partnerPath(SECRET, p));
    for (const key of keys.filter((k) => !k.startsWith('partners/'))) {
      const body = (await stage.text(stage.site, key)) ?? '';
      for (const path of paths) expect(body.includes(path), `${key} names ${path}`).toBe(false);
      if (!key.endsWith('robots.txt')) expect(body.includes('/partners/'), key).toBe(false);
    }
  });

  it('tells of a removal at once, keeps a released editorial in its place, and drops a tombstone once it is old', async () => {
    const own = await memoryStage({ config, now: NOW });
    own.deps.partnerSecret = SECRET;
    const read: Read = async (url) => own.text(own.site, url.slice(site.length + 1));
    const [wire, digest] = config.partners as [PartnerConfig, PartnerConfig];
    const items = async (partner: PartnerConfig, format: 'atom' | 'json') =>
      (await walk(read, feedUrl(partner, format), format)).flatMap((d) => d.items);
    for (const n of [1, 2]) await own.publish(await own.upload(`${slugOf(n)}.md`, text(n)));
    await own.publish(await own.upload(`${slugOf(28)}.md`, text(28, { embargo: EMBARGO })));
    await own.publish(await own.upload(`${slugOf(5)}.md`, text(5)));

    await own.editorials.delete(`approved/${slugOf(1)}.md`);
    expect((await own.publish(`approved/${slugOf(1)}.md`, 'removed')).outcome).toBe('withdrawn');
    const tombstone = JSON.parse((await own.text(own.site, `partners/${partnerPath(SECRET, digest)}/feed.json`))!)
      .items[0];
    expect(tombstone.id).toBe(entryId(config, slugOf(1)));
    expect(tombstone._deleted.deleted_at).toBe('2026-07-01T00:00:00Z');
    expect((await items(digest, 'json')).map((i) => [i.slug, i.kind])).toEqual([
      [slugOf(1), 'withdrawn'],
      [slugOf(5), 'current'],
    ]);

    expect((await items(wire, 'atom')).map((i) => [i.slug, i.kind])).toEqual([
      [slugOf(28), 'embargoed'],
      [slugOf(2), 'current'],
    ]);
    own.clock.set(new Date('2026-07-05T07:00:00Z'));
    expect(await releaseEmbargoed(own.deps)).toEqual([slugOf(28)]);
    expect((await items(wire, 'atom')).map((i) => [i.slug, i.kind])).toEqual([
      [slugOf(28), 'current'],
      [slugOf(2), 'current'],
    ]);

    own.clock.set(new Date(NOW.getTime() + (config.partnerFeeds.tombstoneDays + 1) * 86_400_000));
    await own.publish(await own.upload(`${slugOf(7)}.md`, text(7)));
    expect((await items(digest, 'json')).map((i) => [i.slug, i.kind])).toEqual([
      [slugOf(7), 'current'],
      [slugOf(5), 'current'],
    ]);
  });
});
