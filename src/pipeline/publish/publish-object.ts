import type { Editorial, Rejection } from '../../model.ts';
import type { ObjectEvent, PublishDeps, PublishOutcome } from './deps.ts';
import { dispatchIfDue } from './dispatch.ts';
import { announceFeeds, updateCatalogue } from './update-catalogue.ts';
import { updatePartnerFeeds } from './update-partner-feeds.ts';
import { holdForEmbargo } from './release.ts';
import { readIndexEntry, visibleEditorial, writeIndexEntry, type IndexEntry, type StoredEntry } from './index-entry.ts';
import { approvedName, JSON_TYPE, keys } from './keys.ts';
import { syncPublicFiles } from './public-files.ts';
import { logPublicVersion } from './public-log-step.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';
import { findSlugOfSource, recordSource } from './sources.ts';
import { compareVersions, keepFirstPublished, versionOf } from './versions.ts';
import { newDispatchId, stopDispatches, withdrawnDispatches } from './withdrawal.ts';
import { validateApproved } from './validate.ts';
import { invalidateChanged, recordingSite } from './invalidation.ts';

/**
 * Handles one S3 record of the editorials bucket. Safe to run any number of times for the same record and
 * concurrently with others: every write is either idempotent or conditional on the state it was decided from.
 * Throws only for failures worth a retry (storage, contention, dispatch); a rejected editorial is a final answer.
 */
export async function publishObject(deps: PublishDeps, event: ObjectEvent): Promise<PublishOutcome> {
  const name = approvedName(event.key);
  if (name === undefined) return { outcome: 'ignored', reason: 'not under approved/' };
  const log = deps.log.child({ file: event.key, event: event.kind });
  // Every public key this event changes, for the CDN to drop once all of them are written.
  const { deps: scoped, changed } = recordingSite({ ...deps, log });
  const outcome =
    event.kind === 'created' ? await publishCreated(scoped, event.key, name) : await withdrawRemoved(scoped, event.key);
  if (await mayBeCached(scoped, outcome)) await invalidateChanged(scoped, changed, (outcome as { slug: string }).slug);
  return outcome;
}

/**
 * Whether what the event changed may be in the CDN already: after a correction or a withdrawal, and after a
 * repeated delivery of either (a `duplicate` of a withdrawn or corrected version: the earlier delivery may have
 * stopped before it invalidated). A first publication needs none: nothing of it was cached.
 */
async function mayBeCached(deps: PublishDeps, outcome: PublishOutcome): Promise<boolean> {
  if (outcome.outcome === 'corrected' || outcome.outcome === 'withdrawn') return true;
  if (outcome.outcome !== 'duplicate' || !deps.invalidator) return false;
  const stored = await readIndexEntry(deps.editorials, deps.clock, outcome.slug);
  if (!stored) return false;
  const editorial = visibleEditorial(stored.entry);
  return editorial.status === 'withdrawn' || editorial.updated.getTime() > editorial.published.getTime();
}

async function publishCreated(deps: PublishDeps, key: string, name: string): Promise<PublishOutcome> {
  const object = await deps.editorials.get(key, { maxBytes: deps.config.limits.maxEditorialBytes });
  if (!object) {
    deps.log.info('approved object is gone; nothing to publish');
    return { outcome: 'missing' };
  }
  const parsed = await validateApproved(deps.config, baseName(key), object);
  if (!parsed.ok) return reject(deps, key, name, parsed.rejection);

  const { slug } = parsed.editorial;
  await recordSource(deps.editorials, name, key, slug);
  const recorded = await recordVersion(deps, key, object.lastModified, parsed.editorial);
  if (recorded.kind === 'stale') {
    deps.log.info('an older version than the published one; left unpublished', { slug });
    return { outcome: 'stale', slug };
  }
  // First of all, while its email may be going out: a withdrawn editorial's sends stop within seconds.
  if (visibleEditorial(recorded.entry).status === 'withdrawn') {
    await stopDispatches(deps, recorded.entry, recorded.entry.removedAt ? 'removed' : 'withdrawn');
  }
  await deps.editorials.delete(keys.rejected(name));
  await holdForEmbargo(deps, recorded.entry.editorial);
  await syncPublicFiles(deps, slug);
  const changedFeeds = await updateCatalogue(deps, slug);
  await updatePartnerFeeds(deps, slug);
  await logPublicVersion(deps, slug);
  const dispatchId = await dispatchIfDue(deps, slug);
  await announceFeeds(deps, changedFeeds);
  const outcome = recorded.kind === 'new' ? 'published' : recorded.kind === 'newer' ? 'corrected' : 'duplicate';
  deps.log.info(`editorial ${outcome}`, { slug, updated: recorded.entry.editorial.updated.toISOString() });
  return { outcome, slug, ...(dispatchId && { dispatchId }) };
}

async function reject(deps: PublishDeps, key: string, name: string, rejection: Rejection): Promise<PublishOutcome> {
  const record = { file: key, line: rejection.line, reason: rejection.reason, time: deps.clock.now().toISOString() };
  await deps.editorials.put(keys.rejected(name), `${JSON.stringify(record, null, 2)}\n`, { contentType: JSON_TYPE });
  deps.log.warn('editorial rejected', { file: key, line: rejection.line, reason: rejection.reason });
  return { outcome: 'rejected', line: rejection.line, reason: rejection.reason };
}

