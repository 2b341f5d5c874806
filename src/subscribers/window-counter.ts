import type { KeyValueTable } from '../ports.ts';

/** Counter items share the subscribers table; their ids contain `#`, which no subscriber id (base64url) does. */
export const COUNTER_MARK = '#';

/**
 * Counts one more event in a fixed window and returns the count with it. The increment is one atomic update on
 * the window's item, so concurrent callers each see their own number and exactly `limit` of them see one within
 * the limit. The item carries `expiresAt` (epoch seconds), the table's TTL attribute, so windows delete themselves.
 */
export async function countInWindow(table: KeyValueTable, id: string, expiresAt: Date): Promise<number> {
  // Update first: after the window's first event the item exists. Two first events race at putIfAbsent; the loser
  // finds the item and increments it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const after = await table.update({ id }, { increment: { count: 1 } });
    if (after) return Number(after.count);
    if (await table.putIfAbsent({ id, count: 1, expiresAt: Math.ceil(expiresAt.getTime() / 1000) })) return 1;
  }
  throw new Error(`window counter ${id} could neither be created nor incremented`);
}

/** The start of the fixed window of `windowMs` holding `now`. */
export function windowStart(now: Date, windowMs: number): number {
  return Math.floor(now.getTime() / windowMs) * windowMs;
}
