import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type BatchResultErrorEntry,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BroadsheetError } from '../errors.ts';
import type { Queue, ReceivedMessage, ReceiveOptions } from '../ports.ts';
import { AGAIN, retry, type BackoffPolicy } from '../retry.ts';
import { systemClock } from './clock.ts';

const MAX_ENTRIES = 10;
/** SQS limits a whole batch request's payload; keep under the long-standing 256 KiB limit. */
const MAX_BATCH_BYTES = 256 * 1024;
/** Entries SQS failed for its own reasons are sent again, twice at most, after a short jittered wait. */
const RESEND_POLICY: BackoffPolicy = { attempts: 3, baseMs: 50, capMs: 500 };

/** Queue over one SQS queue. */
export class SqsQueue implements Queue {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {}

  async sendBatch(bodies: string[]): Promise<void> {
    for (const batch of batches(bodies)) await this.sendOneBatch(batch);
  }

  async receive(max: number, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(1, Math.trunc(max)), MAX_ENTRIES),
        WaitTimeSeconds: options.waitSeconds ?? 0,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        // The older spelling of the same request; local-aws-sqs honours only this one.
        AttributeNames: ['All'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      id: m.MessageId ?? '',
      body: m.Body ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async delete(receiptHandle: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }));
  }

  /** Resends only the entries SQS reports as failed; a sender fault (an invalid body) is not retried. */
  private async sendOneBatch(bodies: string[]): Promise<void> {
    let pending: SendMessageBatchRequestEntry[] = bodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
    let failed: BatchResultErrorEntry[] = [];
    const notSent = () => {
      const reasons = failed.map((f) => `${f.Code ?? 'error'}: ${f.Message ?? ''}`.trim()).join('; ');
      return new BroadsheetError(
        `${failed.length} of ${bodies.length} messages not sent to ${this.queueUrl}: ${reasons}`,
      );
    };
    await retry(
      systemClock,
      RESEND_POLICY,
      async () => {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        failed = out.Failed ?? [];
        if (failed.length === 0) return;
        if (failed.some((f) => f.SenderFault)) throw notSent();
        const again = new Set(failed.map((f) => f.Id));
        pending = pending.filter((entry) => again.has(entry.Id));
        return AGAIN;
      },
      { retryable: () => false, exhausted: notSent },
    );
  }
}

function* batches(bodies: string[]): Generator<string[]> {
  let batch: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body, 'utf8');
    if (batch.length === MAX_ENTRIES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(body);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
