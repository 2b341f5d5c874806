// Dispatch worker: SQS shards of recipients → SES, one ledger-claimed send each. Never loads mjml, Handlebars or the
// S3 client (the template comes from the ledger): only the factories it calls end up in its bundle.
import * as deps from '../src/pipeline/deps.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';
import { shardRecords, type SqsEvent } from '../src/pipeline/dispatch/sqs-event.ts';
import { workerTokenBucket } from '../src/pipeline/dispatch/token-bucket.ts';
import { processShards, type BatchResponse, type WorkerDeps } from '../src/pipeline/dispatch/worker.ts';

const runtime = await loadRuntimeConfig();
const endpoints = deps.endpointsFromEnv();
const clock = deps.clock();
const workerDeps: WorkerDeps = {
  ledger: deps.ledger(runtime, endpoints),
  mailer: deps.mailer(runtime, endpoints),
  clock,
  log: deps.log('dispatch-worker'),
  rate: workerTokenBucket(runtime.sendRatePerSecond, runtime.workerConcurrency, clock),
  config: runtime.publication,
  tokenSecret: runtime.tokenSecret,
  ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
};

export async function handler(event: SqsEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<BatchResponse> {
  const remainingMs = context?.getRemainingTimeInMillis ? () => context.getRemainingTimeInMillis!() : undefined;
  return processShards(remainingMs ? { ...workerDeps, remainingMs } : workerDeps, shardRecords(event));
}
