import { shapeOf } from '../../catalogue/head.ts';
import { itemContent } from '../../catalogue/item.ts';
import { isMemberRecord, type MemberRecord } from '../../catalogue/member.ts';
import { catalogueKeys } from '../../catalogue/paths.ts';
import { changeScope } from '../../catalogue/store/engine.ts';
import { readJson, writeJsonOver } from '../../catalogue/store/object-io.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';
import { siteCatalogueScope, siteChange, siteScopeOfId } from '../../catalogue/store/site-scope.ts';
import { ALL, scopeUrls, topicScope } from '../../render/scopes.ts';
import { isPublic } from '../../render/feeds/window.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';

/**
 * Brings the catalogue in line with what the index holds for `slug`: admitted to, changed in or taken out of the
 * publication's scope and each of its topics, and every document that shows it rewritten. Each scope changes under
 * its own conditional write; the pass is repeated until the index entry did not move while it ran, so the last pass
 * always works from the newest version. Returns the subscription documents that changed, for announceFeeds: the
 * caller tells the WebSub hub last, once partner feeds and the email are on their way, so a slow hub delays neither.
 */
export async function updateCatalogue(deps: PublishDeps, slug: string): Promise<string[]> {
  const announced = new Set<string>();
  const shape = shapeOf(deps.config);
  const now = () => deps.clock.now();
  await untilWritten(deps.clock, `the catalogue of ${slug} kept changing`, async () => {
    const before = await readIndexEntry(deps.editorials, deps.clock, slug);
    const member = await readJson(deps.editorials, deps.clock, catalogueKeys.member(slug), isMemberRecord);
    const editorial = before && visibleEditorial(before.entry);
    const content =
      editorial && isPublic(editorial, deps.clock.now()) ? itemContent(editorial, deps.config) : undefined;
    const wanted = content ? [ALL, ...content.topics.map(topicScope)] : [];
    const scopes = new Map(wanted.map((scope) => [scope.id, scope]));
    for (const id of member?.value.in ?? []) if (!scopes.has(id)) scopes.set(id, siteScopeOfId(id));
    // The publication's feeds exist from the first editorial on, even when it is not public yet.
    if (!scopes.has(ALL.id)) scopes.set(ALL.id, ALL);

    const seqs = { ...member?.value.seqs };
    // Scopes are independent objects: changed side by side, a publish takes as long as its slowest scope.
    await Promise.all(
      [...scopes.values()].map(async (scope) => {
        const inScope = wanted.some((s) => s.id === scope.id);
        const change = siteChange(scope, slug, inScope ? content : undefined, seqs[scope.id], shape);
        const { seq, headWritten } = await changeScope(deps, siteCatalogueScope(deps.config, now, scope), change);
        if (headWritten)
          for (const format of ['rss', 'atom', 'json'] as const)
            announced.add(scopeUrls.feed(deps.config, scope, format));
        if (seq !== undefined) seqs[scope.id] = seq;
      }),
    );
    const record: MemberRecord = { format: 1, seqs, in: wanted.map((s) => s.id) };
    if (JSON.stringify(record) !== JSON.stringify(member?.value)) {
      if (!(await writeJsonOver(deps.editorials, catalogueKeys.member(slug), record, member))) return AGAIN;
    }
    const after = await readIndexEntry(deps.editorials, deps.clock, slug);
    return after?.etag === before?.etag ? undefined : AGAIN;
  });
  return [...announced];
}

/** Tells the WebSub hub, when there is one, which subscription documents changed. A hub that cannot be told is
 * logged and left: the feeds are written, and readers polling them see the change. */
export async function announceFeeds(deps: PublishDeps, feedUrls: readonly string[]): Promise<void> {
  if (!deps.hub || feedUrls.length === 0) return;
  try {
    await deps.hub.publish([...feedUrls]);
  } catch (error) {
    deps.log.error('the WebSub hub could not be told of the change; readers polling the feeds still see it', {
      error,
      feeds: feedUrls,
    });
  }
}
