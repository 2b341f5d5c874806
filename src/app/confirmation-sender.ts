import type { SqsEvent } from '../pipeline/dispatch/sqs-event.ts';
import type { BatchResponse } from '../pipeline/dispatch/worker.ts';
import { sendOwedConfirmations } from '../subscribers/confirmations.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

/** The confirmation sender: queued subscribe requests → the confirmation emails their records owe, once each. */
export function createConfirmationSenderHandler(
  runtime: RuntimeConfig,
  deps: SubscriberDeps = subscriberWiring(runtime, 'confirmation-sender'),
): (event: SqsEvent) => Promise<BatchResponse> {
  return (event) => sendOwedConfirmations(deps, event);
}
