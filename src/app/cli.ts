import { ConfigError, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { endpointsFromEnv, RUNTIME_DEFAULTS, RUNTIME_ENV } from './runtime-config.ts';
import { subscriberWiring, type SubscriberRuntime } from './subscriber-wiring.ts';

type Env = Record<string, string | undefined>;

/**
 * `broadsheet subscribers` works on the deployed subscriber table, named by the environment the functions read
 * (SUBSCRIBERS_TABLE, TOKEN_SECRET: the key subscriber ids and links are signed with), with the usual AWS credentials.
 */
export function subscribersCommandDeps(config: Config, env: Env = process.env): SubscriberDeps {
  const table = env[RUNTIME_ENV.subscribersTable]?.trim();
  const tokenSecret = env[RUNTIME_ENV.tokenSecret]?.trim();
  if (!table || !tokenSecret) {
    throw new ConfigError(
      `subscribers commands work on the deployed subscriber table: set ${RUNTIME_ENV.subscribersTable} to its name and ${RUNTIME_ENV.tokenSecret} to the token key (the value of the stack's token secret), with AWS credentials for the account`,
    );
  }
  const configurationSet = env[RUNTIME_ENV.configurationSet]?.trim();
  const runtime: SubscriberRuntime = {
    publication: config,
    subscribersTable: table,
    tokenSecret,
    softBounceThreshold: RUNTIME_DEFAULTS.softBounceThreshold,
    endpoints: endpointsFromEnv(env),
    ...(configurationSet && { configurationSet }),
  };
  // Standard output carries the command's own report; the flows' logs go beside it.
  return subscriberWiring(runtime, 'subscribers-cli', createLogger({ fn: 'subscribers-cli' }, (line) => process.stderr.write(`${line}
`)));
}
