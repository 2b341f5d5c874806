import { CloudFrontInvalidator } from '../adapters/cloudfront-invalidator.ts';
import { decodeS3EventKey, type S3NotificationEvent } from '../adapters/s3-event.ts';
import { systemClock } from '../adapters/clock.ts';
import { scheduleDispatch } from '../pipeline/dispatch/dispatch-register.ts';
import { stopDispatch } from '../pipeline/dispatch/dispatch-stop.ts';
import { digestWithdrawnKey } from '../pipeline/dispatch/ledger-keys.ts';
import { planDispatch, type PlanDeps } from '../pipeline/dispatch/plan.ts';
import { publishObject, releaseEmbargoed, type PublishDeps } from '../pipeline/publish/index.ts';
import { planDueDigests } from '../pipeline/digest/send-digest.ts';
import { withRegistryPartners } from '../partners/registry-feeds.ts';
import {
  cloudFrontApi,
  dispatchQueue,
  editorialsStore,
  functionLog,
  hubNotifier,
  ledgerTable,
  siteStore,
  subscribersTable,
  webhookQueue,
} from './adapters.ts';
import { killWatchWiring } from './pickup.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** The publish stage and the dispatch planner (and stop) it calls, on one set of adapters. */
export function publishWiring(runtime: RuntimeConfig): PublishDeps {
  const clock = systemClock;
  const log = functionLog(runtime, 'publish');
  const editorials = editorialsStore(runtime);
  const ledger = ledgerTable(runtime);
  const plan: PlanDeps = {
    editorials,
    subscribers: subscribersTable(runtime),
    ledger,
    queue: dispatchQueue(runtime),
    clock,
    log,
    shardSize: runtime.shardSize,
  };
  // Emulator endpoints mean a local run: its loopback receivers (webhooks, a hub) may be plain http.
  const localRun = Object.keys(runtime.endpoints).length > 0;
  const hub = hubNotifier(runtime.publication, { allowLocal: localRun });
  const webhooks = webhookQueue(runtime);
  const invalidator = runtime.distributionId
    ? new CloudFrontInvalidator(cloudFrontApi(runtime), runtime.distributionId)
    : undefined;
  return {
    editorials,
    site: siteStore(runtime),
    config: runtime.publication,
    clock,
    log,
    planDispatch: async (request) => void (await planDispatch(plan, request)),
    stopDispatch: async (request) => void (await stopDispatch({ ledger, clock, log }, request)),
    scheduleDispatch: (request) => scheduleDispatch(ledger, request, clock.now()),
    withdrawFromDigest: ({ dispatchId, slug }) =>
      ledger.put({ ...digestWithdrawnKey(dispatchId, slug), at: clock.now().toISOString() }),
    ...(localRun && { localRun }),
    ...(hub && { hub }),
    ...(webhooks && { webhooks }),
    ...(invalidator && { invalidator }),
    ...(runtime.partnerSecret !== undefined && { partnerSecret: runtime.partnerSecret }),
  };
}

export type PublishEvent = S3NotificationEvent | { source?: string };

/**
 * The publish function: S3 events of the editorials bucket → pages, ninjs, feeds, then the dispatch plan. A
 * scheduled event (anything without Records) releases editorials whose embargo has passed and plans the digests
 * whose period has ended.
 */
export function createPublishHandler(
  runtime: RuntimeConfig,
  deps = publishWiring(runtime),
  watchKills = killWatchWiring(runtime, { log: deps.log }),
): (event: PublishEvent) => Promise<void> {
  return async (event) => {
    // The partners in effect for this invocation: the partner registry, read once, else the configuration's.
    const { deps: now, problem } = await withRegistryPartners(deps);
    if (!('Records' in event)) {
      await releaseEmbargoed(now);
      // The same schedule plans each digest once its period ends; a run that finds it planned does nothing.
      await planDueDigests(now);
      // Whether each partner fetched each kill within the hour: a metric the stack alarms on. It holds up no release.
      await watchKills?.(now.config).catch((err: unknown) =>
        deps.log.error('the partner kill watch failed; the next scheduled run tries again', { error: err }),
      );
    } else {
      for (const record of event.Records) {
        const kind = record.eventName.startsWith('ObjectRemoved:')
          ? 'removed'
          : record.eventName.startsWith('ObjectCreated:')
            ? 'created'
            : undefined;
        if (kind) await publishObject(now, { kind, key: decodeS3EventKey(record.s3.object.key) });
      }
    }
    if (problem) throw problem;
  };
}
