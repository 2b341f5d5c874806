// Never loads mjml, Handlebars or the S3 client (the template comes from the ledger): only the adapters asked for
// here end up in the worker's bundle (test/integration/infra-bundle.test.ts checks).
import { systemClock } from '../adapters/clock.ts';
import { TemplateCache } from '../pipeline/dispatch/dispatch-template.ts';
import type { BatchResponse } from '../batch.ts';
import type { WorkerDeps } from '../pipeline/dispatch/deps.ts';
import { workerTokenBucket } from '../pipeline/dispatch/token-bucket.ts';
import { processShards } from '../pipeline/dispatch/worker.ts';
import { unsubscribeUrl } from '../subscribers/tokens.ts';
import { functionLog, ledgerTable, mailer, subscribersTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { answerSqsBatch, type SqsEvent } from './sqs-batch.ts';

export function workerWiring(runtime: RuntimeConfig): WorkerDeps {
  const clock = systemClock;
  // Both tables share one DynamoDB client (adapters.ts): a cold worker sets up two SDK clients, this and SES.
  return {
    ledger: ledgerTable(runtime),
    subscribers: subscribersTable(runtime),
    mailer: mailer(runtime),
    clock,
    log: functionLog(runtime, 'dispatch-worker'),
    rate: workerTokenBucket(runtime.sendRatePerSecond, runtime.workerConcurrency, clock),
    config: runtime.publication,
    unsubscribeUrl: (subscriberId, nonce) =>
      unsubscribeUrl(runtime.publication, runtime.tokenKeys ?? runtime.tokenSecret, subscriberId, nonce),
    // One cache per worker (one per Lambda container): two local pipelines in one process never share templates.
    templates: new TemplateCache(),
    ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
  };
}

export type WorkerContext = { getRemainingTimeInMillis?: () => number };

/** The dispatch worker: SQS shards of recipients → SES, each send recorded in the ledger. */
export function createDispatchWorkerHandler(
  runtime: RuntimeConfig,
  deps = workerWiring(runtime),
): (event: SqsEvent, context?: WorkerContext) => Promise<BatchResponse> {
  return (event, context) => {
    const remaining = context?.getRemainingTimeInMillis;
    const invocation = remaining ? { ...deps, remainingMs: () => remaining.call(context) } : deps;
    return answerSqsBatch(event, invocation.log, (records) => processShards(invocation, records));
  };
}
