import { BroadsheetError } from '../../errors.ts';
import { PreconditionFailedError, type Clock, type ObjectStore } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import { JSON_TYPE } from './keys.ts';

export class CatalogueObjectError extends BroadsheetError {
  override name = 'CatalogueObjectError';
}

export interface Stored<T> {
  value: T;
  etag: string;
}

/** Reads are safe to repeat: a read racing an overwrite can come back torn on a store without atomic reads. */
const READ_POLICY: BackoffPolicy = { attempts: 4, baseMs: 10, capMs: 100 };

export function readJson<T>(store: ObjectStore, clock: Clock, key: string, check: (value: unknown) => value is T): Promise<Stored<T> | undefined> {
  return retry(clock, READ_POLICY, async () => {
    const object = await store.get(key);
    if (!object) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(object.body));
    } catch (err) {
      throw new CatalogueObjectError(`${key} is not JSON`, { cause: err });
    }
    if (!check(value)) throw new CatalogueObjectError(`${key} is not a catalogue object of this version`);
    return { value, etag: object.etag };
  });
}

/** Writes over the version read (or only when there was none); undefined when another writer got there first. */
export async function writeJsonOver(store: ObjectStore, key: string, value: unknown, previous: { etag: string } | undefined): Promise<string | undefined> {
  try {
    const { etag } = await store.put(key, JSON.stringify(value), {
      contentType: JSON_TYPE,
      ...(previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' as const }),
    });
    return etag;
  } catch (err) {
    if (err instanceof PreconditionFailedError) return undefined;
    throw err;
  }
}

/** The current version tag of `key` without reading its body (one listing request). */
export async function currentEtag(store: ObjectStore, key: string): Promise<string | undefined> {
  for await (const summary of store.list(key)) if (summary.key === key) return summary.etag;
  return undefined;
}
