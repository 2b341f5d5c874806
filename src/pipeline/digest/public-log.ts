import type { ObjectStore } from '../../ports.ts';
import type { Window } from '../../cadence.ts';

/*
 * The public log: one small object in the editorials bucket each time a version of an editorial becomes public (its
 * first publication, its embargo passing, a correction). The key alone says when and what, and keys sort by time, so
 * a digest lists one day's prefix per day of its period: its cost follows the period's editorials, not the archive.
 */

export const PUBLIC_LOG_PREFIX = 'public-log/';

/** `public-log/<ISO instant>~<slug>.json`: a day's records share the prefix `public-log/<YYYY-MM-DD>`. */
export function publicLogKey(at: Date, slug: string): string {
  return `${PUBLIC_LOG_PREFIX}${at.toISOString()}~${slug}.json`;
}

export interface PublicLogRecord {
  at: Date;
  slug: string;
}

/** The record a key names, or undefined for anything else under the prefix. */
export function parsePublicLogKey(key: string): PublicLogRecord | undefined {
  if (!key.startsWith(PUBLIC_LOG_PREFIX) || !key.endsWith('.json')) return undefined;
  const name = key.slice(PUBLIC_LOG_PREFIX.length, -'.json'.length);
  const cut = name.indexOf('~');
  if (cut < 0) return undefined;
  const at = new Date(name.slice(0, cut));
  const slug = name.slice(cut + 1);
  return Number.isNaN(at.getTime()) || slug === '' ? undefined : { at, slug };
}

const DAY_MS = 86_400_000;

/** Every record whose time falls in `window`, oldest first, listing one UTC day's prefix per day it touches. */
export async function publicLogIn(store: ObjectStore, window: Window): Promise<PublicLogRecord[]> {
  const found: PublicLogRecord[] = [];
  const first = Math.floor(window.start.getTime() / DAY_MS);
  const last = Math.floor((window.end.getTime() - 1) / DAY_MS);
  for (let day = first; day <= last; day++) {
    const prefix = `${PUBLIC_LOG_PREFIX}${new Date(day * DAY_MS).toISOString().slice(0, 10)}`;
    for await (const summary of store.list(prefix)) {
      const record = parsePublicLogKey(summary.key);
      if (record && record.at >= window.start && record.at < window.end) found.push(record);
    }
  }
  return found.sort((a, b) => a.at.getTime() - b.at.getTime());
}
