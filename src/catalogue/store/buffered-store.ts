import {
  PreconditionFailedError,
  type GetOptions,
  type ObjectStore,
  type ObjectSummary,
  type PutOptions,
  type StoredObject,
} from '../../ports.ts';
import { sameEtag } from './object-io.ts';

/*
 * A store held in memory over another, for one writer that changes the same objects many times in a row (a rebuild
 * replaying every change of the history). The objects under the given prefixes are listed once, read once, changed
 * in memory under the store's conditional-write rules, and written by flush() once each, as they ended up.
 * Every other key goes straight to the store. Nothing else may write under those prefixes meanwhile.
 */

export interface BufferedStore extends ObjectStore {
  /** Writes every object changed since the last flush (and deletes those deleted); returns how many. */
  flush(): Promise<number>;
}

/** How many objects a flush writes at a time. */
const FLUSH_CONCURRENCY = 8;

export async function bufferedStore(store: ObjectStore, prefixes: readonly string[]): Promise<BufferedStore> {
  const buffered = (key: string) => prefixes.some((prefix) => key.startsWith(prefix));
  // What the store holds under the prefixes, as listed at the start: a key it does not list needs no read.
  const listed = new Map<string, ObjectSummary>();
  for (const prefix of prefixes) for await (const summary of store.list(prefix)) listed.set(summary.key, summary);
  // The objects read or changed: undefined once deleted, or when the store has none.
  const held = new Map<string, StoredObject | undefined>();
  const changed = new Set<string>();
  let version = 0;

  const current = async (key: string): Promise<StoredObject | undefined> => {
    if (held.has(key)) return held.get(key);
    const object = listed.has(key) ? await store.get(key) : undefined;
    held.set(key, object);
    return object;
  };

  return {
    async get(key: string, options?: GetOptions) {
      if (!buffered(key)) return store.get(key, options);
      const object = await current(key);
      if (!object || options?.maxBytes === undefined || object.body.length <= options.maxBytes) return object;
      return { ...object, body: new Uint8Array(), tooLarge: { bytes: object.body.length } };
    },

    async put(key: string, body: string | Uint8Array, options: PutOptions) {
      if (!buffered(key)) return store.put(key, body, options);
      if (options.ifNoneMatch || options.ifMatch) {
        const before = await current(key);
        if (options.ifNoneMatch && before) throw new PreconditionFailedError(`${key} exists`);
        if (options.ifMatch && !(before && sameEtag(before.etag, options.ifMatch)))
          throw new PreconditionFailedError(`${key} holds another version`);
      }
      const etag = `"buffered-${++version}"`;
      held.set(key, {
        key,
        body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
        lastModified: new Date(),
        etag,
        contentType: options.contentType,
        ...(options.cacheControl !== undefined && { cacheControl: options.cacheControl }),
        ...(options.metadata && { metadata: options.metadata }),
      });
      changed.add(key);
      return { etag };
    },

    async delete(key: string) {
      if (!buffered(key)) return store.delete(key);
      held.set(key, undefined);
      changed.add(key);
    },

    async *list(prefix: string) {
      const found = new Map<string, ObjectSummary>();
      // Under one of the prefixes, the listing made at the start is the whole of what the store has.
      if (!prefixes.some((p) => prefix.startsWith(p))) {
        for await (const summary of store.list(prefix)) if (!buffered(summary.key)) found.set(summary.key, summary);
      }
      for (const [key, summary] of listed) if (key.startsWith(prefix)) found.set(key, summary);
      for (const [key, object] of held) {
        if (!key.startsWith(prefix)) continue;
        if (!object) found.delete(key);
        else found.set(key, { key, lastModified: object.lastModified, etag: object.etag, size: object.body.length });
      }
      yield* [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async flush() {
      const keys = [...changed];
      changed.clear();
      for (let start = 0; start < keys.length; start += FLUSH_CONCURRENCY) {
        await Promise.all(
          keys.slice(start, start + FLUSH_CONCURRENCY).map(async (key) => {
            const object = held.get(key);
            held.delete(key);
            if (!object) {
              listed.delete(key);
              return store.delete(key);
            }
            const { etag } = await store.put(key, object.body, {
              contentType: object.contentType ?? 'application/octet-stream',
              ...(object.cacheControl !== undefined && { cacheControl: object.cacheControl }),
              ...(object.metadata && { metadata: object.metadata }),
            });
            // Read back from the store from now on: memory no longer holds the body.
            listed.set(key, { key, lastModified: object.lastModified, etag, size: object.body.length });
          }),
        );
      }
      return keys.length;
    },
  };
}
