import { PARTNERS_FOLDER } from '../../partners/paths.ts';
import type { ObjectStore } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import type { PublishDeps } from './deps.ts';

/*
 * The CDN in front of the public bucket keeps what a correction or withdrawal changed for as long as its
 * Cache-Control allows (5 minutes for pages, ninjs and complete archive pages). So every public key one publish
 * writes or deletes is recorded, and once it is done, when it changed what readers may have cached, they are
 * invalidated in one request.
 */

/** Four calls in all, from half a second up to 8 s apart: CloudFront throttles invalidations in bursts. */
export const INVALIDATION_POLICY: BackoffPolicy = { attempts: 4, baseMs: 500, capMs: 8_000 };

/** Deps whose site store records every key written or deleted through it, and those keys. */
export function recordingSite(deps: PublishDeps): { deps: PublishDeps; changed: Set<string> } {
  const changed = new Set<string>();
  const site = deps.site;
  const recorded: ObjectStore = {
    get: (key, options) => site.get(key, options),
    list: (prefix) => site.list(prefix),
    put: async (key, body, options) => {
      changed.add(key);
      return site.put(key, body, options);
    },
    delete: async (key) => {
      changed.add(key);
      return site.delete(key);
    },
  };
  return { deps: { ...deps, site: recorded }, changed };
}

/**
 * Invalidates the changed public keys, once, with a few retries. Partner documents are left out: the CDN never keeps
 * them (Cache-Control private, caching disabled), and their secret paths have no place in CloudFront's records.
 * Never throws: the content is written, and a cache that could not be told still expires within its max-age; the
 * log says which paths were left.
 */
export async function invalidateChanged(deps: PublishDeps, changed: Iterable<string>, slug: string): Promise<void> {
  const invalidator = deps.invalidator;
  const paths = [...changed].filter((key) => !key.startsWith(`${PARTNERS_FOLDER}/`)).sort();
  if (!invalidator || paths.length === 0) return;
  try {
    await retry(deps.clock, INVALIDATION_POLICY, () => invalidator.invalidate(paths), {
      onFailure: (attempt, error) => deps.log.warn('a CDN invalidation attempt failed', { slug, attempt, error }),
    });
    deps.log.info('the CDN copies of the changed public files are invalidated', { slug, paths: paths.length });
  } catch (error) {
    deps.log.error('the CDN could not be told of the change: these paths stay cached until their max-age runs out', {
      slug,
      paths,
      error,
    });
  }
}
