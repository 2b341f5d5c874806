import type { PartnerConfig } from '../../config.ts';
import { bufferedStore } from '../../catalogue/store/buffered-store.ts';
import { keysUnder, readJson, writeJsonOver } from '../../catalogue/store/object-io.ts';
import { AGAIN, untilWritten } from '../../catalogue/store/retry.ts';
import {
  changePartnerItem,
  isPartnerMember,
  PARTNER_MEMBERS_PREFIX,
  PARTNER_SCOPES_PREFIX,
  partnerCatalogueKeys,
  partnerCatalogueScope,
  type PartnerMemberRecord,
} from '../../partners/catalogue-scope.ts';
import { partnerContent, partnerEntryOf, tombstone, webhookBody } from '../../partners/changes.ts';
import { takenBy } from '../../partners/items.ts';
import { DEVELOPMENT_PARTNER_SECRET, partnerPath, PARTNERS_FOLDER } from '../../partners/paths.ts';
import { forgetPartnerFeeds, withRegistryPartners } from '../../partners/registry-feeds.ts';
import { webhookEventId, type WebhookMessage } from '../../partners/webhooks.ts';
import type { StoredObject } from '../../ports.ts';
import type { PublishDeps } from './deps.ts';
import { readIndexEntry, visibleEditorial } from './index-entry.ts';
import { forEachIndexEntry } from './index-listing.ts';
import { keys } from './keys.ts';
import { readAhead } from './read-ahead.ts';

/** How many index entries a rebuild reads ahead of the one it replays. */
const READ_AHEAD = 8;
/** A rebuild writes what it holds in memory every so many editorials. */
const FLUSH_EVERY = 500;

/*
 * Each partner's feeds on the publish stage: every change of an editorial, as partners hear of it, put in the scope
 * of each partner that takes it (src/partners/catalogue-scope.ts), and queued for the partner's webhook.
 */

/** Brings every partner scope that takes `slug` (or took it before) in line with its index entry. */
export async function updatePartnerFeeds(deps: PublishDeps, slug: string): Promise<void> {
  const partners = deps.config.partners;
  if (partners.length === 0) return;
  const secret = deps.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET;
  // Each partner's newest change, queued once the member record says it was made (a retry never loses one).
  const hooks = new Map<string, WebhookMessage>();
  await untilWritten(deps.clock, `the partner feeds of ${slug} kept changing`, async () => {
    const before = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (!before) return undefined;
    const member = await readJson(deps.editorials, deps.clock, partnerCatalogueKeys.member(slug), isPartnerMember);
    const entry = partnerEntryOf(visibleEditorial(before.entry), before.entry.removedAt, deps.config, deps.clock.now());
    const seqs = { ...member?.value.seqs };
    const versions = { ...member?.value.versions };
    const inScope = new Set<string>();
    await Promise.all(
      partners.map(async (partner) => {
        const takes = takenBy(partner)(entry);
        const took = member?.value.in.includes(partner.id) ?? false;
        if (!takes && !took) return;
        inScope.add(partner.id);
        const previous = versions[partner.id];
        // No longer in its topics: told once, as a tombstone, which then stays as it is.
        if (!takes && previous?.startsWith('withdrawn|')) return;
        const shown = takes ? entry : tombstone(entry);
        const version = `${shown.kind === 'withdrawn' ? 'withdrawn' : 'live'}|${shown.changed.toISOString()}`;
        const scope = partnerCatalogueScope(deps, { partner, path: partnerPath(secret, partner) });
        const content = partnerContent(shown, partner, deps.config, deps.clock.now());
        seqs[partner.id] = await changePartnerItem(deps, scope, slug, content, seqs[partner.id], version === previous);
        versions[partner.id] = version;
        if (partner.webhook && deps.webhooks && version !== previous) {
          hooks.set(partner.id, {
            partner: partner.id,
            eventId: webhookEventId(partner.id, slug, version),
            body: webhookBody(shown, partner, deps.config, deps.clock.now()),
            webhook: partner.webhook,
            rotation: partner.rotation,
          });
        }
      }),
    );
    const record: PartnerMemberRecord = {
      format: 1,
      seqs,
      in: partners.filter((p) => inScope.has(p.id)).map((p) => p.id),
      versions,
    };
    if (JSON.stringify(record) !== JSON.stringify(member?.value)) {
      if (!(await writeJsonOver(deps.editorials, partnerCatalogueKeys.member(slug), record, member))) return AGAIN;
    }
    const after = await readIndexEntry(deps.editorials, deps.clock, slug);
    return after?.etag === before.etag ? undefined : AGAIN;
  });
  if (hooks.size > 0) await deps.webhooks!.sendBatch([...hooks.values()].map((m) => JSON.stringify(m)));
}

