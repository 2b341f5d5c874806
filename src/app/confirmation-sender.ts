import type { BatchResponse } from '../batch.ts';
import { sendOwedConfirmations } from '../subscribers/confirmations.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { answerSqsBatch, type SqsEvent } from './sqs-batch.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

/** The confirmation sender: queued subscribe requests → the confirmation emails their records owe, once each. */
export function createConfirmationSenderHandler(
  runtime: RuntimeConfig,
  deps: SubscriberDeps = subscriberWiring(runtime, 'confirmation-sender'),
): (event: SqsEvent) => Promise<BatchResponse> {
  return (event) => answerSqsBatch(event, deps.log, (records) => sendOwedConfirmations(deps, records));
}
