import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Clock, KeyValueTable, Mailer, Queue } from '../ports.ts';
import { SubscriberStore } from './store.ts';
import { singleKey, type TokenKeys } from './tokens.ts';

export interface SubscriberDeps {
  subscribers: KeyValueTable;
  mailer: Mailer;
  config: Config;
  /** The key subscriber ids are derived with (and, without `tokenKeys`, the one signing key). */
  tokenSecret: string;
  /** The id key and the signing keys by key id; absent: `tokenSecret` alone is both. */
  tokenKeys?: TokenKeys;
  /** Where the subscribe request hands its confirmation send, for the confirmation sender to make. Absent (a desk
   * run, a test of the pages alone): the send is made within the request. */
  confirmations?: Queue;
  /** Subscribe requests one client address may make a minute. Default 20. */
  subscribeRatePerMinute?: number;
  clock: Clock;
  log: Logger;
  /** Soft bounces after which a subscriber is suppressed. */
  softBounceThreshold: number;
  /** SES configuration set for confirmation mail, so its bounces are reported too. */
  configurationSet?: string;
}

/** The keys of these dependencies: the set, or the single secret as kid "0". */
export const keysOf = (deps: Pick<SubscriberDeps, 'tokenSecret' | 'tokenKeys'>): TokenKeys =>
  deps.tokenKeys ?? singleKey(deps.tokenSecret);

export const storeOf = (deps: SubscriberDeps): SubscriberStore =>
  new SubscriberStore(deps.subscribers, keysOf(deps).idKey, deps.clock);
