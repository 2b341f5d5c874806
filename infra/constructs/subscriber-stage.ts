import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { grantItems, grantSend, SUBSCRIBER_TABLE_CALLS, type SendingIdentity } from './grants.ts';
import { workQueue } from './work-queue.ts';
import { runtimeEnvironment } from '../../src/app/runtime-config.ts';

/** The HTTP routes, as the site serves them (src/render/urls.ts, docs/pipeline.md). */
export const SUBSCRIBER_ROUTES = ['subscribe', 'confirm', 'unsubscribe'] as const;
export type SubscriberRoute = (typeof SUBSCRIBER_ROUTES)[number];

export interface SubscriberStageProps {
  readonly runtime: FunctionRuntime;
  readonly subscribers: dynamodb.ITable;
  readonly sending: SendingIdentity;
  /** Default: 512 MB. */
  readonly memorySize?: number;
  /** Default: 15 seconds. */
  readonly timeout?: Duration;
  /** The subscribe function's reserved concurrency: what a flood of form posts can take of the account's Lambda
   * concurrency and of the table's writes. Default: 10. */
  readonly subscribeConcurrency?: number;
  /** Deliveries of one confirmation send before it is parked in the dead-letter queue. Default: 5. */
  readonly maxReceiveCount?: number;
}

/** The confirmation sender's timeout: one table read and write, one counter, one SES call per message. */
export const CONFIRMATION_SENDER_TIMEOUT = Duration.seconds(30);

/**
 * Double opt-in and one-click unsubscribe: one function per route, each with a Function URL that answers only what
 * CloudFront signs (AWS_IAM, origin access control): browsers and mail providers (RFC 8058 one-click POST) call them
 * through the distribution and its web ACL, and the handlers check their own HMAC tokens. Subscribe queues each request's confirmation send; the confirmation
 * sender, on that queue (with a dead-letter queue), is the only one that mails.
 */
export class SubscriberStage extends Construct {
  readonly functions: Record<SubscriberRoute, BroadsheetFunction>;
  readonly urls: Record<SubscriberRoute, lambda.FunctionUrl>;
  /** Subscribe requests' confirmation sends, taken by `confirmationSender`. */
  readonly confirmationQueue: sqs.Queue;
  readonly confirmationDeadLetters: sqs.Queue;
  readonly confirmationSender: BroadsheetFunction;

  constructor(scope: Construct, id: string, props: SubscriberStageProps) {
    super(scope, id);
    const descriptions: Record<SubscriberRoute, string> = {
      subscribe: 'Broadsheet: web form → pending subscriber and confirmation email',
      confirm: 'Broadsheet: confirmation page and double opt-in',
      unsubscribe: 'Broadsheet: unsubscribe page and RFC 8058 one-click unsubscribe',
    };
    ({ queue: this.confirmationQueue, deadLetterQueue: this.confirmationDeadLetters } = workQueue(this, {
      visibilityTimeout: Duration.seconds(CONFIRMATION_SENDER_TIMEOUT.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount ?? 5,
    }));
    const functions = {} as Record<SubscriberRoute, BroadsheetFunction>;
    const urls = {} as Record<SubscriberRoute, lambda.FunctionUrl>;
    for (const route of SUBSCRIBER_ROUTES) {
      const id = route[0]!.toUpperCase() + route.slice(1);
      const fn = new BroadsheetFunction(this, id, {
        handler: route,
        description: descriptions[route],
        runtime: props.runtime,
        memorySize: props.memorySize ?? 512,
        timeout: props.timeout ?? Duration.seconds(15),
        ...(route === 'subscribe' && { reservedConcurrentExecutions: props.subscribeConcurrency ?? 10 }),
        // Subscribe queues confirmation sends; confirm queues the welcome a confirmation owes.
        ...(route !== 'unsubscribe' && {
          environment: runtimeEnvironment({ confirmationQueueUrl: this.confirmationQueue.queueUrl }),
        }),
      });
      grantItems(fn.function, props.subscribers, SUBSCRIBER_TABLE_CALLS[route]);
      functions[route] = fn;
      // Signed by CloudFront (origin access control): a request that does not come through the distribution, and so
      // past its web ACL, is refused by Lambda.
      urls[route] = fn.function.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.AWS_IAM,
        invokeMode: lambda.InvokeMode.BUFFERED,
      });
    }
    // Subscribe and confirm only write and queue: the sender alone mails.
    this.confirmationQueue.grantSendMessages(functions.subscribe.function);
    this.confirmationQueue.grantSendMessages(functions.confirm.function);
    this.confirmationSender = new BroadsheetFunction(this, 'ConfirmationSender', {
      handler: 'confirmation-sender',
      description: 'Broadsheet: sends the confirmation email a subscribe request owes, once',
      runtime: props.runtime,
      memorySize: 512,
      timeout: CONFIRMATION_SENDER_TIMEOUT,
    });
    const sender = this.confirmationSender.function;
    sender.addEventSource(
      new SqsEventSource(this.confirmationQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    grantItems(sender, props.subscribers, ['GetItem', 'PutItem', 'UpdateItem']);
    grantSend(sender, props.sending);
    this.functions = functions;
    this.urls = urls;
  }
}
