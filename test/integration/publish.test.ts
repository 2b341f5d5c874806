// The samples published through the S3 adapter on s3rver, and an editorial published from a real S3 event: what the
// stores in memory of test/unit/publishing.test.ts cannot prove (content types, caching, upload times and event keys as
// S3 gives them).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../src/adapters/s3-event.ts';
import type { Editorial } from '../../src/model.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { chromeOf } from '../../src/render/chrome.ts';
import { escapeHtml } from '../../src/render/escape.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';
import {
  config,
  decodeIndexEntry,
  feedLinks,
  newStage,
  pageUrl,
  publishObject,
  samples,
  sorted,
  type Stage,
  type StoredEmailTemplate,
} from '../helpers/publish-harness.ts';

const emulators = useEmulators();

const parseOptions = (date: Date) => ({
  publication: config.publication.name,
  defaultLang: config.publication.language,
  date,
  limits: config.limits,
});

/** The text of the page's h1, entities decoded, as a browser shows it. */
function headline(html: string): string | undefined {
  const inner = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1];
  return inner
    ?.replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!);
}

async function indexEntry(stage: Stage, slug: string) {
  const text = await stage.text(stage.editorials, `index/${slug}.json`);
  if (text === undefined) throw new Error(`no index entry for ${slug}`);
  return decodeIndexEntry(text);
}

async function template(stage: Stage, key: string): Promise<StoredEmailTemplate> {
  const text = await stage.text(stage.editorials, key);
  if (text === undefined) throw new Error(`no template at ${key}`);
  return JSON.parse(text) as StoredEmailTemplate;
}

