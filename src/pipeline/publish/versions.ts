import type { Editorial } from '../../model.ts';
import type { IndexEntry } from './index-entry.ts';

export interface Version {
  updated: Date;
  /** Upload time of the approved object: orders two uploads with the same `updated`. */
  lastModified: Date;
}

export function versionOf(entry: IndexEntry): Version {
  return { updated: entry.editorial.updated, lastModified: entry.sourceLastModified };
}

/** Positive when `a` is newer than `b`, zero when they are the same version. */
export function compareVersions(a: Version, b: Version): number {
  return a.updated.getTime() - b.updated.getTime() || a.lastModified.getTime() - b.lastModified.getTime();
}

/**
 * A re-upload that names no publication date of its own gets the upload time as `published`: as a correction it
 * keeps the first publication date, and the upload time becomes its `updated` (plain-text editorials have no
 * other way to say when they were corrected).
 */
export function keepFirstPublished(parsed: Editorial, uploaded: Date, indexed: Editorial | undefined): Editorial {
  if (!indexed || parsed.published.getTime() !== uploaded.getTime()) return parsed;
  if (indexed.published.getTime() >= parsed.published.getTime()) return parsed;
  const updated = parsed.updated.getTime() > uploaded.getTime() ? parsed.updated : uploaded;
  return { ...parsed, published: indexed.published, updated };
}
