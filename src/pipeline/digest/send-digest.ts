import { DIGEST_CADENCES, type DigestCadence } from '../../cadence.ts';
import type { Config } from '../../config.ts';
import { CATALOGUES } from '../../i18n/index.ts';
import type { Logger } from '../../log.ts';
import { PreconditionFailedError, type Clock, type ObjectStore } from '../../ports.ts';
import { mailbox } from '../../render/email/headers.ts';
import { renderDigest } from '../../render/email/digest.ts';
import type { DigestEntry, DigestTemplate } from '../../render/email/digest-types.ts';
import type { StoredDigest } from '../dispatch/digest-template.ts';
import type { DispatchRequest } from '../publish/dispatch-request.ts';
import { collectDigest, publicNow } from './collect.ts';
import { digestItemKey } from './digest-items.ts';
import {
  digestDispatchId,
  isSettled,
  latestSettledPeriod,
  PeriodError,
  SETTLE_MS,
  type DigestPeriod,
} from './period.ts';
import { BroadsheetError } from '../../errors.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export interface DigestDeps {
  /** The private bucket: the public log and index entries are read there, the digest's template written there. */
  editorials: ObjectStore;
  config: Config;
  clock: Clock;
  log: Logger;
  /** The dispatch planner, as the publish stage calls it for an editorial. */
  planDispatch: (request: DispatchRequest) => Promise<void>;
  /** Leaves an editorial out of a digest's copies not yet sent (the publish stage's, src/pipeline/publish/deps.ts). */
  withdrawFromDigest?: (request: { dispatchId: string; slug: string }) => Promise<void>;
}

export type DigestOutcome =
  /** Handed to the planner now. */
  | { outcome: 'planned'; dispatchId: string; period: DigestPeriod; editorials: number }
  /** Planned before (by the schedule or by hand): nothing done. */
  | { outcome: 'already'; dispatchId: string; period: DigestPeriod; editorials: number }
  /** Nothing became public in the period: nothing sent. */
  | { outcome: 'empty'; dispatchId: string; period: DigestPeriod; editorials: 0 };

export class DigestError extends BroadsheetError {
  override name = 'DigestError';
}

/** `digests/<dispatchId>.json`: written once a period's digest is handed over (or found empty), so it is done once. */
export const digestMarkerKey = (dispatchId: string) => `digests/${dispatchId}.json`;
/** Where a digest's template is kept, as an editorial's is under rendered/. */
export const digestTemplateKey = (dispatchId: string) => `rendered/digests/${dispatchId}/email.json`;

/**
 * Plans the digest of one period, once: a period handed over before is left alone, a period with nothing new sends
 * nothing. The dispatch id is the period's (`digest-<cadence>-<period>`), so the planner and the workers make it
 * exactly once per reader whoever calls this, however often: the schedule running twice or late, a crash half way,
 * `broadsheet digest send` by hand. The template is create-only: two calls at once plan the same one.
 */
export async function sendDigest(deps: DigestDeps, period: DigestPeriod): Promise<DigestOutcome> {
  const dispatchId = digestDispatchId(period);
  const log = deps.log.child({ dispatchId, cadence: period.cadence, period: period.id });
  if (!isSettled(period, deps.clock.now()))
    throw new PeriodError(
      `the ${period.cadence} period ${period.id} ends at ${period.end.toISOString()} and is settled ${SETTLE_MS / 60_000} minutes later: not over yet`,
    );
  const marker = await readMarker(deps, dispatchId);
  if (marker)
    return { outcome: marker.editorials > 0 ? 'already' : 'empty', dispatchId, period, ...marker } as DigestOutcome;

  const entries = await collectDigest(deps, period);
  if (entries.length === 0) {
    await writeMarker(deps, dispatchId, { editorials: 0 });
    log.info('digest period had nothing new; nothing sent');
    return { outcome: 'empty', dispatchId, period, editorials: 0 };
  }
  const templateKey = digestTemplateKey(dispatchId);
  // What is planned is the stored template: this call's, or the one an earlier call (crashed, or racing) wrote.
  const listed = listedIn(
    await writeTemplate(deps, templateKey, storedDigest(deps.config, dispatchId, period, entries)),
  );
  await noteListed(
    deps,
    dispatchId,
    listed.map((e) => e.slug),
  );
  // An editorial without topics goes to every reader: the digest's audience is then everyone on its cadence.
  const topics = listed.some((e) => e.topics.length === 0) ? [] : [...new Set(listed.flatMap((e) => e.topics))];
  await deps.planDispatch({
    dispatchId,
    slug: dispatchId,
    templateKey,
    topics,
    digest: { cadence: period.cadence, period: periodJson(period) },
  });
  await writeMarker(deps, dispatchId, { editorials: entries.length });
  log.info('digest planned', { editorials: entries.length });
  return { outcome: 'planned', dispatchId, period, editorials: entries.length };
}

