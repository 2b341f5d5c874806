import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildReport } from '../../src/cli/build.ts';
import { configFrom, type PartnerConfig, type PartnerFormat } from '../../src/config.ts';
import { DEVELOPMENT_SECRET_WARNING, partnerPath } from '../../src/partners/paths.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { topicSlug } from '../../src/render/topics.ts';
import { writeArchiveDesk, type DeskEditorial } from '../fixtures/archive-desk.ts';
import { parseFeedText } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';
import { folderReader, linkOf, sitemapLocations, walkFeed, type Read } from '../helpers/site-walk.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';

/*
 * The archive desk (140 editorials, every 17th withdrawn long ago, every 23rd embargoed until after the build) with
 * one correction and two recent withdrawals, built for three partners of different formats and topics.
 * 140 is the smallest desk with more than five of each of the old withdrawals and the embargoes; at 10 items a
 * document it still fills as many archive documents as a larger desk at a larger limit.
 */

const NOW = new Date('2026-03-01T00:00:00Z');
const SECRET = { value: 'the partner secret of this test, longer than 32 characters', development: false };
const CORRECTED = 4; // economy and Україна
const CORRECTED_AT = '2026-02-27T10:00:00Z';
const CORRECTION = 'An earlier version named the wrong ministry.';
const WITHDRAWN = [10, 22]; // economy; Україна
const WITHDRAWN_AT = '2026-02-20T08:00:00Z';

const PARTNERS = [
  {
    id: 'wire-east',
    name: 'Wire East',
    formats: ['atom', 'ninjs'],
    topics: ['УКРАЇНА', 'économie politique'],
    usageTerms: 'Wire East may run excerpts of up to 300 words.',
  },
  {
    id: 'digest-co',
    name: 'Digest Co-op',
    formats: ['json', 'ninjs'],
    topics: ['Economy'],
    copyrightHolder: 'Digest Co-op and Monexus',
  },
  { id: 'all-news', name: 'All News', formats: ['atom', 'json'] },
];
const EDITORIALS = 140;
const LIMIT = 10;
const config = configFrom({ feeds: { limit: LIMIT }, partners: PARTNERS }, 'test');
const site = config.publication.siteUrl;

let out: string;
let desk: DeskEditorial[];
let report: BuildReport;
let read: Read;
const stderr: string[] = [];
const stdout: string[] = [];

const slugOf = (n: number) => `2026-archive-${String(n).padStart(4, '0')}`;
const numberOf = (slug: string) => Number(slug.slice(-4));

function rewrite(dir: string, n: number, change: (text: string) => string): void {
  const file = join(dir, `${slugOf(n)}.md`);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'broadsheet-partners-'));
  const dir = join(root, 'desk');
  desk = writeArchiveDesk(dir, EDITORIALS, NOW);
  rewrite(dir, CORRECTED, (text) =>
    text.replace(/^published: .*$/m, `$&\nupdated: ${CORRECTED_AT}\ncorrection: "${CORRECTION}"`),
  );
  for (const n of WITHDRAWN) {
    rewrite(dir, n, (text) =>
      text
        .replace(/^published: .*$/m, `$&\nupdated: ${WITHDRAWN_AT}`)
        .replace('status: published', 'status: withdrawn'),
    );
    desk[n - 1]!.status = 'withdrawn';
  }
  out = join(root, 'out');
  report = await buildSite({
    inputs: [dir],
    out,
    config,
    now: NOW,
    partnerSecret: SECRET,
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
  });
  read = folderReader(out, site);
}, 180_000);

type Kind = 'current' | 'embargoed' | 'withdrawn';

