import { BroadsheetError } from './errors.ts';
/**
 * The ports the core depends on. Adapters (src/adapters/) implement them over AWS; tests and local runs use the
 * same adapters against emulators. Nothing here knows about AWS.
 */

// ---------------------------------------------------------------------------------------------------------------
// Object storage (the desk's inbox and the public site)

export interface StoredObject {
  key: string;
  body: Uint8Array;
  lastModified: Date;
  /** Opaque version tag as the store reports it; pass it back unchanged as `PutOptions.ifMatch`. */
  etag: string;
  contentType?: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
  /** Set when the object is larger than the `maxBytes` asked for: its size, and an empty body (never read). */
  tooLarge?: { bytes: number };
}

export interface GetOptions {
  /** Objects larger than this are not read: the answer says `tooLarge` instead of carrying the body. */
  maxBytes?: number;
}

export interface ObjectSummary {
  key: string;
  lastModified: Date;
  etag: string;
  size: number;
}

export interface PutOptions {
  contentType: string;
  cacheControl?: string;
  /** Create only: fails with PreconditionFailedError when the key already exists. */
  ifNoneMatch?: '*';
  /** Replace only this version (an etag from get/list/put): fails with PreconditionFailedError otherwise, also when
   * the object is gone. */
  ifMatch?: string;
  /** User metadata; keys are lower-cased by S3. */
  metadata?: Record<string, string>;
}

export interface ObjectStore {
  /** The object, or undefined when there is none under this key. */
  get(key: string, options?: GetOptions): Promise<StoredObject | undefined>;
  put(key: string, body: string | Uint8Array, options: PutOptions): Promise<{ etag: string }>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order, fetched page by page as iterated. */
  list(prefix: string): AsyncIterable<ObjectSummary>;
}

/** A conditional put lost: the key exists (ifNoneMatch) or holds another version (ifMatch), or a concurrent
 * conditional write to the same key won. Re-read and decide again. */
export class PreconditionFailedError extends BroadsheetError {
  override name = 'PreconditionFailedError';
}

// ---------------------------------------------------------------------------------------------------------------
// Mail

