import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Clock, ObjectStore } from '../../ports.ts';
import type { PlanDispatch } from './dispatch-request.ts';

export interface PublishDeps {
  /** The private bucket: approved/, rejected/, index/, sources/, rendered/. */
  editorials: ObjectStore;
  /** The public bucket served to readers: editorials/ and feeds/. */
  site: ObjectStore;
  config: Config;
  clock: Clock;
  log: Logger;
  planDispatch: PlanDispatch;
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
