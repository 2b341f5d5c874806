import { randomUUID } from 'node:crypto';
import type { CreateInvalidationCommandInput } from '@aws-sdk/client-cloudfront';
import type { CacheInvalidator } from '../ports.ts';

/** The one call the invalidator makes, CreateInvalidation: CloudFrontApi (./cloudfront-api.ts), or a fake of it. */
export interface InvalidationClient {
  send(command: { input: CreateInvalidationCommandInput }): Promise<unknown>;
}

/**
 * More paths than this under one folder become the folder's wildcard (`/folder/*`). CloudFront keeps at most 15
 * wildcard paths in progress per distribution, and 3,000 single ones: folding keeps a request far inside both.
 */
export const FOLD_THRESHOLD = 15;
/** Paths in one request after folding; beyond it the whole site is invalidated (`/*`), one wildcard. */
export const MAX_PATHS = 1_000;

/**
 * CacheInvalidator over one CloudFront distribution: one CreateInvalidation per call, whatever the number of paths,
 * each path URL-encoded as viewers request it (the directory-index function rewrites `/x/` to `/x/index.html`
 * before the cache is looked up, so `index.html` keys are invalidated as they are stored). A unique CallerReference
 * per call: CloudFront would take a repeated one for the earlier request.
 */
export class CloudFrontInvalidator implements CacheInvalidator {
  constructor(
    private readonly client: InvalidationClient,
    readonly distributionId: string,
    private readonly reference: () => string = () => `broadsheet-${Date.now()}-${randomUUID()}`,
  ) {}

  async invalidate(keys: string[]): Promise<void> {
    const items = invalidationPaths(keys);
    if (items.length === 0) return;
    await this.client.send({
      input: {
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: this.reference(), Paths: { Quantity: items.length, Items: items } },
      },
    });
  }
}

/**
 * The invalidation paths of some public keys: each `/`-prefixed and URL-encoded segment by segment (UTF-8, as a
 * browser sends it; `*` too, which CloudFront would otherwise read as a wildcard), deduplicated, with more than
 * FOLD_THRESHOLD paths under one folder (at any depth, the root aside) folded into that folder's wildcard, deepest
 * first. More than MAX_PATHS after that: the whole site.
 */
export function invalidationPaths(keys: readonly string[], threshold = FOLD_THRESHOLD): string[] {
  let paths = [...new Set(keys.filter((k) => k !== '').map(encodePath))];
  for (;;) {
    // Paths (a wildcard counts as one) under each folder but the root, at every depth.
    const counts = new Map<string, number>();
    for (const path of paths) for (const folder of foldersOf(path)) counts.set(folder, (counts.get(folder) ?? 0) + 1);
    const crowded = [...counts].filter(([, n]) => n > threshold).map(([folder]) => folder);
    if (crowded.length === 0) break;
    // The deepest crowded folder first: the narrowest wildcard that brings its paths under the threshold.
    const folder = crowded.sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))[0]!;
    paths = [...paths.filter((p) => !p.startsWith(folder)), `${folder}*`];
  }
  if (paths.length > MAX_PATHS) return ['/*'];
  return paths.sort();
}

function encodePath(key: string): string {
  const segments = key.replace(/^\/+/, '').split('/');
  return `/${segments.map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/')}`;
}

/** `/a/b/c.xml` → [`/a/`, `/a/b/`]; `/a/b/*` → [`/a/`] (a wildcard belongs to the folders above its own). */
function foldersOf(path: string): string[] {
  const segments = (path.endsWith('/*') ? path.slice(0, -2) : path).split('/').slice(1, -1);
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
}
