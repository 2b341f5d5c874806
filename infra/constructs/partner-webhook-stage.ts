import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { workQueue } from './work-queue.ts';
import { RUNTIME_ENV, runtimeEnvironment } from '../../src/app/runtime-config.ts';

export interface PartnerWebhookStageProps {
  readonly runtime: FunctionRuntime;
  /** The key each partner's signing key is derived from, read by ARN through the secrets extension: the stack's
   * webhook secret, never the partner path secret, which the publish function alone reads. Default: none (the
   * development secret). */
  readonly webhookSecret?: secretsmanager.ISecret;
  /** Deliveries of one change before it is parked in the dead-letter queue. Default: 5. */
  readonly maxReceiveCount?: number;
  /** The send ledger: the worker records each attempt's outcome there (items under `webhook#<partner id>` only), for
   * the pickup report. Default: none, nothing recorded. */
  readonly ledger?: dynamodb.ITable;
}

/** The worker's timeout: a batch of POSTs, each given 10 s (src/app/partner-webhook.ts), in parallel. */
export const WEBHOOK_WORKER_TIMEOUT = Duration.seconds(30);

/**
 * The partner webhook queue (one message per change a partner with a webhook hears of, sent by the publish stage),
 * its dead-letter queue, and the worker that POSTs each signed ninjs item. A refused or unanswered delivery is
 * named in the partial batch response, comes back after the visibility timeout (the retry's backoff), and is parked
 * after `maxReceiveCount` receives; the dead-letter queue's depth alarms (infra/constructs/operations.ts). The
 * worker reads no bucket and no table; it may only put its own delivery records into the ledger.
 */
export class PartnerWebhookStage extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: BroadsheetFunction;

  constructor(scope: Construct, id: string, props: PartnerWebhookStageProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      // Six times the function timeout (AWS's advice for Lambda event sources): a refused delivery is tried again
      // about three minutes later, five times in all.
      visibilityTimeout: Duration.seconds(WEBHOOK_WORKER_TIMEOUT.toSeconds() * 6),
      maxReceiveCount,
    }));

    this.worker = new BroadsheetFunction(this, 'Worker', {
      handler: 'partner-webhook',
      description: 'Broadsheet: POSTs each partner change, signed, to the partner webhook',
      runtime: props.runtime,
      environment: runtimeEnvironment({
        webhookQueueUrl: this.queue.queueUrl,
        webhookMaxReceiveCount: maxReceiveCount,
      }),
      memorySize: 256,
      timeout: WEBHOOK_WORKER_TIMEOUT,
      readsTokenKeys: false,
    });
    const fn = this.worker.function;
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    if (props.ledger) {
      this.worker.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [props.ledger.tableArn],
          // Its own records only (src/partners/webhook-records.ts): no dispatch item can be overwritten from here.
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['webhook#*'] } },
        }),
      );
    }
    if (props.webhookSecret) {
      this.worker.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.webhookSecret.secretArn],
        }),
      );
      fn.addEnvironment(RUNTIME_ENV.webhookSecretArn, props.webhookSecret.secretArn);
    }
  }
}
