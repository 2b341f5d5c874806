// Apart from the HTTP handlers: this function has no pages, so its bundle carries no templates.
import { systemClock } from '../adapters/clock.ts';
import { countDeliveryEvents, type CountSummary, type DeliveryFiguresDeps } from '../pipeline/dispatch/delivery-figures.ts';
import type { SqsEvent } from '../pipeline/dispatch/sqs-event.ts';
import type { BatchResponse } from '../pipeline/dispatch/worker.ts';
import { handleSesEvent, type SesEventSummary } from '../subscribers/flows.ts';
import { parseSesEvent } from '../subscribers/ses-events.ts';
import { ledgerTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

export type SesEventsResult = (SesEventSummary & { figures: CountSummary }) | BatchResponse;

const isSqsEvent = (event: unknown): event is SqsEvent =>
  typeof event === 'object' && event !== null && Array.isArray((event as SqsEvent).Records) && (event as SqsEvent).Records.every((r) => r?.eventSource === 'aws:sqs');

/**
 * SES events, from the configuration set's EventBridge rule through an SQS queue (or one EventBridge event, or SNS):
 * bounces and complaints suppress subscribers (soft bounces count), and every event of a dispatch's message counts in
 * that dispatch's figures, which may pause it. An SQS batch answers with the records to deliver again.
 */
export const createSesEventsHandler = (runtime: RuntimeConfig): ((event: unknown) => Promise<SesEventsResult>) => {
  const deps = subscriberWiring(runtime, 'ses-events');
  const figures: DeliveryFiguresDeps = { ledger: ledgerTable(runtime), clock: systemClock, log: deps.log, sending: runtime.publication.sending };
  const handleOne = async (event: unknown) => {
    const parsed = parseSesEvent(event);
    const summary = await handleSesEvent(deps, event, parsed);
    return { ...summary, figures: await countDeliveryEvents(figures, parsed.events, summary.suppressedByDispatch) };
  };
  return async (event) => {
    if (!isSqsEvent(event)) return handleOne(event);
    const batchItemFailures: BatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      await handleOne({ Records: [record] }).catch((err: unknown) => {
        deps.log.error('ses event failed; it will be delivered again', { messageId: record.messageId, error: err });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      });
    }
    return { batchItemFailures };
  };
};
