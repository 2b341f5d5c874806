import { systemClock } from '../adapters/clock.ts';
import type { Logger } from '../log.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { functionLog, mailer, subscribersTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** What the subscriber flows need of the runtime configuration (a desk command has only this much). */
export type SubscriberRuntime = Pick<
  RuntimeConfig,
  'publication' | 'subscribersTable' | 'tokenSecret' | 'softBounceThreshold' | 'configurationSet' | 'endpoints' | 'logFile'
>;

/** The subscriber flows' dependencies: the subscribers table, SES for confirmation mail, the token key. */
export function subscriberWiring(runtime: SubscriberRuntime, fn: string, log: Logger = functionLog(runtime, fn)): SubscriberDeps {
  return {
    subscribers: subscribersTable(runtime),
    mailer: mailer(runtime),
    config: runtime.publication,
    tokenSecret: runtime.tokenSecret,
    clock: systemClock,
    log,
    softBounceThreshold: runtime.softBounceThreshold,
    ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
  };
}
