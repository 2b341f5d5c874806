import type { Editorial } from '../../model.ts';
import type { Clock, ObjectStore } from '../../ports.ts';
import { keys } from './keys.ts';
import { BroadsheetError } from '../../errors.ts';
import { readDecoded, writeOver } from '../../catalogue/store/object-io.ts';

/** The published state of one slug: its newest version and what the pipeline has done with it. */
export interface IndexEntry {
  editorial: Editorial;
  /** The approved/ key this version was read from, and that object's upload time. */
  sourceKey: string;
  sourceLastModified: Date;
  /** The send this slug owes or has made; absent while no email is due (withdrawn before it ever went out). */
  dispatchId?: string;
  /** When `dispatchId` was handed to the dispatch stage. */
  dispatchedAt?: Date;
  /** The dispatch ids this slug used before `dispatchId`: each handed over and then followed by a resend, or stopped
   * by a withdrawal before it was recorded as handed over. A withdrawal stops every one of them (any may still be
   * sending), and a new dispatch id is never one of them. */
  earlierDispatchIds?: string[];
  /** When the approved object was deleted: the editorial is then withdrawn from the public. */
  removedAt?: Date;
  /** When the pipeline first found it public (published, embargo passed): the time digests and cadences go by. */
  publicAt?: Date;
  /** The `updated` of the newest version written to the public log (src/pipeline/digest/public-log.ts). */
  loggedUpdated?: Date;
  /** When that version became public (its public log record's time): a correction sent again goes by it. */
  loggedAt?: Date;
}

export type SerialisedEditorial = Omit<Editorial, 'published' | 'updated' | 'embargo' | 'emailSendAt'> & {
  published: string;
  updated: string;
  embargo?: string;
  emailSendAt?: string;
};

export class IndexEntryError extends BroadsheetError {
  override name = 'IndexEntryError';
}

export function serialiseEditorial(editorial: Editorial): SerialisedEditorial {
  const { published, updated, embargo, emailSendAt, ...rest } = editorial;
  return {
    ...rest,
    published: published.toISOString(),
    updated: updated.toISOString(),
    ...(embargo && { embargo: embargo.toISOString() }),
    ...(emailSendAt && { emailSendAt: emailSendAt.toISOString() }),
  };
}

export function deserialiseEditorial(value: unknown): Editorial {
  if (!isRecord(value)) throw new IndexEntryError('an editorial must be a JSON object');
  for (const field of ['file', 'slug', 'form', 'title', 'lang', 'dir', 'status'] as const) {
    if (typeof value[field] !== 'string') throw new IndexEntryError(`editorial field "${field}" must be a string`);
  }
  for (const field of ['topics', 'sources', 'blocks'] as const) {
    if (!Array.isArray(value[field])) throw new IndexEntryError(`editorial field "${field}" must be an array`);
  }
  // An entry written by an earlier version may carry a `wordCount`, which nothing reads: it is not carried on.
  const { published, updated, embargo, emailSendAt, wordCount: _unread, ...rest } = value;
  return {
    ...(rest as unknown as Omit<Editorial, 'published' | 'updated' | 'embargo' | 'emailSendAt'>),
    published: isoDate(published, 'published'),
    updated: isoDate(updated, 'updated'),
    ...(embargo !== undefined && { embargo: isoDate(embargo, 'embargo') }),
    ...(emailSendAt !== undefined && { emailSendAt: isoDate(emailSendAt, 'emailSendAt') }),
  };
}

