import { renderNinjs } from '../../render/ninjs.ts';
import { renderPage } from '../../render/page.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';
import { JSON_TYPE, keys, PAGE_CACHE } from './keys.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';

/**
 * Writes the page and ninjs of what the index holds for `slug`, and checks the index did not move meanwhile: a
 * publisher that lost a race always rewrites from the newer index entry, so the last page written is the newest.
 * Nothing is written while an embargo holds.
 */
export function syncPublicFiles(deps: PublishDeps, slug: string): Promise<'written' | 'embargoed' | 'absent'> {
  return untilWritten(deps.clock, `the index entry of ${slug} kept changing while its page was written`, async () => {
    const before = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (!before) return 'absent';
    const editorial = visibleEditorial(before.entry);
    const now = deps.clock.now();
    if (editorial.embargo && editorial.embargo.getTime() > now.getTime()) return 'embargoed';
    const ninjs = `${JSON.stringify(renderNinjs(editorial, deps.config, { now }), null, 2)}\n`;
    await Promise.all([
      deps.site.put(keys.page(slug), renderPage(editorial, deps.config), {
        contentType: 'text/html; charset=utf-8',
        cacheControl: PAGE_CACHE,
      }),
      deps.site.put(keys.ninjs(slug), ninjs, { contentType: JSON_TYPE, cacheControl: PAGE_CACHE }),
    ]);
    const after = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (after?.etag === before.etag) return 'written' as const;
    return AGAIN;
  });
}
