import { ConfigError, type PartnerConfig } from '../config.ts';
import type { PartnerDeskDeps } from '../app/partner-desk.ts';
import type { ObjectStore } from '../ports.ts';
import { partnerPath } from '../partners/paths.ts';
import { changePartnerRegistry, readPartnerRegistry, registryName } from '../partners/registry.ts';
import { partnerCatalogueKeys } from '../partners/catalogue-scope.ts';
import { republishPartnerFeeds } from '../partners/registry-feeds.ts';
import { removePartnerFeeds } from '../pipeline/publish/update-partner-feeds.ts';
import { UsageError } from './errors.ts';
import {
  addEdit,
  describePartner,
  partnerFolder,
  partnerLines,
  removeEdit,
  rotateEdit,
  type AddOptions,
} from './partner-edits.ts';

/*
 * `broadsheet partners ... --stack`: the deployed pipeline's partners, in the partner registry the publish function
 * reads at every invocation. A change lands in the registry first (conditional on the version read), then the
 * partner's documents are written at once: a new partner's feeds answer now, a rotated partner's old path stops
 * answering now. The configuration's partners are where the registry starts when there is none yet.
 */

type Line = (line: string) => void;

/** The partners in effect on the stack, and where they come from. */
export async function stackPartners(deps: PartnerDeskDeps): Promise<{ partners: PartnerConfig[]; from: string }> {
  const registry = await readPartnerRegistry(deps.editorials, deps.clock, { localRun: deps.localRun === true });
  if (registry) return { partners: registry.partners, from: registryName(deps.editorials) };
  return {
    partners: deps.config.partners,
    from: `the configuration (no ${registryName(deps.editorials)} yet: the first add or rotate makes it)`,
  };
}

export async function listOnStack(deps: PartnerDeskDeps, out: Line): Promise<void> {
  const { partners, from } = await stackPartners(deps);
  out(`Partners from ${from}:`);
  for (const line of partnerLines(partners, deps.partnerSecret)) out(line);
}

export async function addOnStack(deps: PartnerDeskDeps, id: string, values: AddOptions, out: Line): Promise<void> {
  const registry = registryName(deps.editorials);
  const { after, result } = await changePartnerRegistry(
    deps.editorials,
    deps.clock,
    {
      seed: deps.config.partners,
      edit: addEdit(id, values),
      refused: (message) => new UsageError(message),
    },
    { localRun: deps.localRun === true },
  );
  const partner = after[result]!;
  await republishPartnerFeeds(withPartners(deps, after), partner);
  out(`Added ${partner.id} (${partner.name}) to ${registry}: ${describePartner(partner, deps.partnerSecret)}`);
  out(
    `  Its feeds answer now, empty until an editorial in its topics is published or corrected; \`broadsheet catalogue rebuild\` fills them from every stored editorial.`,
  );
}

export async function rotateOnStack(deps: PartnerDeskDeps, id: string, out: Line): Promise<void> {
  const registry = registryName(deps.editorials);
  const current = (await stackPartners(deps)).partners.find((p) => p.id === id);
  if (!current) throw new UsageError(`no partner "${id}" in ${registry}`);
  await checkSecretFits(deps, current);
  const { before, after, result } = await changePartnerRegistry(
    deps.editorials,
    deps.clock,
    {
      seed: deps.config.partners,
      edit: rotateEdit(id, registry),
      refused: (message) => new UsageError(message),
    },
    { localRun: deps.localRun === true },
  );
  const partner = after[result]!;
  // The version the change was made over: another desk may have rotated it since the check above.
  const old = before.find((p) => p.id === id)!;
  const { removed } = await republishPartnerFeeds(
    withPartners(deps, after),
    partner,
    partnerPath(deps.partnerSecret, old),
  );
  out(
    `Rotated ${id} to rotation ${partner.rotation}: its feeds are at ${partnerFolder(deps.partnerSecret, partner)} now, and ${partnerFolder(deps.partnerSecret, old)} no longer answers (${removed} objects deleted).`,
  );
}

/**
 * Takes the partner out of the registry, then deletes every object under its path (its feeds stop answering now, with
 * whatever they still carried), its catalogue scope and its place in the member records. Its webhook is told nothing.
 */
export async function removeOnStack(deps: PartnerDeskDeps, id: string, out: Line): Promise<void> {
  const registry = registryName(deps.editorials);
  const current = (await stackPartners(deps)).partners.find((p) => p.id === id);
  if (!current) throw new UsageError(`no partner "${id}" in ${registry}`);
  await checkSecretFits(deps, current);
  const { before, after } = await changePartnerRegistry(
    deps.editorials,
    deps.clock,
    {
      seed: deps.config.partners,
      edit: removeEdit(id, registry),
      refused: (message) => new UsageError(message),
    },
    { localRun: deps.localRun === true },
  );
  // The version the change was made over: another desk may have rotated it since the check above.
  const old = before.find((p) => p.id === id)!;
  const removed = await removePartnerFeeds(withPartners(deps, after), id, partnerPath(deps.partnerSecret, old), old);
  out(
    `Removed ${id} from ${registry}: ${partnerFolder(deps.partnerSecret, old)} no longer answers (${removed.objects} objects deleted; ${removed.catalogue} catalogue objects and its place in ${removed.members} member records gone).`,
  );
  if (old.webhook && removed.tombstones > 0)
    out(`  Its webhook is sent ${removed.tombstones} tombstones (pubStatus "canceled"), one for each item it held.`);
  else if (old.webhook && !deps.webhooks)
    out(
      `  Its webhook was sent nothing (set WEBHOOK_QUEUE_URL to the stack's queue to send tombstones): tell the partner to take down what it holds.`,
    );
}

/**
 * A partner with documents in its catalogue has them at its path, unless the secret given is not the stack's: then a
 * rotation would delete nothing and leave the real old path answering, so nothing is changed.
 */
async function checkSecretFits(deps: PartnerDeskDeps, partner: PartnerConfig): Promise<void> {
  const folder = partnerFolder(deps.partnerSecret, partner);
  if (!(await anyUnder(deps.editorials, partnerCatalogueKeys.head(partner.id)))) return;
  if (await anyUnder(deps.site, folder)) return;
  throw new ConfigError(
    `${partner.id} has feeds in the catalogue but nothing is at ${folder}: is BROADSHEET_PARTNER_SECRET the stack's partner secret? Nothing was changed`,
  );
}

async function anyUnder(store: ObjectStore, prefix: string): Promise<boolean> {
  for await (const summary of store.list(prefix)) if (summary.key.startsWith(prefix)) return true;
  return false;
}

function withPartners(deps: PartnerDeskDeps, partners: PartnerConfig[]): PartnerDeskDeps {
  return { ...deps, config: { ...deps.config, partners } };
}
