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

/** What the watch keeps between runs (in the editorials bucket): how far the logs were read, and the kills seen. */
export const KILL_WATCH_STATE_KEY = 'pickup/kill-watch.json';
/** Log files arrive late: each run reads again this far back before where the previous one stopped. */
export const LATE_LOGS_MS = 60 * 60 * 1000;

interface WatchState {
  readUntil?: string;
  /** `<partner> <slug> <kill time>` of each kill in the window a partner has fetched since. */
  seen: string[];
}

const killKey = (kill: { partner: string; slug: string; killedAt: Date }) =>
  `${kill.partner} ${kill.slug} ${kill.killedAt.toISOString()}`;

/**
 * On the publish function's schedule: each partner kill between an hour and a day old that no document holding it
 * was fetched after. The logs are read only while such a kill is not yet seen, from the oldest such kill or, when
 * a previous run read past it, from an hour before where that run stopped (log files arrive late): so a run reads
 * about an hour of logs and what came since, not a day of them every few minutes. The count of
 * partners with one goes out as a CloudWatch metric in Embedded Metric Format (a log line CloudWatch turns into the
 * metric), zero included, so the alarm clears once every partner has fetched.
 */
export async function watchKills(deps: KillWatchDeps): Promise<UnseenKill[]> {
  const now = deps.clock.now();
  const heads = await partnerHeads(deps, deps.config.partners);
  const kills = killsToCheck(heads, shapeOf(deps.config), now);
  const state = await readState(deps.editorials);
  const seenBefore = new Set(state.seen);
  const pending = kills.filter((kill) => !seenBefore.has(killKey(kill)));
  let unseen: UnseenKill[] = [];
  if (pending.length > 0) {
    const oldest = Math.min(...pending.map((k) => k.killedAt.getTime()));
    const resumed = state.readUntil ? Date.parse(state.readUntil) - LATE_LOGS_MS : Number.NaN;
    const from = new Date(Number.isNaN(resumed) ? oldest : Math.max(oldest, resumed));
    const fetches: SiteFetch[] = [];
    for await (const fetch of deps.fetches.fetchesSince(from, now)) fetches.push(fetch);
    unseen = unseenKills(pending, fetches);
  }
  const stillUnseen = new Set(unseen.map(killKey));
  await writeState(deps.editorials, {
    readUntil: now.toISOString(),
    seen: kills.map(killKey).filter((key) => !stillUnseen.has(key)),
  });
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

async function readState(store: ObjectStore): Promise<WatchState> {
  const object = await store.get(KILL_WATCH_STATE_KEY);
  if (!object) return { seen: [] };
  try {
    const value = JSON.parse(Buffer.from(object.body).toString('utf8')) as Partial<WatchState>;
    return {
      ...(typeof value.readUntil === 'string' && { readUntil: value.readUntil }),
      seen: Array.isArray(value.seen) ? value.seen.filter((k): k is string => typeof k === 'string') : [],
    };
  } catch {
    // Unreadable: read the logs from each kill again, as on a first run.
    return { seen: [] };
  }
}

async function writeState(store: ObjectStore, state: WatchState): Promise<void> {
  await store.put(KILL_WATCH_STATE_KEY, `${JSON.stringify(state)}\n`, { contentType: 'application/json' });
}
