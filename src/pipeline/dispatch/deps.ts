import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Clock, KeyValueTable, Mailer } from '../../ports.ts';
import type { BackoffPolicy } from '../../retry.ts';
import type { TemplateCache } from './dispatch-template.ts';
import type { ReaderProfile } from './audience.ts';
import type { DigestCopy } from './digest-selection.ts';
import type { TokenBucket } from './token-bucket.ts';

/*
 * The types the dispatch worker's parts share (worker.ts, shard-ledger.ts, recipient-sender.ts, send-journal.ts):
 * each part imports them from here, never from the file that calls it, so no part of the worker imports its caller.
 */

export interface WorkerDeps {
  /** The shard leases and send records, and the dispatch's template (copied there by the planner). */
  ledger: KeyValueTable;
  /** Each recipient's address and status, read when its shard is sent (shards carry ids alone). */
  subscribers: KeyValueTable;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  rate: TokenBucket;
  config: Config;
  /** The signed one-click unsubscribe link of one subscriber, bound to the record's link nonce when it has one (the
   * subscribers' token scheme, wired in src/app). */
  unsubscribeUrl: (subscriberId: string, nonce?: string) => string;
  configurationSet?: string;
  /** How long a shard lease protects a shard after its last renewal before another worker may take it over.
   * Default 10 minutes. */
  leaseMs?: number;
  /** How often a worker sending a shard reads whether its dispatch was stopped (also at every lease renewal).
   * Default 2 seconds. */
  stopCheckMs?: number;
  /** Recipients of one shard sent at the same time (each still takes a token). Default 1. */
  recipientConcurrency?: number;
  /** Retries of one recipient the provider throttled. */
  throttleBackoff?: BackoffPolicy;
  /** Retries of a ledger call that failed (lease, reading the records). */
  ledgerBackoff?: BackoffPolicy;
  /** How long a record may wait for others to share its write (fewer ledger calls, a wider window). Default 50. */
  recordLingerMs?: number;
  /** Retries of a record write: longer, since giving up on it opens the window described in worker.ts. */
  recordBackoff?: BackoffPolicy;
  /** Milliseconds left in this invocation (Lambda's getRemainingTimeInMillis): a shard stops in time and comes back. */
  remainingMs?: () => number;
  random?: () => number;
  templates?: TemplateCache;
}

/** What the ledger already holds of a shard: the recipients with a record, and how many of those were sent. */
export interface Recorded {
  ids: Set<string>;
  sent: number;
}

/** Why a worker holding a shard must stop sending it now, if it must. */
export type Interruption = 'lease lost' | 'dispatch stopped' | 'dispatch paused';

/** A recipient still confirmed at send time: the address, and the record's link nonce (absent on older records). */
export interface Recipient {
  id: string;
  email: string;
  nonce?: string;
  /** What a digest is chosen by: the reader's language, topics and cadence, as the record holds them now. */
  profile?: ReaderProfile;
  /** For a digest: this reader's language variant and items. */
  digest?: DigestCopy;
}
