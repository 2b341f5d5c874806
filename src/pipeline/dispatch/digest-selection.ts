import { digestWindow, type DigestCadence } from '../../cadence.ts';
import type { DigestTemplate } from '../../render/email/digest-types.ts';
import { sharesTopic, topicKey, type ReaderProfile } from './audience.ts';
import type { LoadedDigest } from './dispatch-template.ts';

/**
 * The digest items a reader gets, by index: those that became public while the reader was on this digest's cadence
 * (digestWindow), in one of the reader's topics (an editorial without topics goes to everyone). Empty: nothing new
 * for this reader in the period, and no email.
 */
export function chosenItems(
  entries: DigestTemplate['entries'],
  reader: ReaderProfile,
  cadence: DigestCadence,
  period: { start: string; end: string },
): number[] {
  const window = digestWindow(reader, cadence, { start: new Date(period.start), end: new Date(period.end) });
  if (!window) return [];
  const wanted = new Set(reader.topics.map(topicKey).filter(Boolean));
  const chosen: number[] = [];
  for (const [n, entry] of entries.entries()) {
    const at = Date.parse(entry.publishedAt);
    if (!(at >= window.start.getTime() && at < window.end.getTime())) continue;
    if (!sharesTopic(entry.topics, wanted)) continue;
    chosen.push(n);
  }
  return chosen;
}

/** A reader's copy of a digest: the variant in their language and the items theirs. */
export interface DigestCopy {
  template: DigestTemplate;
  chosen: number[];
}

/** Each reader's copy, or undefined for a reader with nothing in this digest. */
export async function digestCopyFor(
  digest: LoadedDigest,
  reader: ReaderProfile,
  withdrawn: ReadonlySet<string> = new Set(),
): Promise<DigestCopy | undefined> {
  const template = await digest.variant(reader.language ?? digest.language);
  const chosen = withoutWithdrawn(
    template,
    chosenItems(template.entries, reader, digest.cadence, digest.period),
    withdrawn,
  );
  return chosen.length > 0 ? { template, chosen } : undefined;
}

/** The chosen items less those withdrawn since the digest was planned: a withdrawal reaches a digest still sending. */
export function withoutWithdrawn(
  template: DigestTemplate,
  chosen: readonly number[],
  withdrawn: ReadonlySet<string>,
): number[] {
  return withdrawn.size === 0 ? [...chosen] : chosen.filter((n) => !withdrawn.has(template.entries[n]?.slug ?? ''));
}
