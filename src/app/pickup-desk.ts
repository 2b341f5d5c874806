import { systemClock } from '../adapters/clock.ts';
import { ConfigError, type Config, type PartnerConfig } from '../config.ts';
import { readPartnerRegistry } from '../partners/registry.ts';
import type { PickupDeps } from '../pipeline/pickup/report.ts';
import type { PartnerFetchLog } from '../ports.ts';
import { requestLogFile } from '../adapters/request-log-file.ts';
import { objectStore, pairTable } from './adapters.ts';
import { DEFAULT_STACK_PREFIX, DESK_OUTPUTS, STACK_ENV, type StackOutputs } from './desk-runtime.ts';
import { stackPartnerSecret } from './partner-desk.ts';
import { accessLogFetches } from './pickup.ts';
import { endpointsFromEnv, RUNTIME_ENV } from './runtime-config.ts';

type Env = Record<string, string | undefined>;

/** Names a served local run's request file in its desk.env (src/local/desk-env.ts). */
export const REQUEST_LOG_ENV = 'BROADSHEET_REQUEST_LOG';
/** The pipeline stack's output naming the distribution, whose standard logs hold the partners' fetches. */
export const DISTRIBUTION_ID_OUTPUT = 'DistributionId';
/** The data stack's output naming the access-log bucket. */
export const ACCESS_LOGS_OUTPUT = 'AccessLogsBucketName';

export interface PickupDesk {
  deps: PickupDeps;
  /** The partners in effect: the deployed registry's, else the configuration's. */
  partners(): Promise<PartnerConfig[]>;
  /** Said in the report's notes when nothing was fetched: why that may be. */
  noFetchesNote(): string | undefined;
  where: string;
}

/**
 * `broadsheet partners report`: on a local run when its desk.env is sourced (the site server's request file), else on
 * the deployed stack (`<prefix>Data` and `<prefix>Pipeline` outputs: the editorials bucket, the ledger, the access-log
 * bucket and the distribution), with the stack's partner secret in BROADSHEET_PARTNER_SECRET either way.
 */
export async function pickupDesk(env: Env, config: Config, outputs?: StackOutputs): Promise<PickupDesk> {
  const partnerSecret = stackPartnerSecret(env);
  const endpoints = endpointsFromEnv(env);
  const local = Object.keys(endpoints).length > 0;
  const names = local ? localNames(env) : await stackNames(env, outputs);
  const where = { endpoints };
  const editorials = objectStore(where, names.editorialsBucket);
  let fetches: PartnerFetchLog;
  let noFetchesNote: () => string | undefined;
  if (names.requestLog !== undefined) {
    fetches = requestLogFile(names.requestLog);
    noFetchesNote = () => `no partner fetch is in ${names.requestLog} for this period`;
  } else {
    const log = accessLogFetches(where, names.accessLogBucket!, names.distributionId!);
    fetches = log;
    noFetchesNote = () =>
      log.objectsRead === 0
        ? `no access log of distribution ${names.distributionId} has arrived for this period yet: CloudFront delivers them within minutes of a fetch`
        : undefined;
  }
  const deps: PickupDeps = {
    editorials,
    ledger: pairTable(where, names.ledgerTable),
    fetches,
    config,
    clock: systemClock,
    partnerSecret,
  };
  return {
    deps,
    partners: async () =>
      (await readPartnerRegistry(editorials, systemClock, { localRun: local }))?.partners ?? config.partners,
    noFetchesNote,
    where: names.where,
  };
}

interface Names {
  editorialsBucket: string;
  ledgerTable: string;
  accessLogBucket?: string;
  distributionId?: string;
  requestLog?: string;
  where: string;
}

function localNames(env: Env): Names {
  const need = (name: string) => {
    const value = env[name]?.trim();
    if (!value)
      throw new ConfigError(
        `${RUNTIME_ENV.endpoints} names a local run, but ${name} is not set: source the desk.env that npm start -- --serve printed`,
      );
    return value;
  };
  return {
    editorialsBucket: need(RUNTIME_ENV.editorialsBucket),
    ledgerTable: need(RUNTIME_ENV.ledgerTable),
    requestLog: need(REQUEST_LOG_ENV),
    where: 'the local run',
  };
}

async function stackNames(env: Env, outputs?: StackOutputs): Promise<Names> {
  const prefix = env[STACK_ENV]?.trim() || DEFAULT_STACK_PREFIX;
  const read = outputs ?? (await import('../adapters/stack-outputs.ts')).readStackOutputs;
  const [data, pipeline] = await Promise.all([read(`${prefix}Data`), read(`${prefix}Pipeline`)]);
  const missing: string[] = [];
  const need = (from: Record<string, string>, stack: string, key: string) => {
    if (!from[key]) missing.push(`${stack}.${key}`);
    return from[key] ?? '';
  };
  const names: Names = {
    editorialsBucket: need(data, `${prefix}Data`, DESK_OUTPUTS.data.editorialsBucket),
    ledgerTable: need(data, `${prefix}Data`, DESK_OUTPUTS.data.ledgerTable),
    accessLogBucket: need(data, `${prefix}Data`, ACCESS_LOGS_OUTPUT),
    distributionId: need(pipeline, `${prefix}Pipeline`, DISTRIBUTION_ID_OUTPUT),
    where: `stack ${prefix}`,
  };
  if (missing.length)
    throw new ConfigError(
      `the deployed stack lacks the outputs ${missing.join(', ')}: no distribution to read the logs of; deploy this version with npx cdk deploy --all, then try again`,
    );
  return names;
}
