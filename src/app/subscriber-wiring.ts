import { systemClock } from '../adapters/clock.ts';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { singleKey } from '../subscribers/tokens.ts';
import { functionLog, mailer, queue, subscribersTable } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** What the subscriber flows need of the runtime configuration (a desk command has only the required part). */
export type SubscriberRuntime = Pick<
  RuntimeConfig,
  | 'publication'
  | 'subscribersTable'
  | 'tokenSecret'
  | 'softBounceThreshold'
  | 'configurationSet'
  | 'endpoints'
  | 'logFile'
> &
  Partial<Pick<RuntimeConfig, 'tokenKeys' | 'confirmationQueueUrl' | 'subscribeRatePerMinute'>>;

/** The subscriber flows' dependencies: the subscribers table, SES, the keys, and the confirmation queue if any. */
export function subscriberWiring(
  runtime: SubscriberRuntime,
  fn: string,
  log: Logger = functionLog(runtime, fn),
): SubscriberDeps {
  // A function given no token key (NO_TOKEN_KEYS) must never derive ids or sign links with an empty one.
  if (!runtime.tokenKeys && !runtime.tokenSecret)
    throw new ConfigError(`${fn} holds no token key, so it cannot work on subscribers`);
  const tokenKeys = runtime.tokenKeys ?? singleKey(runtime.tokenSecret);
  return {
    subscribers: subscribersTable(runtime),
    mailer: mailer(runtime),
    config: runtime.publication,
    tokenSecret: tokenKeys.idKey,
    tokenKeys,
    ...(runtime.confirmationQueueUrl !== undefined && { confirmations: queue(runtime, runtime.confirmationQueueUrl) }),
    ...(runtime.subscribeRatePerMinute !== undefined && { subscribeRatePerMinute: runtime.subscribeRatePerMinute }),
    clock: systemClock,
    log,
    softBounceThreshold: runtime.softBounceThreshold,
    ...(runtime.configurationSet !== undefined && { configurationSet: runtime.configurationSet }),
  };
}