export interface OutgoingEmail {
  /** May carry a display name: `"Monexus" <news@example.org>`. */
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra message headers such as List-Unsubscribe and List-Unsubscribe-Post. */
  headers: { name: string; value: string }[];
  configurationSet?: string;
  /** Message tags for event publishing; names and values limited to ASCII letters, digits, `_` and `-`. */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Throws ThrottledError when the provider asks to slow down, MessageRejectedError when this message can never
   * be sent as it is; any other error is transient or a configuration fault. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The provider refused this call because of its sending rate; the same message may be retried later. */
export class ThrottledError extends BroadsheetError {
  override name = 'ThrottledError';
}

/** The provider refused this message for good (bad address, rejected content): retrying it cannot help. */
export class MessageRejectedError extends BroadsheetError {
  override name = 'MessageRejectedError';
}

// ---------------------------------------------------------------------------------------------------------------
// Work queue (at-least-once delivery)

export interface QueueMessage {
  id: string;
  body: string;
}

export interface ReceivedMessage extends QueueMessage {
  /** Needed to delete the message; valid for this delivery only. */
  receiptHandle: string;
  /** 1 on first delivery; grows with every redelivery. */
  receiveCount: number;
}

export interface ReceiveOptions {
  /** Long-poll up to this many seconds (0 to 20) for a first message. */
  waitSeconds?: number;
  /** Hide the received messages for this many seconds instead of the queue's default. */
  visibilityTimeoutSeconds?: number;
}

export interface Queue {
  /** Sends every body (in batches the queue allows); throws only when some could not be sent after retries. */
  sendBatch(bodies: string[]): Promise<void>;
  /** Up to `max` (1 to 10) messages; an unfinished message comes back after its visibility timeout. */
  receive(max: number, options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// WebSub (a hub told that feeds changed)

export interface HubNotifier {
  /** Tells the hub that each of these feed URLs has new content (`hub.mode=publish`). Throws when the hub could not
   * be told after its retries; the feeds themselves are already written then. */
  publish(feedUrls: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// CDN cache (the distribution in front of the public site)

export interface CacheInvalidator {
  /** Drops the cached copies of these public keys (paths below the site root, without a leading slash, as stored)
   * from every edge location. Throws when the request could not be made; the caller decides whether to try again. */
  invalidate(paths: string[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Time

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Key-value table (subscribers, the send ledger)

/** A stored item: plain JSON-like values (string, number, boolean, null, arrays, objects). */
export type Item = Record<string, unknown>;

/** An item's primary key: the partition key attribute, plus the sort key attribute when the table has one. */
export type ItemKey = Record<string, string | number>;

export interface Page {
  items: Item[];
  /** Pass back to read the next page; absent on the last page. */
  cursor?: string;
}

export interface UpdateSpec {
  /** Attributes to set. */
  set?: Record<string, unknown>;
  /** Attributes to remove. */
  remove?: string[];
  /** Numeric attributes to add to atomically (a missing attribute counts as 0). */
  increment?: Record<string, number>;
  /** Apply only when each named attribute currently has exactly this value; `undefined` means "is absent". */
  expected?: Record<string, unknown>;
}

/**
 * A table of items addressed by a partition key and an optional sort key. Reads are strongly consistent, every
 * write is atomic for one item, and there are no multi-item transactions.
 */
export interface QueryOptions {
  sortKeyPrefix?: string;
  limit?: number;
  cursor?: string;
  /** Highest sort key first (the newest, where sort keys start with a time). */
  newestFirst?: boolean;
}

export interface KeyValueTable {
  get(key: ItemKey): Promise<Item | undefined>;
  /** The items that exist among `keys` (any number, fetched in batches), in no particular order. */
  getMany(keys: ItemKey[]): Promise<Item[]>;
  /** Writes the item only when no item with its key exists; true when written, false when one already existed. */
  putIfAbsent(item: Item): Promise<boolean>;
  /** Writes the item, replacing any item with its key. */
  put(item: Item): Promise<void>;
  /** Writes every item unconditionally (any number, in batches), each replacing any item with its key. Not atomic
   * as a whole: when it throws, some items may have been written. */
  putMany(items: Item[]): Promise<void>;
  /** Changes an existing item when `expected` holds; the item as it is afterwards, or undefined when the item does
   * not exist or `expected` did not hold (nothing was changed then). Never creates an item. */
  update(key: ItemKey, changes: UpdateSpec): Promise<Item | undefined>;
  delete(key: ItemKey): Promise<void>;
  /** Items with this partition key value, in sort key order (descending with `newestFirst`), optionally only sort
   * keys starting with a prefix. */
  query(partition: string | number, options?: QueryOptions): Promise<Page>;
  /** All items, a page at a time; `segment` of `totalSegments` splits the table for parallel readers. The order is
   * the table's own and stable: `startAfter` (an item's key, which need not exist any more) resumes a scan right
   * after that item. */
  scan(options?: {
    limit?: number;
    cursor?: string;
    startAfter?: ItemKey;
    segment?: number;
    totalSegments?: number;
  }): Promise<Page>;
}

// ---------------------------------------------------------------------------------------------------------------
// Outgoing HTTP (partner webhooks)

export interface HttpPoster {
  /** POSTs the body; the answer's status. Throws on a network error or when no answer came within the timeout. */
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}

// ---------------------------------------------------------------------------------------------------------------
// Site fetches (who fetched what from the public site: the CDN's access logs, or a local run's request log)

/** One answered request for an object of the public site. */
export interface SiteFetch {
  at: Date;
  /** The object's key below the site root, without a leading slash: `partners/<path>/atom.xml`. */
  path: string;
  status: number;
}

export interface PartnerFetchLog {
  /** The requests under `partners/` answered 200 or 304 from `since` to `until`, in no particular order. Records
   * may arrive late (a CDN writes its logs minutes after the request): what is not there yet is not yielded. */
  fetchesSince(since: Date, until: Date): AsyncIterable<SiteFetch>;
}
