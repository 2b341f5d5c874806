import type { Editorial } from '../../model.ts';

/** Newest first; the slug breaks ties so the order never depends on input order. */
export function newestFirst(a: Editorial, b: Editorial): number {
  return b.published.getTime() - a.published.getTime() || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

/** Whether an editorial belongs in public feeds at `now`: published, and past any embargo. */
export function isPublic(editorial: Editorial, now: Date): boolean {
  return editorial.status === 'published' && (!editorial.embargo || editorial.embargo.getTime() <= now.getTime());
}

/**
 * Keeps the newest `limit` public editorials seen so far, so building a feed over any number of
 * editorials holds only the window in memory. A later version of the same slug replaces the earlier.
 */
export class FeedWindow {
  private readonly items = new Map<string, Editorial>();

  constructor(
    readonly limit: number,
    readonly now: Date,
  ) {}

  add(editorial: Editorial): void {
    const existing = this.items.get(editorial.slug);
    if (existing && existing.updated.getTime() > editorial.updated.getTime()) return;
    if (!isPublic(editorial, this.now)) {
      this.items.delete(editorial.slug);
      return;
    }
    this.items.set(editorial.slug, editorial);
    if (this.items.size > this.limit) {
      const oldest = [...this.items.values()].sort(newestFirst).at(-1)!;
      this.items.delete(oldest.slug);
    }
  }

  /** The window, newest first. */
  entries(): Editorial[] {
    return [...this.items.values()].sort(newestFirst);
  }
}
