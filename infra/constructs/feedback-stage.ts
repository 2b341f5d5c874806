import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { grantItems } from './grants.ts';
import { workQueue } from './work-queue.ts';
import { runtimeEnvironment } from '../../src/app/runtime-config.ts';

/** EventBridge detail types (as SES names them) of the events that change a subscriber or count toward a dispatch. */
export const FEEDBACK_DETAIL_TYPES = [
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
];
/** Counted only when the publication tracks opens (`sending.tracking.opens`) and clicks (`.clicks`). */
export const OPEN_DETAIL_TYPE = 'Email Opened';
export const CLICK_DETAIL_TYPE = 'Email Clicked';

export function feedbackDetailTypes(tracking: { opens: boolean; clicks: boolean }): string[] {
  return [
    ...FEEDBACK_DETAIL_TYPES,
    ...(tracking.opens ? [OPEN_DETAIL_TYPE] : []),
    ...(tracking.clicks ? [CLICK_DETAIL_TYPE] : []),
  ];
}

/** Events the function takes at once, and how long the poller gathers them first. */
const BATCH_SIZE = 100;
const BATCHING_WINDOW = Duration.seconds(5);

export interface FeedbackStageProps {
  readonly runtime: FunctionRuntime;
  readonly subscribers: dynamodb.ITable;
  /** Where each dispatch's figures are counted (and each event recorded once) and auto-pause is decided. */
  readonly ledger: dynamodb.ITable;
  /** Only events of messages sent with this configuration set are taken. */
  readonly configurationSetName: string;
  /** Events EventBridge could not put on the queue after its retries. */
  readonly failedEvents: sqs.IQueue;
  /** Open and click events are taken only when the publication tracks them. Default: neither. */
  readonly tracking?: { readonly opens: boolean; readonly clicks: boolean };
  /** Deliveries of one batch before an event is parked in the dead-letter queue. Default: 5. */
  readonly maxReceiveCount?: number;
}

/**
 * The configuration set's events (deliveries, bounces, complaints, rejects, delays; opens and clicks when tracked) →
 * a queue → ses-events, which suppresses subscribers (or counts a soft bounce) and counts each dispatch's figures in
 * the ledger. Deliveries arrive at the account's send rate, so they are queued and taken in batches rather than
 * invoking the function once per recipient; the event source reports partial batch failures.
 */
export class FeedbackStage extends Construct {
  readonly sesEvents: BroadsheetFunction;
  readonly rule: events.Rule;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FeedbackStageProps) {
    super(scope, id);
    const timeout = Duration.seconds(60);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      // AWS's advice for Lambda event sources: six times the function timeout, plus the batching window.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6 + BATCHING_WINDOW.toSeconds()),
      maxReceiveCount: props.maxReceiveCount ?? 5,
    }));

    this.sesEvents = new BroadsheetFunction(this, 'SesEvents', {
      handler: 'ses-events',
      description: 'Broadsheet: SES events → suppressed subscribers and per-dispatch figures',
      runtime: props.runtime,
      environment: runtimeEnvironment({ ledgerTable: props.ledger.tableName }),
      memorySize: 256,
      timeout,
    });
    const fn = this.sesEvents.function;
    // Invoked by the queue's poller only: failures stay on the queue and end in its dead-letter queue, so no
    // asynchronous-invocation destination is needed.
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: BATCH_SIZE,
        maxBatchingWindow: BATCHING_WINDOW,
        reportBatchItemFailures: true,
      }),
    );
    grantItems(fn, props.subscribers, ['GetItem', 'PutItem', 'UpdateItem']);
    grantItems(fn, props.ledger, ['GetItem', 'PutItem', 'UpdateItem', 'Query']);

    this.rule = new events.Rule(this, 'Feedback', {
      description: 'Broadsheet: SES events of the publication configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: feedbackDetailTypes(props.tracking ?? { opens: false, clicks: false }),
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: props.failedEvents,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
