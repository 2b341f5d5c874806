import type { ShardRecord } from './worker.ts';

/** The parts of a Lambda SQS event this project reads. */
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

export function shardRecords(event: SqsEvent): ShardRecord[] {
  return event.Records.map((r) => ({
    messageId: r.messageId,
    body: r.body,
    receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? 1) || 1,
  }));
}
