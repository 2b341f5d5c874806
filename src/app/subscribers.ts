import { handlePreferenceRequest } from '../http/preference-routes.ts';
import { handleConfirmRequest, handleSubscribeRequest } from '../http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

export type FunctionUrlHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

/** The web form's POST → a pending subscriber and a queued confirmation send (or, without a queue, the email); GET → the form. */
export const createSubscribeHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'subscribe');
  return (event) => handleSubscribeRequest(deps, event);
};

/** GET → a page with a button; POST → the pending subscriber is confirmed (double opt-in). */
export const createConfirmHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'confirm');
  return (event) => handleConfirmRequest(deps, event);
};

/** The link in every email. GET → the preference page (topics, unsubscribe, download, erase); POST from it, or an
 * RFC 8058 one-click POST → that change. */
export const createUnsubscribeHandler = (runtime: RuntimeConfig): FunctionUrlHandler => {
  const deps = subscriberWiring(runtime, 'unsubscribe');
  return (event) => handlePreferenceRequest(deps, event);
};
