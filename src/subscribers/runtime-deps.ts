import type { EndpointMap } from '../adapters/aws-clients.ts';
import * as deps from '../pipeline/deps.ts';
import type { RuntimeConfig } from '../pipeline/runtime-config.ts';
import type { SubscriberDeps } from './flows.ts';

/** The subscriber handlers' dependencies from the function environment, through the composition root. */
export function subscriberDeps(runtime: RuntimeConfig, endpoints: EndpointMap, fn: string): SubscriberDeps {
  return {
    subscribers: deps.subscribers(runtime, endpoints),
    mailer: deps.mailer(runtime, endpoints),
    config: runtime.publication,
    tokenSecret: runtime.tokenSecret,
    clock: deps.clock(),
    log: deps.log(fn),
    softBounceThreshold: runtime.softBounceThreshold,
    ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
  };
}
