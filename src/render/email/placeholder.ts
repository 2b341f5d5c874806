import { createHash } from 'node:crypto';
import { occurrencesOf } from '../../strings.ts';

/**
 * The most tokens one document is tried with. Each token refused is held by the document already, in 31 characters of
 * its own, so a document of any size this project sends (Gmail clips past 102 KB) refuses a few thousand at most.
 */
const MAX_TRIES = 100_000;

/** The tokens tried so far, by prefix: the same few at every render. */
const tokens = new Map<string, string[]>();

/** The `n`th token of a series: the prefix and 24 hex digits of the SHA-256 of the prefix and `n`. */
function token(prefix: string, n: number): string {
  let series = tokens.get(prefix);
  if (!series) tokens.set(prefix, (series = []));
  return (series[n] ??= `${prefix}${createHash('sha256').update(`${prefix}:${n}`).digest('hex').slice(0, 24)}`);
}

/**
 * The first token of a fixed series (`prefix` and 24 hex digits) that `fits` accepts: `fits` puts the token in its
 * place in the document and answers whether the document then holds it exactly once. A token occurs in no text by
 * chance; text written to hold some (the series is no secret) only moves the render on to the next one. So the token
 * marks its one place however the document reads, the same document always gets the same token, and what is checked
 * is the document itself, with no digest of it to compute.
 */
export function firstFittingToken(prefix: string, fits: (token: string) => boolean): string {
  for (let n = 0; n < MAX_TRIES; n++) {
    const candidate = token(prefix, n);
    if (fits(candidate)) return candidate;
  }
  throw new Error(`no ${prefix} token fits the document after ${MAX_TRIES} tries`);
}

/** The unsubscribe placeholder of a document, where each recipient's copy splices in their own URL. */
export function unsubscribePlaceholder(fits: (placeholder: string) => boolean): string {
  return firstFittingToken('bsunsub', fits);
}

export function occurrences(haystack: string, needle: string): number {
  return occurrencesOf(haystack, needle);
}
