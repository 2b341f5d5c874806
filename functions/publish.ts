// Publish: S3 events of the editorials bucket → pages, ninjs, feeds, then the dispatch plan. A scheduled event
// (anything without Records) releases editorials whose embargo has passed.
import { decodeS3EventKey, type S3NotificationEvent } from '../src/adapters/s3-event.ts';
import * as deps from '../src/pipeline/deps.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { publishObject, releaseEmbargoed, type PublishDeps } from '../src/pipeline/publish/index.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';

const runtime = await loadRuntimeConfig();
const endpoints = deps.endpointsFromEnv();
const clock = deps.clock();
const log = deps.log('publish');
const editorials = deps.editorials(runtime, endpoints);
const planDeps = {
  editorials,
  subscribers: deps.subscribers(runtime, endpoints),
  ledger: deps.ledger(runtime, endpoints),
  queue: deps.queue(runtime, endpoints),
  clock,
  log,
  shardSize: runtime.shardSize,
};
const publishDeps: PublishDeps = {
  editorials,
  site: deps.site(runtime, endpoints),
  config: runtime.publication,
  clock,
  log,
  planDispatch: async (request) => void (await planDispatch(planDeps, request)),
};

export async function handler(event: S3NotificationEvent | { source?: string }): Promise<void> {
  if (!('Records' in event)) {
    await releaseEmbargoed(publishDeps);
    return;
  }
  for (const record of event.Records) {
    const kind = record.eventName.startsWith('ObjectRemoved:') ? 'removed' : record.eventName.startsWith('ObjectCreated:') ? 'created' : undefined;
    if (kind) await publishObject(publishDeps, { kind, key: decodeS3EventKey(record.s3.object.key) });
  }
}
