import type { ObjectStore } from '../../ports.ts';
import type { PublishDeps } from './deps.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { JSON_TYPE, keys } from './keys.ts';

/** Remembers which slug an approved object published, since a Markdown file's front matter may name another. */
export async function recordSource(store: ObjectStore, name: string, key: string, slug: string): Promise<void> {
  await store.put(keys.source(name), `${JSON.stringify({ key, slug })}\n`, { contentType: JSON_TYPE });
}

/** The slug published from `key`: from its sources/ record, else by looking through the index. */
export async function findSlugOfSource(deps: PublishDeps, key: string): Promise<string | undefined> {
  const name = key.slice('approved/'.length);
  const record = await deps.editorials.get(keys.source(name));
  if (record) {
    try {
      const { slug } = JSON.parse(new TextDecoder().decode(record.body)) as { slug?: unknown };
      if (typeof slug === 'string') return slug;
    } catch {
      deps.log.warn('source record unreadable; searching the index', { key: keys.source(name) });
    }
  }
  let found: string | undefined;
  await forEachIndexEntry(deps, (entry) => {
    if (entry.sourceKey === key) found = entry.editorial.slug;
  });
  return found;
}
