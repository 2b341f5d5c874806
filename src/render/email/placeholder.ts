import { createHash } from 'node:crypto';
import { occurrencesOf } from '../../strings.ts';

/** Hex digits after a token's prefix: 96 bits of SHA-256. */
const DIGITS = 24;
/** The first tokens of each series, kept: a document takes the first one but for text written to hold it. */
const KEPT = 16;
const kept = new Map<string, string[]>();

/** The `n`th token of a series: the prefix and 24 hex digits of the SHA-256 of the prefix and `n`. */
function token(prefix: string, n: number): string {
  let series = kept.get(prefix);
  if (!series) kept.set(prefix, (series = []));
  const made = series[n] ?? `${prefix}${createHash('sha256').update(`${prefix}:${n}`).digest('hex').slice(0, DIGITS)}`;
  if (n < KEPT) series[n] = made;
  return made;
}

const HEX = /^[0-9a-f]+$/;

/** Every token of the series' shape (the prefix and 24 hex digits) that the parts hold, found in one scan of each. */
function tokensIn(prefix: string, parts: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const part of parts) {
    for (let at = part.indexOf(prefix); at !== -1; at = part.indexOf(prefix, at + 1)) {
      const candidate = part.slice(at, at + prefix.length + DIGITS);
      if (candidate.length === prefix.length + DIGITS && HEX.test(candidate.slice(prefix.length))) found.add(candidate);
    }
  }
  return found;
}

/**
 * The first token of a fixed series (`prefix` and 24 hex digits) that none of `parts` (the document without it) holds
 * and that `fits` accepts: `fits` puts the token in its place and answers whether the document then holds it exactly
 * once (by default, whether no part holds it). A token occurs in no text by chance; text written to hold some (the
 * series is no secret) only moves the render on to the next one. The first token is tried as it is, which is all a
 * document usually needs; past it, the document is scanned once for every token it holds, so however many it holds,
 * finding the first it does not costs one scan and a digest of each token passed over. The same document always gets
 * the same token.
 */
export function firstFittingToken(
  prefix: string,
  parts: readonly string[],
  fits: (token: string) => boolean = (token) => !parts.some((part) => part.includes(token)),
): string {
  const first = token(prefix, 0);
  if (fits(first)) return first;
  const held = tokensIn(prefix, parts);
  held.add(first);
  // Each token passed over is held by the document or refused by `fits` (which can refuse only a few more: one at
  // each edge between parts), so the search ends within the document's own count of tokens.
  for (let n = 1; ; n++) {
    const candidate = token(prefix, n);
    if (held.has(candidate)) continue;
    if (fits(candidate)) return candidate;
    held.add(candidate);
  }
}

/** The unsubscribe placeholder of a document, where each recipient's copy splices in their own URL. */
export function unsubscribePlaceholder(parts: readonly string[], fits?: (placeholder: string) => boolean): string {
  return firstFittingToken('bsunsub', parts, fits);
}

export function occurrences(haystack: string, needle: string): number {
  return occurrencesOf(haystack, needle);
}