/** The stored form: the serialised editorial, with the pipeline's own record under `indexed`. */
export function encodeIndexEntry(entry: IndexEntry): string {
  const indexed = {
    sourceKey: entry.sourceKey,
    sourceLastModified: entry.sourceLastModified.toISOString(),
    ...(entry.dispatchId !== undefined && { dispatchId: entry.dispatchId }),
    ...(entry.dispatchedAt && { dispatchedAt: entry.dispatchedAt.toISOString() }),
    ...(entry.earlierDispatchIds?.length && { earlierDispatchIds: entry.earlierDispatchIds }),
    ...(entry.removedAt && { removedAt: entry.removedAt.toISOString() }),
    ...(entry.publicAt && { publicAt: entry.publicAt.toISOString() }),
    ...(entry.loggedUpdated && { loggedUpdated: entry.loggedUpdated.toISOString() }),
    ...(entry.loggedAt && { loggedAt: entry.loggedAt.toISOString() }),
  };
  return `${JSON.stringify({ ...serialiseEditorial(entry.editorial), indexed })}\n`;
}

export function decodeIndexEntry(text: string): IndexEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new IndexEntryError(`not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(value) || !isRecord(value.indexed)) throw new IndexEntryError('an index entry must have "indexed"');
  const { indexed, ...editorial } = value;
  if (typeof indexed.sourceKey !== 'string') throw new IndexEntryError('"indexed.sourceKey" must be a string');
  if (indexed.dispatchId !== undefined && typeof indexed.dispatchId !== 'string') {
    throw new IndexEntryError('"indexed.dispatchId" must be a string');
  }
  const earlier = indexed.earlierDispatchIds;
  if (earlier !== undefined && !(Array.isArray(earlier) && earlier.every((id) => typeof id === 'string'))) {
    throw new IndexEntryError('"indexed.earlierDispatchIds" must be an array of strings');
  }
  return {
    editorial: deserialiseEditorial(editorial),
    sourceKey: indexed.sourceKey,
    sourceLastModified: isoDate(indexed.sourceLastModified, 'indexed.sourceLastModified'),
    ...(indexed.dispatchId !== undefined && { dispatchId: indexed.dispatchId as string }),
    ...(indexed.dispatchedAt !== undefined && { dispatchedAt: isoDate(indexed.dispatchedAt, 'indexed.dispatchedAt') }),
    ...(earlier?.length && { earlierDispatchIds: earlier as string[] }),
    ...(indexed.removedAt !== undefined && { removedAt: isoDate(indexed.removedAt, 'indexed.removedAt') }),
    ...(indexed.publicAt !== undefined && { publicAt: isoDate(indexed.publicAt, 'indexed.publicAt') }),
    ...(indexed.loggedUpdated !== undefined && {
      loggedUpdated: isoDate(indexed.loggedUpdated, 'indexed.loggedUpdated'),
    }),
    ...(indexed.loggedAt !== undefined && { loggedAt: isoDate(indexed.loggedAt, 'indexed.loggedAt') }),
  };
}

/** The editorial as the public should see it now: a removed source withdraws it. */
export function visibleEditorial(entry: IndexEntry): Editorial {
  return entry.removedAt ? { ...entry.editorial, status: 'withdrawn' } : entry.editorial;
}

export interface StoredEntry {
  entry: IndexEntry;
  etag: string;
}

export async function readIndexEntry(store: ObjectStore, clock: Clock, slug: string): Promise<StoredEntry | undefined> {
  return readEntryAt(store, clock, keys.index(slug));
}

/** Reads and decodes the entry at `key`, tried again when torn (see readDecoded). */
export async function readEntryAt(store: ObjectStore, clock: Clock, key: string): Promise<StoredEntry | undefined> {
  const stored = await readDecoded(store, clock, key, decodeIndexEntry);
  return stored && { entry: stored.value, etag: stored.etag };
}

/**
 * Writes the entry only over the version read (`previous`), or only when there is none: false when another
 * writer got there first, so the caller reads again and decides again.
 */
export async function writeIndexEntry(
  store: ObjectStore,
  entry: IndexEntry,
  previous: StoredEntry | undefined,
): Promise<boolean> {
  return (await writeOver(store, keys.index(entry.editorial.slug), encodeIndexEntry(entry), previous)) !== undefined;
}

function isoDate(value: unknown, field: string): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new IndexEntryError(`"${field}" must be an ISO date`);
  return date;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
