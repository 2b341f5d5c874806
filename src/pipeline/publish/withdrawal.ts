import { digestItemsPrefix } from '../digest/digest-items.ts';
import type { Editorial } from '../../model.ts';
import type { PublishDeps } from './deps.ts';
import type { StopRequest } from './dispatch-request.ts';
import type { IndexEntry } from './index-entry.ts';

type Dispatches = Pick<IndexEntry, 'dispatchId' | 'dispatchedAt' | 'earlierDispatchIds'>;

/** Every dispatch of the slug that may be sending: the earlier ones and the current one. */
export function dispatchesOf(entry: Dispatches): string[] {
  const ids = [...(entry.earlierDispatchIds ?? []), ...(entry.dispatchId !== undefined ? [entry.dispatchId] : [])];
  return [...new Set(ids)];
}

/**
 * The entry's dispatches as a withdrawal leaves them. One already recorded as handed over stays: a republication
 * sends nothing new unless it asks (`resend: true`). One not recorded as handed over may be mid-plan, or planned by a
 * call that failed before recording it: it is stopped with the rest and becomes an earlier one, so a republication
 * sends under a new id instead of the stopped one.
 */
export function withdrawnDispatches<T extends Dispatches>(entry: T): T {
  if (entry.dispatchId === undefined || entry.dispatchedAt) return entry;
  const { dispatchId: _stopped, ...rest } = entry;
  return { ...rest, earlierDispatchIds: dispatchesOf(entry) } as T;
}

/**
 * A dispatch id for a new send, never one the slug used before: `<slug>` for the first send, else (and for a
 * correction sent again) `<slug>~<updated epoch seconds>`, with `.2`, `.3`… should that be taken too.
 */
export function newDispatchId(editorial: Editorial, used: readonly string[], correction = false): string {
  if (!correction && !used.includes(editorial.slug)) return editorial.slug;
  const base = `${editorial.slug}~${Math.floor(editorial.updated.getTime() / 1000)}`;
  let id = base;
  for (let n = 2; used.includes(id); n++) id = `${base}.${n}`;
  return id;
}

/**
 * Stops every dispatch of a withdrawn editorial (one stop record each, whatever their size), so no worker sends any
 * more of it. Safe to repeat: every delivery of the withdrawal asks again, and a stop asked twice changes nothing.
 */
export async function stopDispatches(
  deps: PublishDeps,
  entry: IndexEntry,
  reason: StopRequest['reason'],
): Promise<void> {
  const slug = entry.editorial.slug;
  await withdrawFromDigests(deps, slug);
  const dispatchIds = dispatchesOf(entry);
  if (dispatchIds.length === 0) return;
  const stop = deps.stopDispatch;
  if (!stop) {
    deps.log.warn('withdrawn where no dispatch can be stopped; its sends were not stopped here', { slug, dispatchIds });
    return;
  }
  await Promise.all(dispatchIds.map((dispatchId) => stop({ dispatchId, slug, reason })));
  deps.log.info('the dispatches of the withdrawn editorial are stopped', { slug, dispatchIds, reason });
}

/**
 * Every digest planned with the editorial in it (digest-items/<slug>/, written before the digest is planned) leaves
 * it out of the copies it has not sent yet. A digest already sent stays as it was: mail cannot be recalled.
 */
async function withdrawFromDigests(deps: PublishDeps, slug: string): Promise<void> {
  const prefix = digestItemsPrefix(slug);
  const dispatchIds: string[] = [];
  for await (const summary of deps.editorials.list(prefix)) {
    if (summary.key.endsWith('.json')) dispatchIds.push(summary.key.slice(prefix.length, -'.json'.length));
  }
  if (dispatchIds.length === 0) return;
  if (!deps.withdrawFromDigest) {
    deps.log.warn('withdrawn where no digest can be told; its digests were not changed here', { slug, dispatchIds });
    return;
  }
  await Promise.all(dispatchIds.map((dispatchId) => deps.withdrawFromDigest!({ dispatchId, slug })));
  deps.log.info('the digests listing the withdrawn editorial leave it out of the copies still to send', {
    slug,
    dispatchIds,
  });
}
