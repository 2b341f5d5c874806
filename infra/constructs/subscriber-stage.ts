import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { grantItems, grantSend, type SendingIdentity } from './grants.ts';

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
}

/**
 * Double opt-in and one-click unsubscribe: one function per route, each with a Function URL. The URLs need no
 * AWS authentication: browsers and mail providers (RFC 8058 one-click POST) call them through the distribution,
 * and the handlers check their own HMAC tokens. Only subscribe sends mail (the confirmation).
 */
export class SubscriberStage extends Construct {
  readonly functions: Record<SubscriberRoute, BroadsheetFunction>;
  readonly urls: Record<SubscriberRoute, lambda.FunctionUrl>;

  constructor(scope: Construct, id: string, props: SubscriberStageProps) {
    super(scope, id);
    const descriptions: Record<SubscriberRoute, string> = {
      subscribe: 'Broadsheet: web form → pending subscriber and confirmation email',
      confirm: 'Broadsheet: confirmation page and double opt-in',
      unsubscribe: 'Broadsheet: unsubscribe page and RFC 8058 one-click unsubscribe',
    };
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
        withTemplates: true,
      });
      grantItems(fn.function, props.subscribers, ['GetItem', 'PutItem', 'UpdateItem']);
      functions[route] = fn;
      urls[route] = fn.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.BUFFERED });
    }
    grantSend(functions.subscribe.function, props.sending);
    this.functions = functions;
    this.urls = urls;
  }
}
