import { createHash } from 'node:crypto';
import { occurrencesOf } from '../../strings.ts';

/**
 * The unsubscribe placeholder for a rendered document: 96 bits of the SHA-256 of that document, rendered
 * with the placeholder left empty. Editorial text cannot produce it: it would have to contain a digest of
 * a document that contains that text, and a SHA-256 fixed point is out of reach.
 */
export function unsubscribePlaceholder(...documentWithoutPlaceholder: string[]): string {
  // The document may come in parts (before and after the placeholder's place): hashed in turn, as if joined.
  const hash = createHash('sha256');
  for (const part of documentWithoutPlaceholder) hash.update(part);
  return `bsunsub${hash.digest('hex').slice(0, 24)}`;
}

export function occurrences(haystack: string, needle: string): number {
  return occurrencesOf(haystack, needle);
}