/** What a partner should hear of: its topics' editorials, withdrawn ones only when withdrawn within 30 days. */
function expected(partner: PartnerConfig): Map<string, Kind> {
  const wanted = partner.topics?.map((t) => topicSlug(t)!);
  const map = new Map<string, Kind>();
  for (const editorial of desk) {
    if (wanted && !editorial.topics.some((t) => wanted.includes(topicSlug(t)!))) continue;
    const n = numberOf(editorial.slug);
    if (editorial.status === 'withdrawn') {
      if (WITHDRAWN.includes(n)) map.set(editorial.slug, 'withdrawn');
    } else {
      map.set(
        editorial.slug,
        editorial.embargo && Date.parse(editorial.embargo) > NOW.getTime() ? 'embargoed' : 'current',
      );
    }
  }
  return map;
}

const pathOf = (partner: PartnerConfig) => partnerPath(SECRET.value, partner);
const feedUrl = (partner: PartnerConfig, name: string) => `${site}/partners/${pathOf(partner)}/${name}`;
const ninjsUri = (slug: string) => `${site}/editorials/${slug}`;

interface NinjsItem {
  uri: string;
  pubStatus: string;
  embargoedUntil?: string;
  firstCreated: string;
  versionCreated: string;
  edNote?: string;
  usageTerms: string;
  copyrightHolder: string;
  copyrightNotice: string;
  infoSources: { uri: string }[];
  renditions: { name: string; href: string }[];
}

/** Follows `next` from the ninjs subscription document. */
async function walkNinjs(start: string): Promise<{ url: string; items: NinjsItem[]; next: string | null }[]> {
  const documents = [];
  for (let url: string | null = start; url; ) {
    const text = await read(url);
    if (text === undefined) throw new Error(`${url} is linked but missing`);
    const document = JSON.parse(text) as { items: NinjsItem[]; next: string | null };
    expect(Object.keys(document)).toEqual(['items', 'next']);
    documents.push({ url, ...document });
    url = document.next;
  }
  return documents;
}

/** The top-level children of an Atom document in order: entries by id and `updated`, tombstones by ref and `when`. */
function atomChildren(text: string): { kind: 'entry' | 'deleted'; id: string; time: string; text: string }[] {
  const chunks = text.split('\n  <').slice(1);
  return chunks
    .filter((chunk) => chunk.startsWith('entry') || chunk.startsWith('at:deleted-entry'))
    .map((chunk) =>
      chunk.startsWith('entry')
        ? {
            kind: 'entry' as const,
            id: /<id>([^<]*)<\/id>/.exec(chunk)![1]!,
            time: /<updated>([^<]*)<\/updated>/.exec(chunk)![1]!,
            text: chunk,
          }
        : {
            kind: 'deleted' as const,
            id: /ref="([^"]*)"/.exec(chunk)![1]!,
            time: /when="([^"]*)"/.exec(chunk)![1]!,
            text: chunk,
          },
    );
}

const partners = config.partners;
const formatsOf = (partner: PartnerConfig, format: PartnerFormat) => partner.formats.includes(format);

