import { digestWindow, isCadence, type CadenceFields, type DigestCadence } from '../../cadence.ts';
import type { DigestTemplate } from '../../render/email/digest-types.ts';
import type { LoadedDigest } from './dispatch-template.ts';

/** What the worker reads of a recipient, besides the address, to choose their part of a digest. */
export interface ReaderProfile extends CadenceFields {
  language?: string;
  /** Empty: every topic. */
  topics: string[];
}

const topicKey = (topic: string) => topic.trim().toLowerCase();

/** The profile fields of a subscribers-table item (the rest of the record is not read). */
export function readerProfile(item: Record<string, unknown>): ReaderProfile {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const language = text(item.language);
  const changedAt = text(item.cadenceChangedAt);
  return {
    topics: Array.isArray(item.topics) ? item.topics.filter((t): t is string => typeof t === 'string') : [],
    ...(language !== undefined && { language }),
    ...(isCadence(item.cadence) && { cadence: item.cadence }),
    ...(changedAt !== undefined && { cadenceChangedAt: changedAt }),
    ...(isCadence(item.previousCadence) && { previousCadence: item.previousCadence }),
  };
}

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
    if (wanted.size > 0 && entry.topics.length > 0 && !entry.topics.some((t) => wanted.has(topicKey(t)))) continue;
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