describe('publishing the project samples', () => {
  let stage: Stage;
  const published: Editorial[] = [];

  beforeAll(async () => {
    stage = await newStage(emulators.s3);
    for (const sample of samples()) {
      const key = await stage.upload(sample.name, sample.bytes);
      const outcome = await stage.publish(key);
      expect(outcome.outcome).toBe('published');
      const object = await stage.editorials.get(key);
      const parsed = parseEditorial(sample.name, sample.bytes, parseOptions(object!.lastModified));
      if (!parsed.ok) throw new Error(parsed.rejection.reason);
      published.push(parsed.editorial);
    }
    expect(published.length).toBeGreaterThanOrEqual(3);
  });

  it('puts every page and ninjs document in the public bucket with the content type and caching readers get', async () => {
    for (const editorial of published) {
      const page = await stage.site.get(`editorials/${editorial.slug}/index.html`);
      expect(page?.contentType).toBe('text/html; charset=utf-8');
      expect(page?.cacheControl).toBe('public, max-age=300');
      const html = new TextDecoder().decode(page!.body);
      expect(headline(html)).toBe(editorial.title);
      expect(html).toContain(chromeOf(editorial, config).t('article.provenanceHeading'));
      for (const source of editorial.sources) expect(html).toContain(escapeHtml(source.url));

      const ninjs = await stage.site.get(`editorials/${editorial.slug}/ninjs.json`);
      expect(ninjs?.contentType).toBe('application/json');
      expect(ninjs?.cacheControl).toBe('public, max-age=300');
      const document = JSON.parse(new TextDecoder().decode(ninjs!.body)) as { pubStatus: string; slugline: string };
      expect(ninjsErrors(document)).toEqual([]);
      expect(document).toMatchObject({ pubStatus: 'usable', slugline: editorial.slug });
    }
  });

  it('lists every editorial once in RSS, Atom and JSON Feed, as feedparser and the JSON Feed schema read them', async () => {
    const types = await Promise.all(
      ['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'].map(async (key) => {
        const object = await stage.site.get(key);
        return [object?.contentType, object?.cacheControl];
      }),
    );
    expect(types).toEqual([
      ['application/rss+xml; charset=utf-8', 'public, max-age=60'],
      ['application/atom+xml; charset=utf-8', 'public, max-age=60'],
      ['application/feed+json; charset=utf-8', 'public, max-age=60'],
    ]);
    const feeds = await stage.feeds();
    expect(feeds.rss.bozo_exception).toBeNull();
    expect(feeds.atom.bozo_exception).toBeNull();
    expect(feeds.rss.version).toBe('rss20');
    expect(feeds.atom.version).toBe('atom10');
    expect(feeds.jsonErrors).toEqual([]);
    const expected = sorted(published.map((e) => pageUrl(e.slug)));
    const links = feedLinks(feeds);
    expect(sorted(links.rss)).toEqual(expected);
    expect(sorted(links.atom)).toEqual(expected);
    expect(sorted(links.json)).toEqual(expected);
    expect(sorted(feeds.atom.entries.map((e) => e.title ?? ''))).toEqual(sorted(published.map((e) => e.title)));
  });

  it('renders each email once where the dispatch workers read it, and plans its first send under the slug', async () => {
    expect(stage.planned.map((r) => r.dispatchId)).toEqual(published.map((e) => e.slug));
    for (const editorial of published) {
      const request = stage.planned.find((r) => r.slug === editorial.slug)!;
      expect(request).toEqual({
        dispatchId: editorial.slug,
        slug: editorial.slug,
        templateKey: `rendered/${editorial.slug}/${editorial.slug}/email.json`,
        topics: editorial.topics,
        publicAt: expect.any(String),
      });
      const email = await template(stage, request.templateKey);
      expect(email).toMatchObject({
        subject: editorial.title.replace(/\s+/g, ' '),
        from: '"Monexus Desk" <desk@monexus.example>',
        replyTo: 'letters@monexus.example',
        pageUrl: pageUrl(editorial.slug),
        slug: editorial.slug,
        dispatchId: editorial.slug,
      });
      expect(email.html).toContain(email.placeholder);
      expect(email.text).toContain(email.placeholder);
      expect(email.text).toContain(chromeOf(editorial, config).t('article.provenanceHeading'));
    }
  });

  it('keeps one index entry per editorial that reads back as the parsed editorial, noting it was sent', async () => {
    expect(await stage.keys(stage.editorials, 'index/')).toEqual(sorted(published.map((e) => `index/${e.slug}.json`)));
    for (const editorial of published) {
      const entry = await indexEntry(stage, editorial.slug);
      expect(entry.editorial).toEqual(editorial);
      expect(entry.sourceKey).toBe(`approved/${editorial.file}`);
      expect(entry.dispatchId).toBe(editorial.slug);
      expect(entry.dispatchedAt).toEqual(stage.clock.now());
    }
  });
});

describe('S3 event keys', () => {
  it('are decoded from the form S3 sends them in, so a file name with spaces and signs publishes', async () => {
    const stage = await newStage(emulators.s3);
    const handled: string[] = [];
    const stop = emulators.onObjectEvent(async (event) => {
      for (const record of event.Records) {
        if (record.s3.bucket.name !== stage.buckets.editorials) continue;
        const key = decodeS3EventKey(record.s3.object.key);
        handled.push(key);
        await publishObject(stage.deps, {
          kind: record.eventName.startsWith('ObjectRemoved') ? 'removed' : 'created',
          key,
        });
      }
    });
    try {
      await stage.upload(
        '2026-06-26 harbour talks+(1).txt',
        'Harbour talks\nThe talks went on.\nWire provenance\n- https://t.me/harbour_watch\n',
      );
      await emulators.objectEventsSettled();
    } finally {
      stop();
    }
    expect(handled).toContain('approved/2026-06-26 harbour talks+(1).txt');
    const [indexKey] = await stage.keys(stage.editorials, 'index/');
    const entry = decodeIndexEntry((await stage.text(stage.editorials, indexKey!))!);
    expect(entry.sourceKey).toBe('approved/2026-06-26 harbour talks+(1).txt');
    expect(feedLinks(await stage.feeds()).atom).toEqual([pageUrl(entry.editorial.slug)]);
  });
});
