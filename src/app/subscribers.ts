import { handleConfirmRequest, handleSubscribeRequest, handleUnsubscribeRequest } from '../http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

export type FunctionUrlHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

/** The web form's POST → a pending subscriber and a confirmation email; GET → the form. */
export const createSubscribeHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'subscribe');
  return (event) => handleSubscribeRequest(deps, event);
};

/** GET → a page with a button; POST → the pending subscriber is confirmed (double opt-in). */
export const createConfirmHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'confirm');
  return (event) => handleConfirmRequest(deps, event);
};

/** GET → a page with a button; POST from it or RFC 8058 one-click → unsubscribed. */
export const createUnsubscribeHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'unsubscribe');
  return (event) => handleUnsubscribeRequest(deps, event);
};