type Recorded = { kind: 'new' | 'newer' | 'same'; entry: IndexEntry } | { kind: 'stale' };

/** Puts this version in the index unless the index already holds it or a newer one (events arrive in any order). */
async function recordVersion(deps: PublishDeps, key: string, lastModified: Date, parsed: Editorial): Promise<Recorded> {
  return untilWritten(
    deps.clock,
    `the index entry of ${parsed.slug} kept changing`,
    async (): Promise<Recorded | typeof AGAIN> => {
      const current = await readIndexEntry(deps.editorials, deps.clock, parsed.slug);
      const editorial = keepFirstPublished(parsed, lastModified, current?.entry.editorial);
      if (current) {
        const order = compareVersions({ updated: editorial.updated, lastModified }, versionOf(current.entry));
        if (order < 0) return { kind: 'stale' };
        if (order === 0 && current.entry.sourceKey === key) return { kind: 'same', entry: current.entry };
      }
      const entry: IndexEntry = {
        editorial,
        sourceKey: key,
        sourceLastModified: lastModified,
        ...dispatchFor(editorial, current),
        // What the pipeline has noted of the slug's public life outlives its versions.
        ...(current?.entry.publicAt && { publicAt: current.entry.publicAt }),
        ...(current?.entry.loggedUpdated && { loggedUpdated: current.entry.loggedUpdated }),
        ...(current?.entry.loggedAt && { loggedAt: current.entry.loggedAt }),
      };
      if (await writeIndexEntry(deps.editorials, entry, current)) return { kind: current ? 'newer' : 'new', entry };
      return AGAIN;
    },
  );
}

/**
 * The first publication owes the send `<slug>`; a correction owes nothing new unless it asks (`resend: true`) and the
 * earlier send has already gone to the dispatch stage, in which case it owes `<slug>~<updated epoch seconds>`. A
 * withdrawn version owes nothing, and a send it stopped before it was handed over is never owed again (the next
 * publication gets a new id). New ids are never ones the slug used before.
 */
function dispatchFor(
  editorial: Editorial,
  current: StoredEntry | undefined,
): Pick<IndexEntry, 'dispatchId' | 'dispatchedAt' | 'earlierDispatchIds'> {
  const previous = current?.entry;
  const earlier = previous?.earlierDispatchIds ?? [];
  const kept = earlier.length > 0 ? { earlierDispatchIds: earlier } : {};
  const carried = {
    ...(previous?.dispatchId !== undefined && { dispatchId: previous.dispatchId }),
    ...(previous?.dispatchedAt && { dispatchedAt: previous.dispatchedAt }),
    ...kept,
  };
  if (editorial.status !== 'published') return withdrawnDispatches(carried);
  if (!previous?.dispatchId) return { dispatchId: newDispatchId(editorial, earlier), ...kept };
  const later = editorial.updated.getTime() > previous.editorial.updated.getTime();
  if (editorial.resend === true && later && previous.dispatchedAt) {
    const used = [...earlier, previous.dispatchId];
    return { dispatchId: newDispatchId(editorial, used, true), earlierDispatchIds: used };
  }
  return carried;
}

/** The approved object was deleted: its editorial leaves the feeds and its page says it was withdrawn. */
async function withdrawRemoved(deps: PublishDeps, key: string): Promise<PublishOutcome> {
  if (await deps.editorials.get(key)) {
    deps.log.info('approved object exists again; removal superseded');
    return { outcome: 'ignored', reason: 'the object exists again' };
  }
  const slug = await findSlugOfSource(deps, key);
  if (slug === undefined) {
    deps.log.info('no published editorial came from this object');
    return { outcome: 'ignored', reason: 'nothing published from this object' };
  }
  const marked = await untilWritten(
    deps.clock,
    `the index entry of ${slug} kept changing`,
    async (): Promise<IndexEntry | undefined | typeof AGAIN> => {
      const current = await readIndexEntry(deps.editorials, deps.clock, slug);
      if (!current || current.entry.sourceKey !== key) return undefined;
      if (current.entry.removedAt) return current.entry;
      const entry: IndexEntry = { ...withdrawnDispatches(current.entry), removedAt: deps.clock.now() };
      return (await writeIndexEntry(deps.editorials, entry, current)) ? entry : AGAIN;
    },
  );
  if (!marked) {
    deps.log.info('the published version of this slug comes from another object; left as it is', { slug });
    return { outcome: 'ignored', reason: 'published from another object' };
  }
  await stopDispatches(deps, marked, 'removed');
  await syncPublicFiles(deps, slug);
  const changedFeeds = await updateCatalogue(deps, slug);
  await updatePartnerFeeds(deps, slug);
  await announceFeeds(deps, changedFeeds);
  deps.log.info('editorial withdrawn: its approved object was removed', { slug });
  return { outcome: 'withdrawn', slug };
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
