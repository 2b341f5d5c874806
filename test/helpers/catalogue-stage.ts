import { expect } from 'vitest';
import { configFrom, type Config } from '../../src/config.ts';
import { entryId } from '../../src/render/feeds/index.ts';
import { markdown, type Stage } from './publish-harness.ts';
import { walkFeed, type Read } from './site-walk.ts';

/* The catalogue as readers reach it: a small feed limit, so a few editorials already fill archive pages. */

export const LIMIT = 3;
export const catalogueConfig = (extra: Record<string, unknown> = {}): Config =>
  configFrom({ feeds: { limit: LIMIT }, ...extra }, 'test');
export const base = catalogueConfig();
export const site = (path: string) => `${base.publication.siteUrl}/${path}`;

/** Reads public URLs from the site bucket, as the CDN in front of it serves them. */
export function bucketReader(stage: Stage): Read {
  return async (url) => {
    const path = url
      .slice(base.publication.siteUrl.length + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
    return stage.text(stage.site, path === '' || path.endsWith('/') ? `${path}index.html` : path);
  };
}

export const editorial = (n: number, topics: string[] = ['economy'], extra: Record<string, string> = {}) =>
  markdown({
    title: `"Editorial ${n}"`,
    slug: `2026-06-${String(n).padStart(2, '0')}-e`,
    published: `2026-06-${String(n).padStart(2, '0')}T06:00:00Z`,
    topics: `[${topics.join(', ')}]`,
    ...extra,
  });
export const slugOf = (n: number) => `2026-06-${String(n).padStart(2, '0')}-e`;

export async function publishAll(stage: Stage, numbers: number[], topics?: string[]): Promise<void> {
  for (const n of numbers)
    expect((await stage.publish(await stage.upload(`${slugOf(n)}.md`, editorial(n, topics)))).outcome).toBe(
      'published',
    );
}

/** The entry ids reachable from each subscription document of a scope, checked to be the same in all three formats. */
export async function reachable(stage: Stage, prefix = ''): Promise<string[]> {
  const read = bucketReader(stage);
  const [rss, atom, json] = await Promise.all(
    ['rss.xml', 'atom.xml', 'feed.json'].map((f) => walkFeed(read, site(`${prefix}feeds/${f}`))),
  );
  const ids = atom!.flatMap((d) => d.ids);
  expect(rss!.flatMap((d) => d.ids)).toEqual(ids);
  expect(json!.flatMap((d) => d.ids)).toEqual(ids);
  expect(ids.length).toBe(new Set(ids).size);
  return ids;
}

export const ids = (numbers: number[]) => numbers.map((n) => entryId(base, slugOf(n)));
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
