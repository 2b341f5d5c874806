import { systemClock } from '../adapters/clock.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { functionLog, mailer, subscribersTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** The subscriber flows' dependencies: the subscribers table, SES for confirmation mail, the token key. */
export function subscriberWiring(runtime: RuntimeConfig, fn: string): SubscriberDeps {
  return {
    subscribers: subscribersTable(runtime),
    mailer: mailer(runtime),
    config: runtime.publication,
    tokenSecret: runtime.tokenSecret,
    clock: systemClock,
    log: functionLog(runtime, fn),
    softBounceThreshold: runtime.softBounceThreshold,
    ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
  };
}
