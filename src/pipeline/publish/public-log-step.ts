import { isPublic } from '../../render/feeds/window.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';
import { publicLogKey } from '../digest/public-log.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial, writeIndexEntry, type IndexEntry } from './index-entry.ts';
import { JSON_TYPE } from './keys.ts';

/**
 * Notes in the public log the version of `slug` that is public now, once per version, and the time the slug first
 * became public in its index entry (`publicAt`). Called after the catalogue admits the version, and by the embargo
 * release. The record is written before the entry says so: a crash between the two writes the record again on the
 * next delivery, which the digest reads as one (it keeps one item per slug).
 */
export async function logPublicVersion(deps: PublishDeps, slug: string): Promise<void> {
  const now = deps.clock.now();
  const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
  if (!stored) return;
  const editorial = visibleEditorial(stored.entry);
  if (!isPublic(editorial, now) || stored.entry.loggedUpdated?.getTime() === editorial.updated.getTime()) return;
  const record = { slug, updated: editorial.updated.toISOString(), at: now.toISOString() };
  await deps.editorials.put(publicLogKey(now, slug), `${JSON.stringify(record)}\n`, { contentType: JSON_TYPE });
  await untilWritten(
    deps.clock,
    `the index entry of ${slug} kept changing while its public log was noted`,
    async () => {
      const current = await readIndexEntry(deps.editorials, deps.clock, slug);
      if (!current || current.entry.editorial.updated.getTime() !== editorial.updated.getTime()) return;
      // An entry from before the log: its first publication is when its email went, else the editorial's date.
      const publicAt = current.entry.publicAt ?? firstPublic(current.entry);
      const entry = { ...current.entry, loggedUpdated: editorial.updated, loggedAt: now, publicAt };
      return (await writeIndexEntry(deps.editorials, entry, current)) ? undefined : AGAIN;
    },
  );

  function firstPublic(entry: IndexEntry): Date {
    const known = entry.dispatchedAt ?? (entry.earlierDispatchIds?.length ? entry.editorial.published : undefined);
    return known ?? now;
  }
}
