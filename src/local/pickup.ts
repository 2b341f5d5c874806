import { ledgerTable } from '../app/adapters.ts';
import { systemClock } from '../adapters/clock.ts';
import { DEVELOPMENT_PARTNER_SECRET } from '../partners/paths.ts';
import type { PickupReport } from '../partners/pickup-report.ts';
import { partnerPickups } from '../pipeline/pickup/report.ts';
import type { LocalPipeline } from './pipeline.ts';

/** The pickup report of a local run: the site servers' requests, the local ledger's webhook records. */
export function localPickupReport(
  pipeline: Pick<LocalPipeline, 'config' | 'runtime' | 'editorials' | 'requests'>,
  since: Date,
): Promise<PickupReport[]> {
  return partnerPickups(
    {
      editorials: pipeline.editorials,
      ledger: ledgerTable(pipeline.runtime),
      fetches: pipeline.requests,
      config: pipeline.config,
      clock: systemClock,
      partnerSecret: pipeline.runtime.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET,
    },
    pipeline.config.partners,
    since,
  );
}
