import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { CacheInvalidator, Clock, HubNotifier, ObjectStore, Queue } from '../../ports.ts';
import type { PlanDispatch, ScheduleDispatch, StopDispatch } from './dispatch-request.ts';

export interface PublishDeps {
  /** The private bucket: approved/, rejected/, index/, sources/, rendered/, catalogue/. */
  editorials: ObjectStore;
  /** The public bucket served to readers: the pages, feeds, archives and sitemaps. */
  site: ObjectStore;
  config: Config;
  clock: Clock;
  log: Logger;
  planDispatch: PlanDispatch;
  /** Stops a dispatch of a withdrawn editorial, whatever its sending has reached. Left out only where nothing is
   * ever sent from these deps (rebuilding the catalogue); a withdrawal there logs that it stopped nothing. */
  stopDispatch?: StopDispatch;
  /** Tells the digest `dispatchId`, planned with this editorial in it, that it was withdrawn: its copies not yet sent
   * leave it out. Left out only where nothing is sent (rebuilding the catalogue). */
  withdrawFromDigest?: (request: { dispatchId: string; slug: string }) => Promise<void>;
  /** Records a send that waits for its `email.sendAt`; without it such a send is only held by its marker. */
  scheduleDispatch?: ScheduleDispatch;
  /** A local run on emulators: the partner registry may then name plain-http loopback webhooks (never in Lambda). */
  localRun?: boolean;
  /** The WebSub hub told of every change to a subscription document, when one is configured. */
  hub?: HubNotifier;
  /** The secret partner paths are derived from (src/partners/paths.ts): the development secret when absent. */
  partnerSecret?: string;
  /** Where each change of an item a partner with a `webhook` takes is queued for delivery (src/partners/webhooks.ts);
   * without it no webhook is sent. */
  webhooks?: Queue;
  /** The CDN in front of `site`: told once, at the end of a correction or withdrawal, of every public key it
   * changed (src/pipeline/publish/invalidation.ts). Without it cached copies expire by their Cache-Control. */
  invalidator?: CacheInvalidator;
}

/** One S3 record: an object written or deleted under the editorials bucket (key already decoded). */
export interface ObjectEvent {
  kind: 'created' | 'removed';
  key: string;
}

export type PublishOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'missing' }
  | { outcome: 'rejected'; line: number | null; reason: string }
  | { outcome: 'stale'; slug: string }
  | { outcome: 'published' | 'corrected' | 'duplicate'; slug: string; dispatchId?: string }
  | { outcome: 'withdrawn'; slug: string };
