import type { Config, PartnerConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Clock, ObjectStore } from '../ports.ts';
import { syncWholeScope, type CatalogueStores } from '../catalogue/store/engine.ts';
import { keysUnder, readJson, writeJsonOver } from '../catalogue/store/object-io.ts';
import { AGAIN, untilWritten } from '../catalogue/store/retry.ts';
import {
  isPartnerMember,
  PARTNER_MEMBERS_PREFIX,
  partnerCatalogueScope,
  type PartnerMemberRecord,
} from './catalogue-scope.ts';
import { DEVELOPMENT_PARTNER_SECRET, partnerPath, PARTNERS_FOLDER } from './paths.ts';
import { PartnerRegistryError, readPartnerRegistry, registryName } from './registry.ts';

/*
 * What the partner registry means for partners' feeds: the partners in effect for one invocation, and the documents
 * written or taken away at once when a partner is added, rotated or removed.
 */

interface RegistryReaderDeps {
  editorials: ObjectStore;
  clock: Clock;
  config: Config;
  log: Logger;
  /** A local run on emulators: the registry may then name plain-http loopback webhooks. */
  localRun?: boolean;
}

/**
 * The deps of one invocation with the partners in effect now: the registry's (one GET) when there is one, else the
 * configuration's. A malformed registry holds every partner's feeds back instead of falling back to the
 * configuration: its partners may be out of date, and writing them would bring a rotated-away path back to life or
 * feed a partner that was taken out. Everything else (pages, public feeds, the email) goes ahead, since readers
 * should not wait on a partner typo; the caller fails the invocation with `problem` afterwards, so the event is
 * retried, then parked with the failed events (alarmed) for a redrive once the registry is fixed.
 */
export async function withRegistryPartners<D extends RegistryReaderDeps>(
  deps: D,
): Promise<{ deps: D; problem?: PartnerRegistryError }> {
  try {
    const registry = await readPartnerRegistry(deps.editorials, deps.clock, { localRun: deps.localRun === true });
    return { deps: registry ? { ...deps, config: { ...deps.config, partners: registry.partners } } : deps };
  } catch (err) {
    if (!(err instanceof PartnerRegistryError)) throw err;
    deps.log.error(
      'partner feeds held back: the partner registry is malformed; fix it, then redrive the failed events',
      { registry: registryName(deps.editorials), error: err },
    );
    return { deps: { ...deps, config: { ...deps.config, partners: [] } }, problem: err };
  }
}

type PartnerFeedsDeps = CatalogueStores & { config: Config; partnerSecret?: string };

/** Deletes run this many at a time: a long-archived partner has a few hundred documents. */
const DELETES_AT_ONCE = 20;

/**
 * Writes the partner's documents at its current path now, not at the next publish: from its catalogue scope, or one
 * empty but valid document per format while nothing is in it. With `oldPath` (a rotation) every object under that
 * path is then deleted, so it stops answering. No other partner's objects are read or written. Returns the path and
 * how many old objects went.
 */
export async function republishPartnerFeeds(
  deps: PartnerFeedsDeps,
  partner: PartnerConfig,
  oldPath?: string,
): Promise<{ path: string; removed: number }> {
  const path = partnerPath(deps.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET, partner);
  await syncWholeScope(deps, partnerCatalogueScope(deps, { partner, path }));
  if (oldPath === undefined || oldPath === path) return { path, removed: 0 };
  const removed = await deleteAll(deps.site, await keysUnder(deps.site, `${PARTNERS_FOLDER}/${oldPath}/`));
  return { path, removed };
}

/**
 * Takes away a partner's feeds for good: every object under its path in the site bucket, its catalogue scope, and
 * its place in every member record, so an id added again later starts afresh. The folder is swept twice, around the
 * rest: a publish that read the registry before the removal may still have written there meanwhile. Returns what went.
 */
export async function forgetPartnerFeeds(
  deps: PartnerFeedsDeps,
  id: string,
  path: string,
): Promise<{ objects: number; catalogue: number; members: number }> {
  const folder = `${PARTNERS_FOLDER}/${path}/`;
  let objects = await deleteAll(deps.site, await keysUnder(deps.site, folder));
  const catalogue = await deleteAll(deps.editorials, await keysUnder(deps.editorials, `catalogue/partners/${id}/`));
  let members = 0;
  for (const key of await keysUnder(deps.editorials, PARTNER_MEMBERS_PREFIX)) {
    const forgot = await untilWritten(deps.clock, `${key} kept changing`, async () => {
      const stored = await readJson(deps.editorials, deps.clock, key, isPartnerMember);
      if (!stored) return false;
      const { seqs, versions, in: inScopes } = stored.value;
      if (!(id in seqs) && !(id in versions) && !inScopes.includes(id)) return false;
      const { [id]: _seq, ...otherSeqs } = seqs;
      const { [id]: _version, ...otherVersions } = versions;
      const record: PartnerMemberRecord = {
        ...stored.value,
        seqs: otherSeqs,
        in: inScopes.filter((p) => p !== id),
        versions: otherVersions,
      };
      return (await writeJsonOver(deps.editorials, key, record, stored)) ? true : AGAIN;
    });
    if (forgot) members++;
  }
  objects += await deleteAll(deps.site, await keysUnder(deps.site, folder));
  return { objects, catalogue, members };
}

async function deleteAll(store: ObjectStore, keys: readonly string[]): Promise<number> {
  for (let at = 0; at < keys.length; at += DELETES_AT_ONCE)
    await Promise.all(keys.slice(at, at + DELETES_AT_ONCE).map((key) => store.delete(key)));
  return keys.length;
}
