import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { grantItems } from './grants.ts';

/** EventBridge detail types of the SES events that change a subscriber. */
export const FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'];

export interface FeedbackStageProps {
  readonly runtime: FunctionRuntime;
  readonly subscribers: dynamodb.ITable;
  /** Only events of messages sent with this configuration set are taken. */
  readonly configurationSetName: string;
  /** Events that could not be handled after retries. */
  readonly failedEvents: sqs.IQueue;
}

/**
 * Bounces and complaints from the configuration set's EventBridge destination → ses-events, which suppresses the
 * subscriber (or counts a soft bounce). Deliveries stay on the bus for metrics: they change no subscriber, and
 * would otherwise invoke the function once per recipient.
 */
export class FeedbackStage extends Construct {
  readonly sesEvents: BroadsheetFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FeedbackStageProps) {
    super(scope, id);
    this.sesEvents = new BroadsheetFunction(this, 'SesEvents', {
      handler: 'ses-events',
      description: 'Broadsheet: SES bounces and complaints → suppressed subscribers',
      runtime: props.runtime,
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    const fn = this.sesEvents.function;
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(props.failedEvents) });
    grantItems(fn, props.subscribers, ['GetItem', 'PutItem', 'UpdateItem']);

    this.rule = new events.Rule(this, 'Feedback', {
      description: 'Broadsheet: SES bounces and complaints of the publication configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: FEEDBACK_DETAIL_TYPES,
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
      targets: [new targets.LambdaFunction(fn, { deadLetterQueue: props.failedEvents, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
  }
}
