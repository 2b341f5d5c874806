import { isCadence, type CadenceFields } from '../../cadence.ts';
import type { Item } from '../../ports.ts';
import { SUBSCRIBER_ID } from './shard-message.ts';

/*
 * What every dispatch, an editorial's or a digest's, asks of a subscribers-table item: whether it may be mailed at all,
 * and the reader's topics, language and cadence. The planners choose by them, and the worker chooses a digest's items.
 */

/** What is read of a reader, besides the address, to choose who gets an editorial and what a digest holds. */
export interface ReaderProfile extends CadenceFields {
  language?: string;
  /** Empty: every topic. */
  topics: string[];
}

/** A confirmed subscriber with a well-formed id and an address. */
export function isMailable(subscriber: Item): boolean {
  return (
    subscriber.status === 'confirmed' &&
    typeof subscriber.id === 'string' &&
    SUBSCRIBER_ID.test(subscriber.id) &&
    typeof subscriber.email === 'string' &&
    subscriber.email.includes('@')
  );
}

/** The profile fields of a subscribers-table item (the rest of the record is not read). */
export function readerProfile(item: Record<string, unknown>): ReaderProfile {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const language = text(item.language);
  const changedAt = text(item.cadenceChangedAt);
  return {
    topics: Array.isArray(item.topics) ? item.topics.filter((t): t is string => typeof t === 'string') : [],
    ...(language !== undefined && { language }),
    ...(isCadence(item.cadence) && { cadence: item.cadence }),
    ...(changedAt !== undefined && { cadenceChangedAt: changedAt }),
    ...(isCadence(item.previousCadence) && { previousCadence: item.previousCadence }),
  };
}

/** Topics are compared without case or surrounding space. */
export const topicKey = (topic: string) => topic.trim().toLowerCase();

/**
 * Whether `topics` meet `wanted` (topic keys): either side empty means every topic, else one must be in both. Holds
 * both ways round: a reader's topics against an editorial's, or an editorial's against a reader's.
 */
export function sharesTopic(topics: readonly string[], wanted: ReadonlySet<string>): boolean {
  return wanted.size === 0 || topics.length === 0 || topics.some((t) => wanted.has(topicKey(t)));
}
