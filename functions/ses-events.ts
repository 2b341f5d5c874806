// SES events: bounces and complaints from the configuration set's event destination (SNS or EventBridge) suppress
// subscribers; soft bounces count towards a threshold.
import { endpointsFromEnv } from '../src/pipeline/deps.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';
import { handleSesEvent, type SesEventSummary } from '../src/subscribers/flows.ts';
import { subscriberDeps } from '../src/subscribers/runtime-deps.ts';

const deps = subscriberDeps(await loadRuntimeConfig(), endpointsFromEnv(), 'ses-events');

/** Accepts a Lambda SNS event (Records[].Sns.Message) or an EventBridge event (detail). */
export function handler(event: unknown): Promise<SesEventSummary> {
  return handleSesEvent(deps, event);
}
