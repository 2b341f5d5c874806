/*
 * The one partial-batch loop of every queue consumer (the dispatch worker, the webhook deliverer, the confirmation
 * sender, the SES events function), in the manner of Powertools for AWS Lambda's processPartialResponse: a handler
 * for one record in, the records that must come back out. It knows nothing of Lambda's event shape (the functions
 * turn an SQS event into these records: src/app/sqs-batch.ts), so the core and its tests deal in plain records.
 */

/** One queue message, as a record handler sees it. */
export interface QueueRecord {
  messageId: string;
  body: string;
  /** How many times the queue has handed this message out, this time included (1 the first time). */
  receiveCount: number;
}

export interface BatchItemFailure {
  itemIdentifier: string;
}

/** The SQS partial batch response: the records to deliver again; all others are deleted. */
export interface BatchResponse {
  batchItemFailures: BatchItemFailure[];
}

/**
 * A record's work. It fails by throwing, or by resolving to `false` once it has logged why itself (a shard that
 * stopped half-way, a busy lease); anything else is success, and the message is deleted.
 */
export type RecordHandler<R extends QueueRecord = QueueRecord> = (record: R) => Promise<unknown>;

export interface BatchOptions<R extends QueueRecord = QueueRecord> {
  /**
   * 'sequential' (one record after the other, in queue order) when records share something that must not be raced
   * or outrun (a send rate, a ledger); 'parallel' when each record stands alone.
   */
  order: 'sequential' | 'parallel';
  /** Logs a record whose handler threw: the record comes back whatever this does. */
  onError: (record: R, error: unknown) => void;
}

/** Runs `handler` on every record; the answer names, in record order, each record that failed. */
export async function processPartialResponse<R extends QueueRecord>(
  records: readonly R[],
  handler: RecordHandler<R>,
  options: BatchOptions<R>,
): Promise<BatchResponse> {
  const succeeded = async (record: R): Promise<boolean> => {
    try {
      return (await handler(record)) !== false;
    } catch (err) {
      options.onError(record, err);
      return false;
    }
  };
  const outcomes: boolean[] = [];
  if (options.order === 'parallel') outcomes.push(...(await Promise.all(records.map(succeeded))));
  else for (const record of records) outcomes.push(await succeeded(record));
  return { batchItemFailures: records.filter((_, i) => !outcomes[i]).map((r) => ({ itemIdentifier: r.messageId })) };
}
