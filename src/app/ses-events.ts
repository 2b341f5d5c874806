// Apart from the HTTP handlers: this function has no pages, so its bundle carries no templates.
import { handleSesEvent, type SesEventSummary } from '../subscribers/flows.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { subscriberWiring } from './subscriber-wiring.ts';

/** Bounces and complaints (SNS Records[].Sns.Message or EventBridge detail) suppress subscribers; soft bounces count. */
export const createSesEventsHandler = (runtime: RuntimeConfig): ((event: unknown) => Promise<SesEventSummary>) => {
  const deps = subscriberWiring(runtime, 'ses-events');
  return (event) => handleSesEvent(deps, event);
};
