import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { workQueue } from './work-queue.ts';
import { grantItems, grantSend, type SendingIdentity } from './grants.ts';
import { DISPATCH_SHARDS_PER_INVOCATION, runtimeEnvironment } from '../../src/app/runtime-config.ts';

export interface DispatchStageProps {
  readonly runtime: FunctionRuntime;
  readonly ledger: dynamodb.ITable;
  /** Read at send time: a shard names subscriber ids only, the worker reads each address and status. */
  readonly subscribers: dynamodb.ITable;
  readonly sending: SendingIdentity;
  /** The SES account's maximum send rate (messages per second). */
  readonly sendRate: number;
  /** Reserved concurrency of the worker; each worker takes sendRate / workerConcurrency. */
  readonly workerConcurrency: number;
  /** Recipients per message. */
  readonly shardSize: number;
  /** Deliveries of one message before it is parked in the dead-letter queue. Default: 5. */
  readonly maxReceiveCount?: number;
  /** Default: 512 MB. */
  readonly memorySize?: number;
}

/** Lambda's limit. */
const MAX_TIMEOUT_SECONDS = 900;

/** A worker's timeout: one shard at the worker's share of the send rate, half as long again, plus start-up. */
export function workerTimeout(shardSize: number, sendRate: number, workerConcurrency: number): Duration {
  const shardSeconds = (shardSize * workerConcurrency) / sendRate;
  return Duration.seconds(Math.min(MAX_TIMEOUT_SECONDS, Math.ceil(shardSeconds * 1.5) + 30));
}

/**
 * The dispatch queue (shards of recipients, see docs/pipeline.md), its dead-letter queue, and the worker that
 * sends each shard through SES. The worker's reserved concurrency is WORKER_CONCURRENCY, so workers together
 * keep to the account's send rate; the event source reports partial batch failures. The worker reads each
 * dispatch's template from the ledger (the planner copies it there), so it has no access to any bucket.
 */
export class DispatchStage extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: BroadsheetFunction;

  constructor(scope: Construct, id: string, props: DispatchStageProps) {
    super(scope, id);
    const timeout = workerTimeout(props.shardSize, props.sendRate, props.workerConcurrency);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      // AWS's advice for Lambda event sources: six times the function timeout, so retries of a throttled batch do
      // not make a message visible again while it is still being worked on.
      visibilityTimeout: Duration.seconds(Math.min(43_200, timeout.toSeconds() * 6)),
      maxReceiveCount: props.maxReceiveCount ?? 5,
    }));

    this.worker = new BroadsheetFunction(this, 'Worker', {
      handler: 'dispatch-worker',
      description: 'Broadsheet: sends one shard of recipients through SES, once per recipient (ledger)',
      runtime: props.runtime,
      environment: runtimeEnvironment({ dispatchQueueUrl: this.queue.queueUrl }),
      memorySize: props.memorySize ?? 512,
      timeout,
      reservedConcurrentExecutions: props.workerConcurrency,
    });
    const fn = this.worker.function;
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DISPATCH_SHARDS_PER_INVOCATION,
        reportBatchItemFailures: true,
        // The poller never starts more workers than are reserved, so it is not throttled into the DLQ.
        ...(props.workerConcurrency >= 2 && { maxConcurrency: props.workerConcurrency }),
      }),
    );
    // Query: the dispatch's stop and pause, and its figures, sit under one partition each.
    grantItems(fn, props.ledger, ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem', 'BatchWriteItem']);
    grantItems(fn, props.subscribers, ['BatchGetItem']);
    grantSend(fn, props.sending);
  }
}
