import { ConfigError, type Config } from '../config.ts';
import { deskPublication } from './desk-runtime.ts';
import { createLogger } from '../log.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { systemClock } from '../adapters/clock.ts';
import type { PublishDeps } from '../pipeline/publish/index.ts';
import { hubNotifier, objectStore } from './adapters.ts';
import { endpointsFromEnv, RUNTIME_DEFAULTS, RUNTIME_ENV } from './runtime-config.ts';
import { subscriberWiring, type SubscriberRuntime } from './subscriber-wiring.ts';

type Env = Record<string, string | undefined>;

/**
 * `broadsheet subscribers` works on the deployed subscriber table, named by the environment the functions read
 * (SUBSCRIBERS_TABLE, TOKEN_SECRET: the key subscriber ids and links are signed with), with the usual AWS credentials;
 * or on a local run's, once its desk.env is sourced (it also names the emulators and, in BROADSHEET_CONFIG, the run's
 * publication, whose links point at the local server). The publication: `--config`, else BROADSHEET_CONFIG, else the
 * project's (deskPublication).
 */
export function subscribersCommandDeps(configFile: string | undefined, env: Env = process.env): SubscriberDeps {
  const config = deskPublication(env, configFile);
  const table = env[RUNTIME_ENV.subscribersTable]?.trim();
  const tokenSecret = env[RUNTIME_ENV.tokenSecret]?.trim();
  if (!table || !tokenSecret) {
    throw new ConfigError(
      `subscribers commands work on the deployed subscriber table: set ${RUNTIME_ENV.subscribersTable} to its name and ${RUNTIME_ENV.tokenSecret} to the token key (the value of the stack's token secret), with AWS credentials for the account; for a local run, source the desk.env that npm start -- --serve wrote`,
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
  return subscriberWiring(
    runtime,
    'subscribers-cli',
    createLogger({ fn: 'subscribers-cli' }, (line) =>
      process.stderr.write(`${line}
`),
    ),
  );
}

/**
 * `broadsheet catalogue rebuild` works on the deployed buckets, named by the environment the publish function reads
 * (EDITORIALS_BUCKET, PUBLIC_BUCKET), with the usual AWS credentials. It plans no dispatch: rebuilding sends nothing.
 */
export function catalogueCommandDeps(config: Config, env: Env = process.env): PublishDeps {
  const editorials = env[RUNTIME_ENV.editorialsBucket]?.trim();
  const site = env[RUNTIME_ENV.publicBucket]?.trim();
  if (!editorials || !site) {
    throw new ConfigError(
      `catalogue commands work on the deployed buckets: set ${RUNTIME_ENV.editorialsBucket} and ${RUNTIME_ENV.publicBucket} to the stack's bucket names, with AWS credentials for the account`,
    );
  }
  const where = { endpoints: endpointsFromEnv(env) };
  const localRun = Object.keys(where.endpoints).length > 0;
  const hub = hubNotifier(config, { allowLocal: localRun });
  return {
    editorials: objectStore(where, editorials),
    site: objectStore(where, site),
    config,
    clock: systemClock,
    log: createLogger({ fn: 'catalogue-cli' }, (line) => process.stderr.write(`${line}\n`)),
    planDispatch: async () => {
      throw new ConfigError('rebuilding the catalogue never plans a dispatch');
    },
    ...(localRun && { localRun }),
    ...(hub && { hub }),
  };
}
