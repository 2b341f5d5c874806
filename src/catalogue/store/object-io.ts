import type { PublicFile } from '../documents.ts';
import { BroadsheetError } from '../../errors.ts';
import { PreconditionFailedError, type Clock, type ObjectStore } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import { AGAIN, untilWritten } from './retry.ts';

/*
 * How the publish stage reads and writes its private objects (index entries, catalogue heads, pages and members):
 * reads tried again when torn, writes conditional on the version read, and public files derived from one of them
 * written again until that object holds still.
 */

export const JSON_TYPE = 'application/json';

export class CatalogueObjectError extends BroadsheetError {
  override name = 'CatalogueObjectError';
}

export interface Stored<T> {
  value: T;
  etag: string;
}

/** Reads are safe to repeat: four in all, a few milliseconds apart. */
const READ_POLICY: BackoffPolicy = { attempts: 4, baseMs: 10, capMs: 100 };

/**
 * Reads and decodes the object at `key`. A read racing an overwrite of the same key can come back cut off or torn
 * on a store without atomic reads (s3rver rewrites files in place), and a response body can break off on any
 * network: reads are safe to repeat, so a failed or undecodable read is tried again a few times before it counts.
 */
export function readDecoded<T>(
  store: ObjectStore,
  clock: Clock,
  key: string,
  decode: (text: string) => T,
): Promise<Stored<T> | undefined> {
  return retry(clock, READ_POLICY, async () => {
    const object = await store.get(key);
    if (!object) return undefined;
    return { value: decode(new TextDecoder().decode(object.body)), etag: object.etag };
  });
}

export function readJson<T>(
  store: ObjectStore,
  clock: Clock,
  key: string,
  check: (value: unknown) => value is T,
): Promise<Stored<T> | undefined> {
  return readDecoded(store, clock, key, (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CatalogueObjectError(`${key} is not JSON`, { cause: err });
    }
    if (!check(value)) throw new CatalogueObjectError(`${key} is not a catalogue object of this version`);
    return value;
  });
}

/** Writes over the version read (or only when there was none); undefined when another writer got there first. */
export async function writeOver(
  store: ObjectStore,
  key: string,
  body: string,
  previous: { etag: string } | undefined,
): Promise<string | undefined> {
  try {
    const { etag } = await store.put(key, body, {
      contentType: JSON_TYPE,
      ...(previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' as const }),
    });
    return etag;
  } catch (err) {
    if (err instanceof PreconditionFailedError) return undefined;
    throw err;
  }
}

export function writeJsonOver(
  store: ObjectStore,
  key: string,
  value: unknown,
  previous: { etag: string } | undefined,
): Promise<string | undefined> {
  return writeOver(store, key, JSON.stringify(value), previous);
}

/** The current version tag of `key` without reading its body (one listing request). */
export async function currentEtag(store: ObjectStore, key: string): Promise<string | undefined> {
  for await (const summary of store.list(key)) if (summary.key === key) return summary.etag;
  return undefined;
}

export function sameEtag(a: string | undefined, b: string): boolean {
  return a !== undefined && unquoted(a) === unquoted(b);
}

function unquoted(etag: string): string {
  return etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/** Every key under `prefix`, listed before any of them is touched. */
export async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const summary of store.list(prefix)) keys.push(summary.key);
  return keys;
}

export async function putFiles(site: ObjectStore, files: readonly PublicFile[]): Promise<void> {
  await Promise.all(
    files.map((f) => site.put(f.key, f.body, { contentType: f.contentType, cacheControl: f.cacheControl })),
  );
}

interface Stores {
  /** Where the object lives. */
  editorials: ObjectStore;
  clock: Clock;
  /** Where the files go. */
  site: ObjectStore;
}

interface DerivedFrom<T> {
  /** The object the files are rendered from, and how to read it again. */
  key: string;
  read: () => Promise<Stored<T> | undefined>;
  render: (value: T) => PublicFile[];
  /** What kept changing, should it never hold still. */
  what: string;
}

/**
 * Writes the public files rendered from the version `stored` of an object, then checks (one listing request) that
 * the object did not change meanwhile; if it did, renders from the newer version and writes again. So whichever
 * writer of a file comes last wrote it from the newest version.
 */
export async function writeDerived<T>(stores: Stores, from: DerivedFrom<T>, stored: Stored<T>): Promise<void> {
  let current = stored;
  await untilWritten(stores.clock, from.what, async () => {
    await putFiles(stores.site, from.render(current.value));
    if (sameEtag(await currentEtag(stores.editorials, from.key), current.etag)) return;
    const newer = await from.read();
    if (!newer) return;
    current = newer;
    return AGAIN;
  });
}
