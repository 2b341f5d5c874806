import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface WorkQueueOptions {
  visibilityTimeout: Duration;
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount: number;
}

/**
 * A stage's work queue (`Queue`, messages kept 4 days) and its dead-letter queue (`DeadLetters`, 14 days), both
 * encrypted and TLS only, as children of the stage.
 */
export function workQueue(
  stage: Construct,
  options: WorkQueueOptions,
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const secure = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true } satisfies sqs.QueueProps;
  const deadLetterQueue = new sqs.Queue(stage, 'DeadLetters', { ...secure, retentionPeriod: Duration.days(14) });
  const queue = new sqs.Queue(stage, 'Queue', {
    ...secure,
    retentionPeriod: Duration.days(4),
    visibilityTimeout: options.visibilityTimeout,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