describe('partner feeds from broadsheet build', () => {
  it('writes partners.json exactly as the contract says, each feed where it names it', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'partners.json'), 'utf8'));
    const files: Record<PartnerFormat, string> = { atom: 'atom.xml', json: 'feed.json', ninjs: 'ninjs.json' };
    expect(manifest).toEqual(
      partners.map((p) => ({
        id: p.id,
        name: p.name,
        feeds: Object.fromEntries(p.formats.map((f) => [f, `partners/${pathOf(p)}/${files[f]}`])),
      })),
    );
    for (const entry of manifest)
      for (const feed of Object.values(entry.feeds) as string[]) expect(existsSync(join(out, feed)), feed).toBe(true);
    expect(report.partners).toEqual(manifest);
    expect(readdirSync(join(out, 'partners')).sort()).toEqual(partners.map(pathOf).sort());
    for (const p of partners) expect(stdout.join('\n')).toContain(`${p.id}: ${join(out, 'partners', pathOf(p))}/`);
    expect(stderr.join('\n')).not.toContain(DEVELOPMENT_SECRET_WARNING);
  });

  it('gives each partner its own 26-character path that no public file names', () => {
    const paths = partners.map(pathOf);
    expect(new Set(paths).size).toBe(partners.length);
    for (const path of paths) expect(path).toMatch(/^[a-z2-7]{26}$/);
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) =>
        statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
      );
    const published = files(out).filter((file) => !relative(out, file).startsWith('partners'));
    expect(published.length).toBeGreaterThan(EDITORIALS * 5);
    for (const file of published) {
      const text = readFileSync(file, 'utf8');
      for (const path of paths) expect(text.includes(path), `${relative(out, file)} names ${path}`).toBe(false);
      if (!file.endsWith('robots.txt')) expect(text.includes('/partners/'), relative(out, file)).toBe(false);
    }
    expect(readFileSync(join(out, 'robots.txt'), 'utf8')).toContain('Disallow: /partners/\n');
  });

  it.each(partners.filter((p) => formatsOf(p, 'ninjs')).map((p) => [p.id, p]))(
    '%s: ninjs reaches every item of its topics once, newest change first, each valid ninjs 3.1',
    async (_, partner) => {
      const documents = await walkNinjs(feedUrl(partner, 'ninjs.json'));
      const items = documents.flatMap((d) => d.items);
      const want = expected(partner);
      expect(items.map((i) => i.uri).sort()).toEqual([...want.keys()].map(ninjsUri).sort());
      expect(documents[0]!.items).toHaveLength(LIMIT);
      expect(documents.at(-1)!.next).toBeNull();
      for (const [k, document] of documents.entries()) {
        expect(document.url).toBe(
          k === 0 ? feedUrl(partner, 'ninjs.json') : feedUrl(partner, `archive/${documents.length - k}/ninjs.json`),
        );
      }
      const times = items.map((i) => i.versionCreated);
      expect([...times].sort().reverse()).toEqual(times);
      const terms = partner.usageTerms ?? config.rights.usageTerms;
      for (const item of items) {
        expect(ninjsErrors(item), item.uri).toEqual([]);
        expect(item.usageTerms).toBe(terms);
        expect(item.copyrightHolder).toBe(partner.copyrightHolder ?? config.rights.copyrightHolder);
        expect(item.renditions.find((r) => r.name === 'canonical')!.href).toBe(`${item.uri}/`);
        expect(item.infoSources[0]!.uri).toBe(`https://example.org/wire/${numberOf(item.uri)}`);
        const kind = want.get(item.uri.split('/').pop()!)!;
        expect(item.pubStatus).toBe(kind === 'withdrawn' ? 'canceled' : 'usable');
        const desked = desk[numberOf(item.uri) - 1]!;
        expect(item.embargoedUntil).toBe(desked.embargo?.replace('.000Z', 'Z'));
      }
    },
  );

  it.each(partners.filter((p) => formatsOf(p, 'atom')).map((p) => [p.id, p]))(
    '%s: Atom reaches every item once, withdrawals only as RFC 6721 tombstones, through RFC 5005 archives',
    async (_, partner) => {
      const documents = await walkFeed(read, feedUrl(partner, 'atom.xml'));
      expect((await xmllintTexts(documents.map((d) => d.text))).filter(Boolean)).toEqual([]);
      const want = expected(partner);
      const children = documents.flatMap((d) => atomChildren(d.text));
      expect(children.map((c) => c.id).sort()).toEqual([...want.keys()].map((slug) => entryId(config, slug)).sort());
      const times = children.map((c) => c.time);
      expect([...times].sort().reverse()).toEqual(times);
      expect(atomChildren(documents[0]!.text)).toHaveLength(LIMIT);
      const terms = partner.usageTerms ?? config.rights.usageTerms;
      for (const [k, document] of documents.entries()) {
        const feed = parseFeedText(document.text);
        expect(feed.bozo, document.url).toBe(false);
        expect(feed.feed.rights).toContain(terms);
        const own = atomChildren(document.text);
        // feedsmith reads the entries and passes over the tombstones.
        expect(feed.entries.map((e) => e.id)).toEqual(own.filter((c) => c.kind === 'entry').map((c) => c.id));
        for (const entry of feed.entries) expect(entry.rights).toContain(terms);
        if (k > 0) {
          expect(document.text).toContain('<fh:archive/>');
          expect(linkOf(feed, 'current')).toBe(feedUrl(partner, 'atom.xml'));
          if (k > 1) expect(linkOf(feed, 'next-archive')).toBe(documents[k - 1]!.url);
        }
      }
      for (const child of children) {
        const slug = decodeURIComponent(child.id.split('/').pop()!);
        const kind = want.get(slug)!;
        expect(child.kind, slug).toBe(kind === 'withdrawn' ? 'deleted' : 'entry');
        if (kind === 'withdrawn') {
          expect(child.text).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
          expect(child.time).toBe(WITHDRAWN_AT.replace('.000Z', 'Z'));
          expect(child.text).toContain('<at:comment type="text">Monexus has withdrawn this editorial.</at:comment>');
        }
        expect(child.text.includes('<bp:embargoed-until'), slug).toBe(kind === 'embargoed');
        if (kind === 'embargoed')
          expect(child.text).toContain(
            `>${desk[numberOf(slug) - 1]!.embargo!.replace('.000Z', 'Z')}</bp:embargoed-until>`,
          );
        if (kind === 'current')
          expect(child.text).toContain(`<link rel="via" href="https://example.org/wire/${numberOf(slug)}"`);
      }
    },
  );

  it.each(partners.filter((p) => formatsOf(p, 'json')).map((p) => [p.id, p]))(
    '%s: JSON Feed pages by next_url, every page valid, with the extensions',
    async (_, partner) => {
      const documents = await walkFeed(read, feedUrl(partner, 'feed.json'));
      for (const document of documents) expect(jsonFeedErrors(document.text), document.url).toEqual([]);
      const want = expected(partner);
      const items = documents.flatMap(
        (d) =>
          (
            JSON.parse(d.text) as {
              items: ({ id: string; _provenance: { sources: unknown } } & Record<string, unknown>)[];
            }
          ).items,
      );
      expect(items.map((i) => i.id).sort()).toEqual([...want.keys()].map((slug) => entryId(config, slug)).sort());
      expect(documents[0]!.ids).toHaveLength(LIMIT);
      const about = `${site}/`;
      for (const item of items) {
        const slug = decodeURIComponent(item.id.split('/').pop()!);
        const kind = want.get(slug)!;
        expect(item._rights).toEqual({
          about,
          copyright_holder: partner.copyrightHolder ?? config.rights.copyrightHolder,
          copyright_notice: partner.copyrightHolder ? `© ${partner.copyrightHolder}.` : config.rights.copyrightNotice,
          usage_terms: partner.usageTerms ?? config.rights.usageTerms,
        });
        expect(item._deleted !== undefined, slug).toBe(kind === 'withdrawn');
        if (kind === 'withdrawn')
          expect(item._deleted).toMatchObject({ about, deleted_at: WITHDRAWN_AT.replace('.000Z', 'Z') });
        else
          expect(item._provenance.sources).toEqual([
            { url: `https://example.org/wire/${numberOf(slug)}`, label: `Example Wire ${numberOf(slug)}` },
          ]);
        expect(item._embargo, slug).toEqual(
          kind === 'embargoed' ? { about, until: desk[numberOf(slug) - 1]!.embargo!.replace('.000Z', 'Z') } : undefined,
        );
      }
      const times = items.map((i) => i.date_modified);
      expect([...times].sort().reverse()).toEqual(times);
    },
  );

  it('carries a correction as a new version of the same item, first in line, with its note', async () => {
    const slug = slugOf(CORRECTED);
    const wireEast = partners[0]!;
    const [first] = await walkNinjs(feedUrl(wireEast, 'ninjs.json'));
    const item = first!.items[0]!;
    expect(item.uri).toBe(ninjsUri(slug));
    expect(item.firstCreated).toBe(desk[CORRECTED - 1]!.published.replace('.000Z', 'Z'));
    expect(item.versionCreated).toBe(CORRECTED_AT);
    expect(item.edNote).toBe(CORRECTION);
    const [atom] = await walkFeed(read, feedUrl(wireEast, 'atom.xml'));
    const entry = atomChildren(atom!.text)[0]!;
    expect(entry).toMatchObject({ kind: 'entry', id: entryId(config, slug), time: CORRECTED_AT });
    expect(parseFeedText(atom!.text).entries[0]!.content[0]).toContain(CORRECTION);
  });

  it('leaves withdrawals older than partnerFeeds.tombstoneDays out altogether', async () => {
    const all = partners[2]!;
    const ids = (await walkFeed(read, feedUrl(all, 'feed.json'))).flatMap((d) => d.ids);
    const old = desk.filter((e) => e.status === 'withdrawn' && !WITHDRAWN.includes(numberOf(e.slug)));
    expect(old.length).toBeGreaterThan(5);
    for (const editorial of old) expect(ids).not.toContain(entryId(config, editorial.slug));
    for (const n of WITHDRAWN) expect(ids).toContain(entryId(config, slugOf(n)));
  });

  it('keeps embargoed editorials out of every public document while partners have them', async () => {
    const embargoed = desk.filter((e) => e.embargo && Date.parse(e.embargo) > NOW.getTime()).map((e) => e.slug);
    expect(embargoed.length).toBeGreaterThan(5);
    const publicIds = (await walkFeed(read, `${site}/feeds/atom.xml`)).flatMap((d) => d.ids);
    const locations = await sitemapLocations(read, `${site}/sitemap.xml`);
    const partnerIds = (await walkFeed(read, feedUrl(partners[2]!, 'feed.json'))).flatMap((d) => d.ids);
    for (const slug of embargoed) {
      expect(publicIds).not.toContain(entryId(config, slug));
      expect(locations).not.toContain(`${site}/editorials/${slug}/`);
      expect(partnerIds).toContain(entryId(config, slug));
    }
  });
});

