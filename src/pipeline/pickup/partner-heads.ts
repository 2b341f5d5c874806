import type { Config, PartnerConfig } from '../../config.ts';
import { isScopeHead, type ScopeHead } from '../../catalogue/head.ts';
import { readJson } from '../../catalogue/store/object-io.ts';
import { partnerCatalogueKeys } from '../../partners/catalogue-scope.ts';
import { partnerPath } from '../../partners/paths.ts';
import type { Clock, ObjectStore } from '../../ports.ts';

/** A partner, its current secret path and its scope's head: all the pickup report and the kill check look at. */
export interface PartnerHead {
  partner: PartnerConfig;
  path: string;
  head: ScopeHead | undefined;
}

/** Each partner's head, one GET each: the changes it holds are the newest, whatever the length of its history. */
export function partnerHeads(
  deps: { editorials: ObjectStore; clock: Clock; config: Config; partnerSecret: string },
  partners: readonly PartnerConfig[],
): Promise<PartnerHead[]> {
  return Promise.all(
    partners.map(async (partner) => ({
      partner,
      path: partnerPath(deps.partnerSecret, partner),
      head: (await readJson(deps.editorials, deps.clock, partnerCatalogueKeys.head(partner.id), isScopeHead))?.value,
    })),
  );
}
