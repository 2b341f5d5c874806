import type { Logger } from '../../log.ts';
import type { Clock, ObjectStore } from '../../ports.ts';
import { IndexEntryError, readEntryAt, type IndexEntry } from './index-entry.ts';
import { INDEX_PREFIX } from './keys.ts';

/**
 * Calls `visit` for every index entry, reading a few at a time while the listing streams on, so memory holds
 * only the entries in flight. An unreadable entry is logged and skipped: one bad file must not stop the feeds.
 */
export async function forEachIndexEntry(
  { editorials: store, clock, log }: { editorials: ObjectStore; clock: Clock; log: Logger },
  visit: (entry: IndexEntry) => void | Promise<void>,
  concurrency = 8,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const read = async (key: string) => {
    let entry: IndexEntry | undefined;
    try {
      entry = (await readEntryAt(store, clock, key))?.entry;
    } catch (err) {
      if (!(err instanceof IndexEntryError)) throw err;
      log.error('index entry unreadable; left out', { key, error: err });
      return;
    }
    if (entry) await visit(entry);
  };
  for await (const summary of store.list(INDEX_PREFIX)) {
    if (!summary.key.endsWith('.json')) continue;
    const task: Promise<void> = read(summary.key)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
    if (failure) break;
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}
