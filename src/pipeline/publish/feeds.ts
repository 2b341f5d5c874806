import { renderFeeds } from '../../render/feeds/index.ts';
import { FeedWindow } from '../../render/feeds/window.ts';
import { PreconditionFailedError, type PutOptions } from '../../ports.ts';
import type { PublishDeps } from './deps.ts';
import { visibleEditorial } from './index-entry.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { FEED_CACHE, FEED_FILES } from './keys.ts';
import { AGAIN, untilWritten } from './retry.ts';

type FeedName = (typeof FEED_FILES)[number]['name'];

/**
 * Rebuilds the RSS, Atom and JSON feeds from the index under an optimistic lock on each feed file.
 *
 * Why no item is lost: every publisher writes its index entry before it calls this. A feed write succeeds only
 * over the version its writer read before listing the index, so whichever write to a feed file comes last was
 * listed after every earlier successful writer had read that file, hence after each of their index entries.
 */
export async function rebuildFeeds(deps: PublishDeps): Promise<void> {
  const pending = new Set<FeedName>(FEED_FILES.map((f) => f.name));
  await untilWritten(deps.clock, 'the feeds kept changing while they were written', async (attempt) => {
    const etags = await feedEtags(deps);
    const now = deps.clock.now();
    const window = new FeedWindow(deps.config.feeds.limit, now);
    await forEachIndexEntry(deps, (entry) => window.add(visibleEditorial(entry)));
    const feeds = renderFeeds(window.entries(), deps.config);
    const bodies: Record<FeedName, string> = { rss: feeds.rss, atom: feeds.atom, json: feeds.json };

    const results = await Promise.allSettled(
      FEED_FILES.filter((file) => pending.has(file.name)).map(async (file) => {
        const etag = etags.get(file.key);
        const options: PutOptions = {
          contentType: file.contentType,
          cacheControl: FEED_CACHE,
          ...(etag ? { ifMatch: etag } : { ifNoneMatch: '*' as const }),
        };
        await deps.site.put(file.key, bodies[file.name], options);
        pending.delete(file.name);
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const fatal = failed.find((reason) => !(reason instanceof PreconditionFailedError));
    if (fatal) throw fatal;
    if (pending.size === 0) return;
    deps.log.debug('feed write lost a race; rebuilding', { feeds: [...pending], attempt });
    return AGAIN;
  });
}

async function feedEtags(deps: PublishDeps): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  for await (const summary of deps.site.list('feeds/')) etags.set(summary.key, summary.etag);
  return etags;
}
