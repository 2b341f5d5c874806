// Storage requests an ObjectStore is asked for: one per get, put and delete, and one per page of a listing.
import type { GetOptions, ObjectStore, ObjectSummary, PutOptions } from '../src/ports.ts';

/** S3 ListObjectsV2 returns up to 1,000 keys a page. */
const LIST_PAGE = 1000;

/** Requests counted by call: `<store> <get|put|delete|list> <key or prefix>` → requests. */
export class RequestTally {
  private calls = new Map<string, number>();

  add(call: string): void {
    this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
  }

  /** The requests counted since the last take, by call; counting starts afresh. */
  take(): Map<string, number> {
    const calls = this.calls;
    this.calls = new Map();
    return calls;
  }
}

export function total(calls: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const count of calls.values()) n += count;
  return n;
}

/**
 * `store`, counting into `tally` under `name`. A listing counts one request when it starts and one more for each
 * further 1,000 keys iterated (at least one per list call, however few keys, and none for pages never reached).
 */
export function countingStore(store: ObjectStore, name: string, tally: RequestTally): ObjectStore {
  return {
    get(key: string, options?: GetOptions) {
      tally.add(`${name} get ${key}`);
      return store.get(key, options);
    },
    put(key: string, body: string | Uint8Array, options: PutOptions) {
      tally.add(`${name} put ${key}`);
      return store.put(key, body, options);
    },
    delete(key: string) {
      tally.add(`${name} delete ${key}`);
      return store.delete(key);
    },
    async *list(prefix: string): AsyncIterable<ObjectSummary> {
      tally.add(`${name} list ${prefix}`);
      let seen = 0;
      for await (const summary of store.list(prefix)) {
        if (seen > 0 && seen % LIST_PAGE === 0) tally.add(`${name} list ${prefix}`);
        seen++;
        yield summary;
      }
    },
  };
}
