import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishWiring } from '../../../src/app/publish.ts';
import { startLocalPipeline, type LocalPipeline } from '../../../src/local/pipeline.ts';
import { parseEditorial } from '../../../src/parse/index.ts';
import { rebuildCatalogue } from '../../../src/pipeline/publish/catalogue-rebuild.ts';
import { encodeIndexEntry } from '../../../src/pipeline/publish/index-entry.ts';
import { entryId } from '../../../src/render/feeds/index.ts';
import { walkFeed, walkPages, type Read } from '../../helpers/site-walk.ts';

// A feed window and archive page of 5 items instead of the sample's 50: 110 editorials, and the new one, fill 22
// archive pages of the public scope to walk back through, as 1,100 would with 50, at a tenth of the writes and
// renders. Listing an index past s3rver's 1,000 keys a page is proven by the ObjectStore
// contract (test/integration/object-store.contract.test.ts), on the same adapter the rebuild lists through.
const FEED_LIMIT = 5;
const HISTORY = 110;

/** Editorial n of a long history, one an hour from 2024 on. */
function historic(n: number): { name: string; text: string } {
  const published = new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString();
  const slug = `2024-history-${String(n).padStart(5, '0')}`;
  const text = [
    '---',
    `title: "History ${n}"`,
    `slug: ${slug}`,
    `published: ${published}`,
    'provenance:',
    `  - url: https://example.org/wire/${n}`,
    '---',
    `Editorial ${n}.`,
    '',
  ].join('\n');
  return { name: `${slug}.md`, text };
}

describe(`a local pipeline with ${HISTORY} editorials behind it`, () => {
  let local: LocalPipeline;
  beforeAll(async () => {
    local = await startLocalPipeline({ configure: (config) => ({ ...config, feeds: { limit: FEED_LIMIT } }) });
    const deps = publishWiring(local.runtime);
    const limits = local.config.limits;
    for (let start = 0; start < HISTORY; start += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, HISTORY - start) }, async (_, i) => {
          const { name, text } = historic(start + i);
          const parsed = parseEditorial(name, new TextEncoder().encode(text), {
            publication: local.config.publication.name,
            defaultLang: 'en',
            limits,
          });
          if (!parsed.ok) throw new Error(parsed.rejection.reason);
          const editorial = parsed.editorial;
          const entry = {
            editorial,
            sourceKey: `approved/${name}`,
            sourceLastModified: editorial.published,
            dispatchId: editorial.slug,
            dispatchedAt: editorial.published,
          };
          await local.editorials.put(`index/${editorial.slug}.json`, encodeIndexEntry(entry), {
            contentType: 'application/json',
          });
        }),
      );
    }
    expect(await rebuildCatalogue(deps)).toMatchObject({ editorials: HISTORY, public: HISTORY });
    // A guard against a hang only: a few seconds usually, far longer where the temporary folder's disk is slow.
  }, 300_000);
  afterAll(() => local?.stop());

  it('publishes a new editorial through the S3 event, and every editorial since the first stays reachable', async () => {
    await local.editorials.put(
      'approved/2026-07-01-news.md',
      historic(99_999).text.replace('2024-history-99999', '2026-07-01-news'),
      {
        contentType: 'text/markdown; charset=utf-8',
      },
    );
    await local.settled();
    const site = local.config.publication.siteUrl;
    const read: Read = async (url) => {
      const path = url
        .slice(site.length + 1)
        .split('/')
        .map(decodeURIComponent)
        .join('/');
      const object = await local.site.get(path === '' || path.endsWith('/') ? `${path}index.html` : path);
      return object && new TextDecoder().decode(object.body);
    };
    const documents = await walkFeed(read, `${site}/feeds/feed.json`);
    // The subscription document, then every archive page back to the first.
    expect(documents).toHaveLength(1 + Math.ceil((HISTORY + 1 - FEED_LIMIT) / FEED_LIMIT));
    const ids = documents.flatMap((d) => d.ids);
    expect(ids[0]).toBe(entryId(local.config, '2026-07-01-news'));
    expect(ids).toHaveLength(HISTORY + 1);
    expect(new Set(ids).size).toBe(HISTORY + 1);
    const pages = await walkPages(read, `${site}/`);
    expect(pages.flatMap((p) => p.editorials)).toHaveLength(HISTORY + 1);
  }, 600_000);
});
