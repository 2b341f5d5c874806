import { digestWindow } from '../../cadence.ts';
import type { Item } from '../../ports.ts';
import type { DispatchRequest } from '../publish/dispatch-request.ts';
import { isMailable, readerProfile, sharesTopic } from './audience.ts';

/**
 * A confirmed subscriber who was on the digest's cadence for some of its period (digestWindow) and shares a topic
 * with one of its editorials (or has none, or an editorial has none: `topics` then is empty). The worker chooses
 * each reader's items again at send time, and sends nothing to one left without any.
 */
export function wantsDigest(
  subscriber: Item,
  digest: NonNullable<DispatchRequest['digest']>,
  topics: ReadonlySet<string>,
): boolean {
  if (!isMailable(subscriber)) return false;
  const reader = readerProfile(subscriber);
  const period = { start: new Date(digest.period.start), end: new Date(digest.period.end) };
  return digestWindow(reader, digest.cadence, period) !== undefined && sharesTopic(reader.topics, topics);
}