/**
 * Builds every partner scope again from the index (with `broadsheet catalogue rebuild`, once the catalogue objects
 * are gone): each editorial's latest change replayed in the order of change, as publishing them in that order would.
 * It also fills the scope of a partner added since its editorials were published.
 */
export async function rebuildPartnerFeeds(given: PublishDeps): Promise<void> {
  // The partners in effect now; a rebuild never goes ahead on a malformed registry.
  const { deps, problem } = await withRegistryPartners(given);
  if (problem) throw problem;
  if (deps.config.partners.length === 0) return;
  const order: { slug: string; changed: number }[] = [];
  const now = deps.clock.now();
  await forEachIndexEntry(deps, async (entry) => {
    const { editorial, changed } = partnerEntryOf(visibleEditorial(entry), entry.removedAt, deps.config, now);
    order.push({ slug: editorial.slug, changed: changed.getTime() });
  });
  order.sort((a, b) => a.changed - b.changed || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  // The replay changes each partner's head once per editorial: it works on the partner objects and documents in
  // memory, and each is written once, as it ends up (every FLUSH_EVERY editorials too, so memory stays bounded).
  const secret = deps.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET;
  const editorials = await bufferedStore(deps.editorials, [PARTNER_SCOPES_PREFIX, PARTNER_MEMBERS_PREFIX]);
  const site = await bufferedStore(
    deps.site,
    deps.config.partners.map((partner) => `${PARTNERS_FOLDER}/${partnerPath(secret, partner)}/`),
  );
  // Each index entry read ahead of its turn; the replay reads it (twice) from there.
  const ahead = new Map<string, StoredObject | undefined>();
  const replay: PublishDeps = {
    ...deps,
    site,
    editorials: {
      ...editorials,
      get: (key, options) => (ahead.has(key) ? Promise.resolve(ahead.get(key)) : editorials.get(key, options)),
    },
  };
  // A replay of changes partners were told of already: no webhook is sent for them again.
  delete replay.webhooks;
  let replayed = 0;
  const entries = readAhead(order, READ_AHEAD, async ({ slug }) => {
    const key = keys.index(slug);
    return { key, object: await deps.editorials.get(key) };
  });
  for await (const [{ slug }, { key, object }] of entries) {
    ahead.set(key, object);
    await updatePartnerFeeds(replay, slug);
    ahead.delete(key);
    if (++replayed % FLUSH_EVERY === 0) await Promise.all([editorials.flush(), site.flush()]);
  }
  await Promise.all([editorials.flush(), site.flush()]);
}

/**
 * Removes a partner's feeds for good (`broadsheet partners remove`, once the registry no longer names it): every
 * object under its path in the site bucket, its catalogue scope, and its place in every member record
 * (src/partners/registry-feeds.ts). A partner with a webhook is first sent a tombstone for each item it holds live;
 * nothing else is sent. Returns what went.
 */
export async function removePartnerFeeds(
  deps: PublishDeps,
  id: string,
  path: string,
  partner?: PartnerConfig,
): Promise<{ objects: number; catalogue: number; members: number; tombstones: number }> {
  // First, while the member records still say what it holds: a partner with a webhook is told to take each item down.
  const tombstones = partner?.webhook && deps.webhooks ? await queueRemovalTombstones(deps, partner) : 0;
  return { ...(await forgetPartnerFeeds(deps, id, path)), tombstones };
}

/**
 * One webhook tombstone (ninjs `pubStatus: canceled`) for every item the partner holds live, queued as any change
 * is; the event id names the removal, so a repeated remove sends each again under the same id. Its cost follows
 * the partner's items (one member record each), not the history. Each item is read from the index, so this stays
 * with the publish stage.
 */
async function queueRemovalTombstones(deps: PublishDeps, partner: PartnerConfig): Promise<number> {
  const now = deps.clock.now();
  const messages: string[] = [];
  for (const key of await keysUnder(deps.editorials, PARTNER_MEMBERS_PREFIX)) {
    const stored = await readJson(deps.editorials, deps.clock, key, isPartnerMember);
    if (!stored?.value.versions[partner.id]?.startsWith('live|')) continue;
    const slug = key.slice(PARTNER_MEMBERS_PREFIX.length, -'.json'.length);
    const indexed = await readIndexEntry(deps.editorials, deps.clock, slug);
    if (!indexed) continue;
    const entry = tombstone({
      ...partnerEntryOf(visibleEditorial(indexed.entry), indexed.entry.removedAt, deps.config, now),
      changed: now,
    });
    const message: WebhookMessage = {
      partner: partner.id,
      eventId: webhookEventId(partner.id, slug, 'removed'),
      body: webhookBody(entry, partner, deps.config, now),
      webhook: partner.webhook!,
      rotation: partner.rotation,
    };
    messages.push(JSON.stringify(message));
  }
  if (messages.length > 0) await deps.webhooks!.sendBatch(messages);
  return messages.length;
}
