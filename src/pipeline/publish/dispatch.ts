import { PreconditionFailedError } from '../../ports.ts';
import { isPublic } from '../../render/feeds/window.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial, writeIndexEntry, type IndexEntry } from './index-entry.ts';
import { JSON_TYPE, keys } from './keys.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';
import { renderStoredTemplate } from './email-template.ts';

/** The send this entry still owes: due once public (published, embargo passed, source not removed). */
export function dueDispatch(entry: IndexEntry, now: Date): string | undefined {
  if (!entry.dispatchId || entry.dispatchedAt) return undefined;
  return isPublic(visibleEditorial(entry), now) ? entry.dispatchId : undefined;
}

/**
 * Renders the email once into `rendered/<slug>/<dispatchId>/email.json` (create-only: once written, the template
 * of a send never changes), hands the send to the dispatch stage, then records it in the index entry. A crash
 * before the record only means the next delivery plans the same dispatchId again, which the ledger dedupes.
 */
export async function dispatchIfDue(deps: PublishDeps, slug: string): Promise<string | undefined> {
  const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
  if (!stored) return undefined;
  const dispatchId = dueDispatch(stored.entry, deps.clock.now());
  if (!dispatchId) return undefined;
  const editorial = stored.entry.editorial;
  const templateKey = keys.template(slug, dispatchId);
  if (!(await exists(deps, templateKey))) {
    const template = await renderStoredTemplate(editorial, deps.config, dispatchId);
    try {
      await deps.editorials.put(templateKey, `${JSON.stringify(template)}\n`, {
        contentType: JSON_TYPE,
        ifNoneMatch: '*',
      });
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
    }
  }
  const sendAt = editorial.emailSendAt;
  if (sendAt && sendAt.getTime() > deps.clock.now().getTime()) {
    // The page and feeds are out; the email waits for the scheduled run after sendAt (releaseScheduledSends).
    await deps.scheduleDispatch?.({ dispatchId, slug, sendAt });
    const marker = { slug, dispatchId, sendAt: sendAt.toISOString() };
    await deps.editorials.put(keys.scheduledSend(slug), `${JSON.stringify(marker)}\n`, { contentType: JSON_TYPE });
    deps.log.info('dispatch scheduled', { slug, dispatchId, sendAt: marker.sendAt });
    return undefined;
  }
  // When the pipeline found the version being sent public (logPublicVersion wrote it before this runs: the first
  // publication's time, or a correction's for a correction sent again): the time the public log and the digests go by
  // too, so each reader gets it one way, on its own or in a digest. The same on every delivery.
  const logged =
    stored.entry.loggedUpdated?.getTime() === editorial.updated.getTime() ? stored.entry.loggedAt : undefined;
  const publicAt = (
    logged ??
    stored.entry.publicAt ??
    new Date(Math.max(stored.entry.sourceLastModified.getTime(), editorial.embargo?.getTime() ?? 0))
  ).toISOString();
  await deps.planDispatch({ dispatchId, slug, templateKey, topics: [...editorial.topics], publicAt });
  await recordDispatched(deps, slug, dispatchId);
  deps.log.info('dispatch planned', { slug, dispatchId, templateKey });
  return dispatchId;
}

function recordDispatched(deps: PublishDeps, slug: string, dispatchId: string): Promise<void> {
  return untilWritten(
    deps.clock,
    `the index entry of ${slug} kept changing while dispatch ${dispatchId} was recorded`,
    async () => {
      const stored = await readIndexEntry(deps.editorials, deps.clock, slug);
      if (!stored || stored.entry.dispatchId !== dispatchId || stored.entry.dispatchedAt) return;
      if (await writeIndexEntry(deps.editorials, { ...stored.entry, dispatchedAt: deps.clock.now() }, stored)) return;
      return AGAIN;
    },
  );
}

async function exists(deps: PublishDeps, key: string): Promise<boolean> {
  for await (const summary of deps.editorials.list(key)) if (summary.key === key) return true;
  return false;
}
