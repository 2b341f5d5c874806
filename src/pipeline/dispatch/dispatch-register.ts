import type { KeyValueTable } from '../../ports.ts';
import { dispatchTag } from './figures.ts';
import type { ScheduleRequest } from '../publish/dispatch-request.ts';
import { dispatchListKey, dispatchScheduleKey, slugDispatchKey } from './ledger-keys.ts';

/** `{ pk: 'tag#<dispatch tag>', sk: 'dispatch', dispatchId }`: SES events carry the tag; this finds the dispatch. */
export const tagKey = (tag: string) => ({ pk: `tag#${tag}`, sk: 'dispatch' });

/**
 * Makes a new dispatch findable by the desk: in the list of every dispatch (newest first), under its slug, and by
 * the tag its SES events carry. The tag item is written first and keeps the dispatch's creation time, so a repeated
 * call (a scheduled send being planned, a retried publish) writes the same list entries again, never a second pair.
 */
export async function registerDispatch(
  ledger: KeyValueTable,
  entry: { dispatchId: string; slug: string; createdAt: string },
): Promise<void> {
  const { dispatchId, slug } = entry;
  const key = tagKey(dispatchTag(dispatchId));
  const createdAt = (await ledger.putIfAbsent({ ...key, dispatchId, createdAt: entry.createdAt }))
    ? entry.createdAt
    : String((await ledger.get(key))?.createdAt ?? entry.createdAt);
  await Promise.all([
    ledger.putIfAbsent({ ...dispatchListKey(createdAt, dispatchId), dispatchId, slug }),
    ledger.putIfAbsent({ ...slugDispatchKey(slug, createdAt, dispatchId), dispatchId }),
  ]);
}

/** The dispatch id behind an SES tag, when this ledger planned it. */
export async function dispatchOfTag(ledger: KeyValueTable, tag: string): Promise<string | undefined> {
  const item = await ledger.get(tagKey(tag));
  return typeof item?.dispatchId === 'string' ? item.dispatchId : undefined;
}

/** A send that waits for its time: the desk sees it `scheduled` (and may cancel it) until the release plans it. */
export async function scheduleDispatch(ledger: KeyValueTable, request: ScheduleRequest, now: Date): Promise<void> {
  await ledger.put({
    ...dispatchScheduleKey(request.dispatchId),
    slug: request.slug,
    sendAt: request.sendAt.toISOString(),
  });
  await registerDispatch(ledger, { dispatchId: request.dispatchId, slug: request.slug, createdAt: now.toISOString() });
}
