import type { PublishDeps } from './deps.ts';
import { dispatchIfDue, dueDispatch } from './dispatch.ts';
import { updateCatalogue } from './catalogue.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { syncPublicFiles } from './public-files.ts';

/**
 * Publishes the editorials whose embargo has passed since they were indexed (run on a schedule): their pages go
 * up, the feeds are rebuilt with them, and their dispatch is planned. Returns the slugs released.
 */
export async function releaseEmbargoed(deps: PublishDeps): Promise<string[]> {
  const now = deps.clock.now();
  const due: string[] = [];
  await forEachIndexEntry(deps, (entry) => {
    if (entry.editorial.embargo && dueDispatch(entry, now)) due.push(entry.editorial.slug);
  });
  if (due.length === 0) return [];
  due.sort();
  for (const slug of due) {
    await syncPublicFiles(deps, slug);
    await updateCatalogue(deps, slug);
  }
  for (const slug of due) await dispatchIfDue(deps, slug);
  deps.log.info('embargoed editorials released', { slugs: due });
  return due;
}
