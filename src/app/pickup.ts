import { CloudFrontAccessLog } from '../adapters/cloudfront-access-log.ts';
import { systemClock } from '../adapters/clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { DEVELOPMENT_PARTNER_SECRET } from '../partners/paths.ts';
import { watchKills } from '../pipeline/pickup/kill-watch.ts';
import type { PartnerFetchLog } from '../ports.ts';
import { editorialsStore, objectStore } from './adapters.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** The distribution's standard logs in the access-log bucket, as partner fetches. */
export function accessLogFetches(
  where: Pick<RuntimeConfig, 'endpoints'>,
  bucket: string,
  distributionId: string,
): CloudFrontAccessLog {
  return new CloudFrontAccessLog(objectStore(where, bucket), distributionId);
}

/**
 * The publish function's scheduled kill watch, when the runtime names the distribution and its access-log bucket
 * (the stack does); otherwise none, and nothing is measured. `fetches` stands in for the logs on a local run.
 */
export function killWatchWiring(
  runtime: RuntimeConfig,
  options: { log: Logger; fetches?: PartnerFetchLog; functionName?: string },
): ((config: Config) => Promise<unknown>) | undefined {
  const fetches =
    options.fetches ??
    (runtime.accessLogBucket && runtime.distributionId
      ? accessLogFetches(runtime, runtime.accessLogBucket, runtime.distributionId)
      : undefined);
  if (!fetches) return undefined;
  const editorials = editorialsStore(runtime);
  return (config) =>
    watchKills({
      editorials,
      fetches,
      config,
      clock: systemClock,
      log: options.log,
      partnerSecret: runtime.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET,
      functionName: options.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    });
}
