import type { ObjectStore, Clock } from '../../ports.ts';
import type { DigestEntry } from '../../render/email/digest.ts';
import { leadText } from '../../render/body.ts';
import { isPublic } from '../../render/feeds/window.ts';
import type { Editorial } from '../../model.ts';
import { readIndexEntry, visibleEditorial, type IndexEntry } from '../publish/index-entry.ts';
import type { DigestPeriod } from './period.ts';
import { publicLogIn } from './public-log.ts';

/** Index entries read at once: the period's editorials are read in parallel, a few at a time. */
const READS_AT_ONCE = 8;

/**
 * The editorials of a digest period, newest first: each editorial that became public in the period, and each one
 * public before it that was corrected in it (marked with its correction). An editorial withdrawn since, or no longer
 * public, is left out; a silent update of an earlier editorial (a new version without a correction note) is too.
 * Reads the period's days of the public log and one index entry per editorial in it: nothing else of the archive.
 */
export async function collectDigest(
  deps: { editorials: ObjectStore; clock: Clock },
  period: DigestPeriod,
): Promise<DigestEntry[]> {
  const latest = new Map<string, Date>();
  for (const record of await publicLogIn(deps.editorials, period)) latest.set(record.slug, record.at);
  const slugs = [...latest.keys()];
  const entries: (DigestEntry | undefined)[] = new Array(slugs.length);
  let next = 0;
  const reader = async () => {
    while (next < slugs.length) {
      const n = next++;
      entries[n] = await entryOf(deps, slugs[n]!, latest.get(slugs[n]!)!, period);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, slugs.length) }, reader));
  return entries
    .filter((e): e is DigestEntry => e !== undefined)
    .sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || (a.slug < b.slug ? -1 : 1));
}

/** The index entry and editorial of `slug` while it is public (published, embargo passed, not withdrawn). */
export async function publicNow(
  deps: { editorials: ObjectStore; clock: Clock },
  slug: string,
): Promise<{ entry: IndexEntry; editorial: Editorial } | undefined> {
  const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
  const editorial = stored && visibleEditorial(stored.entry);
  return stored && editorial && isPublic(editorial, deps.clock.now()) ? { entry: stored.entry, editorial } : undefined;
}

async function entryOf(
  deps: { editorials: ObjectStore; clock: Clock },
  slug: string,
  loggedAt: Date,
  period: DigestPeriod,
): Promise<DigestEntry | undefined> {
  const stored = await publicNow(deps, slug);
  if (!stored) return undefined;
  const { editorial } = stored;
  const publicAt = stored.entry.publicAt ?? loggedAt;
  const firstInPeriod = publicAt >= period.start && publicAt < period.end;
  if (!firstInPeriod && !editorial.correction) return undefined;
  return {
    slug,
    title: editorial.title,
    summary: editorial.summary?.trim() ? editorial.summary : leadText(editorial.blocks),
    // The time a reader's cadence is read at: when it became public, or, for a correction, when that was.
    publishedAt: firstInPeriod ? publicAt : loggedAt,
    topics: [...editorial.topics],
    sources: editorial.sources.length,
    lang: editorial.lang,
    dir: editorial.dir === 'rtl' ? 'rtl' : 'ltr',
    ...(!firstInPeriod && { correction: editorial.correction }),
  };
}
