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
 * editorials holds only the window in memory. A later version of the same slug replaces the earlier;
 * a later version that is withdrawn or embargoed removes the slug, whatever order the versions come in.
 */
export class FeedWindow {
  private readonly items = new Map<string, Editorial>();
  /** Slug → `updated` of its latest version seen that is not public, so an older version cannot bring it back. */
  private readonly hidden = new Map<string, number>();
  /** The entry that would be evicted next, when known. */
  private oldest: Editorial | undefined;

  constructor(
    readonly limit: number,
    readonly now: Date,
  ) {}

  add(editorial: Editorial): void {
    const { slug } = editorial;
    const updated = editorial.updated.getTime();
    const existing = this.items.get(slug);
    if (existing && existing.updated.getTime() > updated) return;
    if (!isPublic(editorial, this.now)) {
      this.hidden.set(slug, Math.max(updated, this.hidden.get(slug) ?? updated));
      if (existing) this.remove(existing);
      return;
    }
    // On equal `updated`, a withdrawal wins, so the outcome does not depend on arrival order.
    const hiddenAt = this.hidden.get(slug);
    if (hiddenAt !== undefined) {
      if (hiddenAt >= updated) return;
      this.hidden.delete(slug);
    }
    if (existing) {
      this.remove(existing);
    } else if (this.items.size >= this.limit) {
      const oldest = this.findOldest();
      if (!oldest || newestFirst(editorial, oldest) >= 0) return;
      this.remove(oldest);
    }
    this.items.set(slug, editorial);
    if (this.oldest && newestFirst(editorial, this.oldest) > 0) this.oldest = editorial;
  }

  /** The window, newest first. */
  entries(): Editorial[] {
    return [...this.items.values()].sort(newestFirst);
  }

  private remove(editorial: Editorial): void {
    this.items.delete(editorial.slug);
    if (this.oldest === editorial) this.oldest = undefined;
  }

  private findOldest(): Editorial | undefined {
    if (!this.oldest) {
      for (const item of this.items.values())
        if (!this.oldest || newestFirst(item, this.oldest) > 0) this.oldest = item;
    }
    return this.oldest;
  }
}
