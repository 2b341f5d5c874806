import type { PartnerConfig } from '../config.ts';
import type { ScopeHead, Shape } from '../catalogue/head.ts';
import type { SiteFetch } from '../ports.ts';
import { changedItems, currentDocuments } from './pickup-report.ts';

/*
 * A kill (a withdrawal, told to partners as a tombstone) that a partner has not certainly seen an hour after it was
 * made is worth an alarm: the partner may still be showing the withdrawn text. Kills older than a day are left to the
 * pickup report, so the check reads at most a day of logs, and only while a kill is that young.
 */

export const KILL_ALARM_AFTER_MS = 60 * 60 * 1000;
export const KILL_WATCH_MS = 24 * 60 * 60 * 1000;

export interface PartnerKills {
  partner: Pick<PartnerConfig, 'id' | 'formats'>;
  path: string;
  head: ScopeHead | undefined;
}

export interface UnseenKill {
  partner: string;
  slug: string;
  killedAt: Date;
}

/** The window of kill times worth checking at `now`: older than an hour, younger than a day. */
export function killWindow(now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - KILL_WATCH_MS), to: new Date(now.getTime() - KILL_ALARM_AFTER_MS) };
}

/** The kills in the window, per partner: what the check must look for in the logs (none: no log is read). */
export function killsToCheck(
  partners: readonly PartnerKills[],
  shape: Shape,
  now: Date,
): { partner: string; slug: string; killedAt: Date; keys: Set<string> }[] {
  const { from, to } = killWindow(now);
  return partners.flatMap(({ partner, path, head }) =>
    changedItems(head, currentDocuments(partner, path, head, shape), from, to)
      .filter(({ item }) => item.partner?.kind === 'withdrawn')
      .map(({ item, changed, keys }) => ({ partner: partner.id, slug: item.slug, killedAt: changed, keys })),
  );
}

/** The kills no partner document holding them was fetched (200 or 304) at or after. */
export function unseenKills(kills: ReturnType<typeof killsToCheck>, fetches: readonly SiteFetch[]): UnseenKill[] {
  return kills
    .filter(
      ({ keys, killedAt }) =>
        !fetches.some((f) => (f.status === 200 || f.status === 304) && keys.has(f.path) && f.at >= killedAt),
    )
    .map(({ partner, slug, killedAt }) => ({ partner, slug, killedAt }));
}

/** The number the alarm watches: partners with at least one unseen kill. */
export function partnersWithUnseenKills(unseen: readonly UnseenKill[]): number {
  return new Set(unseen.map((u) => u.partner)).size;
}
