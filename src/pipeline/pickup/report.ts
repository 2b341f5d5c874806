import type { Config, PartnerConfig } from '../../config.ts';
import { shapeOf } from '../../catalogue/head.ts';
import { pickupReport, type PickupReport, type PipelineTimes } from '../../partners/pickup-report.ts';
import { webhookRecordsSince } from '../../partners/webhook-records.ts';
import type { Clock, KeyValueTable, ObjectStore, PartnerFetchLog, SiteFetch } from '../../ports.ts';
import { readIndexEntry } from '../publish/index-entry.ts';
import { partnerHeads, type PartnerHead } from './partner-heads.ts';

export interface PickupDeps {
  /** The partner scopes' heads (catalogue/partners/<id>/head.json). */
  editorials: ObjectStore;
  /** The send ledger, where the webhook worker records each delivery attempt. */
  ledger: KeyValueTable;
  fetches: PartnerFetchLog;
  config: Config;
  clock: Clock;
  partnerSecret: string;
}

/** The pickup report of each partner given, from `since` to now: the fetch log is read once for all of them. */
export async function partnerPickups(
  deps: PickupDeps,
  partners: readonly PartnerConfig[],
  since: Date,
): Promise<PickupReport[]> {
  const until = deps.clock.now();
  const heads = await partnerHeads(deps, partners);
  const fetches: SiteFetch[] = [];
  for await (const fetch of deps.fetches.fetchesSince(since, until)) fetches.push(fetch);
  const shape = shapeOf(deps.config);
  const pipelineTimes = await timesOf(deps, heads);
  return Promise.all(
    heads.map(async ({ partner, path, head }) =>
      pickupReport({
        partner,
        path,
        head,
        shape,
        since,
        until,
        fetches,
        pipelineTimes,
        webhooks: await webhookRecordsSince(deps.ledger, partner.id, since),
      }),
    ),
  );
}

/** Index entries read at once: a head holds at most two pages of items. */
const READS_AT_ONCE = 10;

/** When the pipeline took each slug of the heads' latest version: one index entry per slug, whatever the partners. */
async function timesOf(deps: PickupDeps, heads: readonly PartnerHead[]): Promise<Map<string, PipelineTimes>> {
  const slugs = [
    ...new Set(heads.flatMap(({ head }) => (head ? [...head.window, ...head.open] : []).map((i) => i.slug))),
  ];
  const times = new Map<string, PipelineTimes>();
  for (let i = 0; i < slugs.length; i += READS_AT_ONCE) {
    await Promise.all(
      slugs.slice(i, i + READS_AT_ONCE).map(async (slug) => {
        // An entry that cannot be read leaves the item's own time: the report still stands, a little less sure.
        const entry = (await readIndexEntry(deps.editorials, deps.clock, slug).catch(() => undefined))?.entry;
        if (!entry) return;
        times.set(slug, {
          version: entry.editorial.updated.toISOString(),
          sourceLastModified: entry.sourceLastModified,
          ...(entry.removedAt && { removedAt: entry.removedAt }),
          ...(entry.publicAt && { publicAt: entry.publicAt }),
          ...(entry.editorial.embargo && { embargo: entry.editorial.embargo }),
        });
      }),
    );
  }
  return times;
}