/** Plans each offered digest's newest ended period unless done: what the scheduled run calls, as often as it likes. */
export async function planDueDigests(deps: DigestDeps): Promise<DigestOutcome[]> {
  const settings = deps.config.subscription.digests;
  const outcomes: DigestOutcome[] = [];
  for (const cadence of DIGEST_CADENCES) {
    if (!settings.cadences.includes(cadence)) continue;
    outcomes.push(await sendDigest(deps, latestSettledPeriod(cadence, settings, deps.clock.now())));
  }
  return outcomes;
}

/** Whether the configuration offers `cadence`; a DigestError says what to do when it does not. */
export function checkOffered(config: Config, cadence: DigestCadence): void {
  if (!config.subscription.digests.cadences.includes(cadence))
    throw new DigestError(
      `${cadence} digests are not offered (subscription.digests.cadences: ${config.subscription.digests.cadences.join(', ')}): add ${cadence} there first`,
    );
}

/** The digest in every language the catalogue has: a reader gets the one of their language, else the publication's. */
export function storedDigest(
  config: Config,
  dispatchId: string,
  period: DigestPeriod,
  entries: DigestEntry[],
): StoredDigest {
  const variants: Record<string, DigestTemplate> = {};
  for (const language of Object.keys(CATALOGUES)) variants[language] = renderDigest(entries, config, period, language);
  const primary = config.publication.language.toLowerCase().split('-')[0] ?? '';
  return {
    kind: 'digest',
    dispatchId,
    slug: dispatchId,
    from: mailbox(config.sender.name, config.sender.address),
    ...(config.sender.replyTo && { replyTo: config.sender.replyTo }),
    cadence: period.cadence,
    period: periodJson(period),
    language: primary in variants ? primary : 'en',
    variants,
  };
}

const periodJson = (period: DigestPeriod) => ({
  id: period.id,
  start: period.start.toISOString(),
  end: period.end.toISOString(),
});

/** Writes the template unless one is there already, and answers the one that is stored. */
async function writeTemplate(deps: DigestDeps, key: string, digest: StoredDigest): Promise<StoredDigest> {
  try {
    await deps.editorials.put(key, `${JSON.stringify(digest)}\n`, { contentType: JSON_TYPE, ifNoneMatch: '*' });
    return digest;
  } catch (err) {
    // Another call wrote it first: both plan that one.
    if (!(err instanceof PreconditionFailedError)) throw err;
    const stored = await deps.editorials.get(key);
    if (!stored) throw new DigestError(`${key} was written by another call and is gone: plan the period again`);
    return JSON.parse(Buffer.from(stored.body).toString('utf8')) as StoredDigest;
  }
}

/** Every editorial a stored digest lists, in any of its languages (each variant may cut its list at another place). */
function listedIn(digest: StoredDigest): { slug: string; topics: string[] }[] {
  const listed = new Map<string, string[]>();
  for (const variant of Object.values(digest.variants ?? {}))
    for (const entry of variant.entries ?? []) listed.set(entry.slug, entry.topics ?? []);
  return [...listed].map(([slug, topics]) => ({ slug, topics }));
}

/**
 * Before the plan: notes the digest under each editorial it lists, so that a withdrawal from now on finds it and
 * leaves the editorial out of the copies still to send; then looks at each editorial again, since one withdrawn
 * between the listing and the note found no note, and tells the digest itself.
 */
async function noteListed(deps: DigestDeps, dispatchId: string, slugs: readonly string[]): Promise<void> {
  const noted = `${JSON.stringify({ dispatchId, at: deps.clock.now().toISOString() })}\n`;
  for (const slug of slugs)
    await deps.editorials.put(digestItemKey(slug, dispatchId), noted, { contentType: JSON_TYPE });
  for (const slug of slugs) {
    if (await publicNow(deps, slug)) continue;
    if (deps.withdrawFromDigest) await deps.withdrawFromDigest({ dispatchId, slug });
    else
      deps.log.warn('an editorial of the digest was withdrawn as it was planned; nothing here can tell it', { slug });
  }
}

async function readMarker(deps: DigestDeps, dispatchId: string): Promise<{ editorials: number } | undefined> {
  const object = await deps.editorials.get(digestMarkerKey(dispatchId));
  if (!object) return undefined;
  try {
    const value = JSON.parse(Buffer.from(object.body).toString('utf8')) as { editorials?: unknown };
    return { editorials: typeof value.editorials === 'number' ? value.editorials : 0 };
  } catch {
    // A marker is only ever written whole; an unreadable one still says the period was handled.
    return { editorials: 0 };
  }
}

async function writeMarker(deps: DigestDeps, dispatchId: string, value: { editorials: number }): Promise<void> {
  const body = { dispatchId, ...value, at: deps.clock.now().toISOString() };
  await deps.editorials.put(digestMarkerKey(dispatchId), `${JSON.stringify(body)}\n`, { contentType: JSON_TYPE });
}
