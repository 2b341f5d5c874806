import type { Config } from '../../config.ts';
import { shapeOf } from '../../catalogue/head.ts';
import type { Logger } from '../../log.ts';
import {
  killsToCheck,
  killWindow,
  partnersWithUnseenKills,
  unseenKills,
  type UnseenKill,
} from '../../partners/unseen-kills.ts';
import type { Clock, ObjectStore, PartnerFetchLog, SiteFetch } from '../../ports.ts';
import { partnerHeads } from './partner-heads.ts';

/** The metric the stack's alarm watches (infra/constructs/operations.ts), in namespace KILL_METRIC_NAMESPACE. */
export const UNSEEN_KILLS_METRIC = 'PartnersWithUnseenKills';
export const KILL_METRIC_NAMESPACE = 'Broadsheet';

export interface KillWatchDeps {
  editorials: ObjectStore;
  fetches: PartnerFetchLog;
  config: Config;
  clock: Clock;
  log: Logger;
  partnerSecret: string;
  /** The dimension the metric is published under, so two deployments never count each other's (the function name). */
  functionName: string;
}

/**
 * On the publish function's schedule: each partner kill between an hour and a day old that no document holding it
 * was fetched after. The logs are read only while such a kill exists, and only from the oldest one. The count of
 * partners with one goes out as a CloudWatch metric in Embedded Metric Format (a log line CloudWatch turns into the
 * metric), zero included, so the alarm clears once every partner has fetched.
 */
export async function watchKills(deps: KillWatchDeps): Promise<UnseenKill[]> {
  const now = deps.clock.now();
  const heads = await partnerHeads(deps, deps.config.partners);
  const kills = killsToCheck(heads, shapeOf(deps.config), now);
  let unseen: UnseenKill[] = [];
  if (kills.length > 0) {
    const oldest = new Date(Math.min(...kills.map((k) => k.killedAt.getTime())));
    const fetches: SiteFetch[] = [];
    for await (const fetch of deps.fetches.fetchesSince(oldest, now)) fetches.push(fetch);
    unseen = unseenKills(kills, fetches);
  }
  const partners = partnersWithUnseenKills(unseen);
  const fields = {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: KILL_METRIC_NAMESPACE,
          Dimensions: [['FunctionName']],
          Metrics: [{ Name: UNSEEN_KILLS_METRIC, Unit: 'Count' }],
        },
      ],
    },
    FunctionName: deps.functionName,
    [UNSEEN_KILLS_METRIC]: partners,
    window: killWindow(now),
    unseen: unseen.map((u) => ({ ...u, killedAt: u.killedAt.toISOString() })),
  };
  if (partners > 0) deps.log.warn('partners have not fetched a kill an hour after it', fields);
  else deps.log.info('every partner kill older than an hour was fetched', fields);
  return unseen;
}
