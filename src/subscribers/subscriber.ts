import { isCadence, type CadenceFields } from '../cadence.ts';
import type { Item } from '../ports.ts';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * One item of the subscribers table (partition key `id`); times are ISO 8601 strings. Its cadence fields
 * (CadenceFields: `cadence`, absent on records from before cadences meaning `each`, `cadenceChangedAt`,
 * `previousCadence`) say how often the reader gets mail, and since when.
 */
export interface Subscriber extends CadenceFields {
  id: string;
  /** The normalised address (see normalizeAddress). */
  email: string;
  status: SubscriberStatus;
  /** Empty: every topic. */
  topics: string[];
  /** When the subscriber consented: the confirmation under double opt-in, or the time an import vouches for. */
  consentAt?: string;
  /** Where the consent came from: `web-form:<source>`, `import:<name>`. */
  consentSource?: string;
  /** The reader's language as the form gave it (a BCP 47 tag), for the mail written to them. */
  language?: string;
  /** The last subscribe request through the web form that asked for a confirmation. */
  requestedAt?: string;
  /** A confirmation email is owed: decided at this time by a subscribe request, not yet taken by the sender. */
  confirmationDueAt?: string;
  /** When the confirmation sender last took a send (and sent it, unless the mailbox had its day's share). */
  confirmationSentAt?: string;
  confirmedAt?: string;
  /** A welcome email is owed: decided by the confirmation itself, not yet taken by the sender. */
  welcomeDueAt?: string;
  welcomeSentAt?: string;
  unsubscribedAt?: string;
  softBounces: number;
  /** The SES feedback id of the last soft bounce counted, so a redelivered event is not counted twice. */
  lastSoftBounceId?: string;
  suppressedReason?: string;
  suppressedAt?: string;
  /** Signed into this subscription's confirm and unsubscribe links (src/subscribers/tokens.ts): new with the record
   * and with each subscription after an unsubscription, so no older link works. Absent on records from before it. */
  linkNonce?: string;
  updatedAt: string;
  /** Grows with every write; each change is conditional on the version it read. */
  version: number;
}

export function isSubscriberStatus(value: unknown): value is SubscriberStatus {
  return typeof value === 'string' && (SUBSCRIBER_STATUSES as readonly string[]).includes(value);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Whether a table item is a subscriber (the table also holds counters, which have no status). */
export function isSubscriberItem(item: Item): boolean {
  return isSubscriberStatus(item.status);
}

export function subscriberFromItem(item: Item): Subscriber {
  const optional = (name: keyof Subscriber) => {
    const value = text(item[name]);
    return value === undefined ? {} : { [name]: value };
  };
  return {
    id: String(item.id),
    email: String(item.email ?? ''),
    status: isSubscriberStatus(item.status) ? item.status : 'pending',
    topics: Array.isArray(item.topics) ? item.topics.filter((t): t is string => typeof t === 'string') : [],
    ...optional('consentAt'),
    ...optional('consentSource'),
    ...optional('language'),
    ...optional('requestedAt'),
    ...optional('confirmationDueAt'),
    ...optional('confirmationSentAt'),
    ...optional('confirmedAt'),
    ...optional('welcomeDueAt'),
    ...optional('welcomeSentAt'),
    ...optional('unsubscribedAt'),
    softBounces: typeof item.softBounces === 'number' ? item.softBounces : 0,
    ...optional('lastSoftBounceId'),
    ...optional('suppressedReason'),
    ...optional('suppressedAt'),
    ...optional('linkNonce'),
    ...(isCadence(item.cadence) && { cadence: item.cadence }),
    ...optional('cadenceChangedAt'),
    ...(isCadence(item.previousCadence) && { previousCadence: item.previousCadence }),
    updatedAt: text(item.updatedAt) ?? '',
    version: typeof item.version === 'number' ? item.version : 0,
  };
}
