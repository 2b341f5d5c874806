// Never loads the S3 or SES clients: the webhook worker signs and POSTs what the queue carries, and records in the
// send ledger what became of each attempt (the pickup report reads it).
import { systemClock } from '../adapters/clock.ts';
import { DEVELOPMENT_PARTNER_SECRET } from '../partners/paths.ts';
import type { BatchResponse } from '../batch.ts';
import { deliverWebhooks, type WebhookDeps } from '../pipeline/webhooks/deliver.ts';
import { functionLog, httpPoster, ledgerTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { answerSqsBatch, type SqsEvent } from './sqs-batch.ts';

/** How long a partner's endpoint has to answer one delivery. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export function webhookWiring(runtime: RuntimeConfig): WebhookDeps {
  return {
    config: runtime.publication,
    webhookSecret: runtime.webhookSecret ?? runtime.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET,
    poster: httpPoster(WEBHOOK_TIMEOUT_MS),
    clock: systemClock,
    log: functionLog(runtime, 'partner-webhook'),
    records: ledgerTable(runtime),
    ...(runtime.webhookMaxReceiveCount !== undefined && { maxReceiveCount: runtime.webhookMaxReceiveCount }),
  };
}

/** The partner webhook worker: SQS messages of partner changes → signed HTTPS POSTs; failures come back. */
export function createPartnerWebhookHandler(
  runtime: RuntimeConfig,
  deps = webhookWiring(runtime),
): (event: SqsEvent) => Promise<BatchResponse> {
  return (event) => answerSqsBatch(event, deps.log, (records) => deliverWebhooks(deps, records));
}
