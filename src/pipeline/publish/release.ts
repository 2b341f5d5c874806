import type { Editorial } from '../../model.ts';
import type { PublishDeps } from './deps.ts';
import { announceFeeds, updateCatalogue } from './update-catalogue.ts';
import { updatePartnerFeeds } from './update-partner-feeds.ts';
import { dispatchIfDue, dueDispatch } from './dispatch.ts';
import { readIndexEntry } from './index-entry.ts';
import { EMBARGO_PREFIX, JSON_TYPE, keys, SCHEDULED_SEND_PREFIX } from './keys.ts';
import { syncPublicFiles } from './public-files.ts';
import { logPublicVersion } from './public-log-step.ts';

/** Notes that `editorial` waits for its embargo, for the scheduled release to find without reading the index. */
export async function holdForEmbargo(deps: PublishDeps, editorial: Editorial): Promise<void> {
  if (
    editorial.status !== 'published' ||
    !editorial.embargo ||
    editorial.embargo.getTime() <= deps.clock.now().getTime()
  )
    return;
  const marker = { slug: editorial.slug, until: editorial.embargo.toISOString() };
  await deps.editorials.put(keys.embargo(editorial.slug), `${JSON.stringify(marker)}\n`, { contentType: JSON_TYPE });
}

/**
 * Publishes the editorials whose embargo has passed since they were indexed (run on a schedule): their pages go
 * up, the catalogue admits them, and their dispatch is planned. It reads the embargo markers alone, so its cost
 * follows the editorials waiting, not the history. A marker goes once its editorial is out, or no longer waits.
 * Returns the slugs released.
 */
export async function releaseEmbargoed(deps: PublishDeps): Promise<string[]> {
  const now = deps.clock.now();
  const released: string[] = [];
  for (const { key, slug } of await markers(deps, EMBARGO_PREFIX)) {
    const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
    const embargo = stored?.entry.editorial.embargo;
    if (stored && embargo && embargo.getTime() > now.getTime() && !stored.entry.removedAt) continue;
    if (stored && embargo && dueDispatch(stored.entry, now)) {
      await syncPublicFiles(deps, slug);
      const changedFeeds = await updateCatalogue(deps, slug);
      await updatePartnerFeeds(deps, slug);
      await logPublicVersion(deps, slug);
      await dispatchIfDue(deps, slug);
      await announceFeeds(deps, changedFeeds);
      released.push(slug);
    }
    await deps.editorials.delete(key);
  }
  if (released.length) deps.log.info('embargoed editorials released', { slugs: released });
  await releaseScheduledSends(deps);
  return released;
}

/**
 * Plans the emails whose `email.sendAt` has passed (run by the same schedule as the embargo release). It reads the
 * scheduled-send markers alone; a marker goes once its send is planned, or once its editorial no longer owes one
 * (withdrawn; a cancelled send is planned as stopped and queues nothing). Returns the slugs planned.
 */
export async function releaseScheduledSends(deps: PublishDeps): Promise<string[]> {
  const now = deps.clock.now();
  const planned: string[] = [];
  for (const { key, slug } of await markers(deps, SCHEDULED_SEND_PREFIX)) {
    const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
    const sendAt = stored?.entry.editorial.emailSendAt;
    if (stored && sendAt && sendAt.getTime() > now.getTime() && dueDispatch(stored.entry, now)) continue;
    if (stored && (await dispatchIfDue(deps, slug))) planned.push(slug);
    await deps.editorials.delete(key);
  }
  if (planned.length) deps.log.info('scheduled emails planned', { slugs: planned });
  return planned;
}

/** The markers under `prefix` (`<prefix><slug>.json`), in key order, with the slug each names. */
async function markers(deps: PublishDeps, prefix: string): Promise<{ key: string; slug: string }[]> {
  const found: { key: string; slug: string }[] = [];
  for await (const summary of deps.editorials.list(prefix)) {
    if (summary.key.endsWith('.json'))
      found.push({ key: summary.key, slug: summary.key.slice(prefix.length, -'.json'.length) });
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