describe('partner paths across builds', () => {
  it('warns on standard error without a secret, and a rotation moves one partner, the old path no longer written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'broadsheet-partners-rotate-'));
    writeArchiveDesk(join(root, 'desk'), 3, NOW);
    const out = join(root, 'out');
    const run = async (rotation: number) => {
      const lines: string[] = [];
      const rotated = configFrom({ partners: PARTNERS.map((p, n) => (n === 1 ? { ...p, rotation } : p)) }, 'test');
      await buildSite({
        inputs: [join(root, 'desk')],
        out,
        config: rotated,
        now: NOW,
        stdout: () => {},
        stderr: (l) => lines.push(l),
      });
      return {
        lines,
        manifest: JSON.parse(readFileSync(join(out, 'partners.json'), 'utf8')) as { feeds: Record<string, string> }[],
      };
    };
    const before = await run(0);
    expect(before.lines).toEqual([DEVELOPMENT_SECRET_WARNING]);
    const after = await run(1);
    expect(after.manifest[0]).toEqual(before.manifest[0]);
    expect(after.manifest[2]).toEqual(before.manifest[2]);
    expect(after.manifest[1]!.feeds.json).not.toBe(before.manifest[1]!.feeds.json);
    expect(existsSync(join(out, before.manifest[1]!.feeds.json!))).toBe(false);
    expect(existsSync(join(out, after.manifest[1]!.feeds.json!))).toBe(true);
    expect(readdirSync(join(out, 'partners'))).toHaveLength(3);
  });

  it('says nothing on standard error for the sample publication and its sample partner', async () => {
    const root = mkdtempSync(join(tmpdir(), 'broadsheet-partners-sample-'));
    writeArchiveDesk(join(root, 'desk'), 2, NOW);
    const lines: string[] = [];
    const built = await buildSite({
      inputs: [join(root, 'desk')],
      out: join(root, 'out'),
      config: configFrom({}, 'test'),
      now: NOW,
      stdout: () => {},
      stderr: (l) => lines.push(l),
    });
    expect(lines).toEqual([]);
    expect(built.partners.map((p) => p.id)).toEqual(['example-partner']);
  });
});
