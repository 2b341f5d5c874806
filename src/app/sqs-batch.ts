import type { BatchItemFailure, BatchResponse, QueueRecord } from '../batch.ts';
import { BroadsheetError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** The parts of a Lambda SQS event this project reads. Only the functions see it: the core takes QueueRecords. */
export interface SqsEvent {
  Records: SqsEventRecord[];
}

export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; [name: string]: string };
  eventSource?: 'aws:sqs';
  eventSourceARN?: string;
}

export class MalformedSqsEventError extends BroadsheetError {
  override name = 'MalformedSqsEventError';
}

/** The record as the core takes it. A missing or unreadable receive count counts as the first delivery. */
function queueRecord(record: SqsEventRecord): QueueRecord {
  return {
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1,
  };
}

/** The SQS event's records, each as the core takes it (for a local run or a test that holds an event). */
export function queueRecords(event: SqsEvent): QueueRecord[] {
  return event.Records.map(queueRecord);
}

const named = (record: unknown): record is { messageId: string } =>
  typeof record === 'object' &&
  record !== null &&
  typeof (record as SqsEventRecord).messageId === 'string' &&
  (record as SqsEventRecord).messageId !== '';

/**
 * Answers an SQS batch: the records go to `process` (which answers with the ones that must come back, through
 * processPartialResponse in src/batch.ts); a record without a body is not passed on, is logged and comes back with
 * them, so the queue's redrive policy parks it. A record with no messageId cannot be named in the answer: the whole
 * batch fails before anything is processed, and comes back.
 */
export async function answerSqsBatch(
  event: SqsEvent,
  log: Logger,
  process: (records: QueueRecord[]) => Promise<BatchResponse>,
): Promise<BatchResponse> {
  const records: QueueRecord[] = [];
  const malformed: BatchItemFailure[] = [];
  for (const [index, record] of (event.Records as unknown[]).entries()) {
    if (!named(record)) {
      log.error('malformed SQS record: no messageId, so the whole batch comes back', {
        index,
        records: event.Records.length,
      });
      throw new MalformedSqsEventError(`SQS record ${index} of ${event.Records.length} has no messageId`);
    }
    if (typeof (record as SqsEventRecord).body !== 'string') {
      log.error('malformed SQS record: no body; it comes back', { messageId: record.messageId });
      malformed.push({ itemIdentifier: record.messageId });
      continue;
    }
    records.push(queueRecord(record as SqsEventRecord));
  }
  const { batchItemFailures } = records.length > 0 ? await process(records) : { batchItemFailures: [] };
  return { batchItemFailures: [...batchItemFailures, ...malformed] };
}
