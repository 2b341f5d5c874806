import { digestWindow } from '../../cadence.ts';
import type { Item } from '../../ports.ts';
import type { DispatchRequest } from '../publish/dispatch-request.ts';
import { readerProfile } from './digest-selection.ts';
import { SUBSCRIBER_ID } from './shard-message.ts';

const topicKey = (topic: string) => topic.trim().toLowerCase();

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
  if (subscriber.status !== 'confirmed') return false;
  if (typeof subscriber.id !== 'string' || !SUBSCRIBER_ID.test(subscriber.id)) return false;
  if (typeof subscriber.email !== 'string' || !subscriber.email.includes('@')) return false;
  const reader = readerProfile(subscriber);
  const period = { start: new Date(digest.period.start), end: new Date(digest.period.end) };
  if (!digestWindow(reader, digest.cadence, period)) return false;
  return topics.size === 0 || reader.topics.length === 0 || reader.topics.some((t) => topics.has(topicKey(t)));
}
