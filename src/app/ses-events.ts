// Apart from the HTTP handlers: this function has no pages, so its bundle carries no templates.
import { systemClock } from '../adapters/clock.ts';
import { processPartialResponse, type BatchResponse, type QueueRecord } from '../batch.ts';
import {
  countDeliveryEvents,
  type CountSummary,
  type DeliveryFiguresDeps,
} from '../pipeline/dispatch/delivery-figures.ts';
import { handleSesEvent, type SesEventSummary } from '../subscribers/flows.ts';
import { parseSesEvent } from '../subscribers/ses-events.ts';
import { ledgerTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { answerSqsBatch, type SqsEvent } from './sqs-batch.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

export type SesEventsResult = (SesEventSummary & { figures: CountSummary }) | BatchResponse;

const isSqsEvent = (event: unknown): event is SqsEvent =>
  typeof event === 'object' &&
  event !== null &&
  Array.isArray((event as SqsEvent).Records) &&
  (event as SqsEvent).Records.every((r) => r?.eventSource === 'aws:sqs');

/**
 * SES events, from the configuration set's EventBridge rule through an SQS queue (or one EventBridge event, or SNS):
 * bounces and complaints suppress subscribers (soft bounces count), and every event of a dispatch's message counts in
 * that dispatch's figures, which may pause it. An SQS batch answers with the records to deliver again.
 */
export const createSesEventsHandler = (runtime: RuntimeConfig): ((event: unknown) => Promise<SesEventsResult>) => {
  const deps = subscriberWiring(runtime, 'ses-events');
  const figures: DeliveryFiguresDeps = {
    ledger: ledgerTable(runtime),
    clock: systemClock,
    log: deps.log,
    sending: runtime.publication.sending,
  };
  const handleOne = async (event: unknown) => {
    const parsed = parseSesEvent(event);
    const summary = await handleSesEvent(deps, event, parsed);
    return { ...summary, figures: await countDeliveryEvents(figures, parsed.events, summary.suppressedByDispatch) };
  };
  return async (event) => {
    if (!isSqsEvent(event)) return handleOne(event);
    // One record after the other: records of one dispatch add to the same figures, and a pause is judged on them.
    // Each body is handed over as the one record of an SQS event, so the parser reads it at the depth it always has.
    const asOwnEvent = (record: QueueRecord) => ({
      Records: [{ eventSource: 'aws:sqs', messageId: record.messageId, body: record.body }],
    });
    return answerSqsBatch(event, deps.log, (records) =>
      processPartialResponse(records, (record) => handleOne(asOwnEvent(record)), {
        order: 'sequential',
        onError: (record, err) =>
          deps.log.error('ses event failed; it will be delivered again', { messageId: record.messageId, error: err }),
      }),
    );
  };
};
