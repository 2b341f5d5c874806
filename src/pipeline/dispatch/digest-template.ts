import type { DigestCadence } from '../../cadence.ts';
import type { DigestTemplate } from '../../render/email/digest-types.ts';
import { TemplateError } from './template-error.ts';

/**
 * `rendered/digests/<dispatchId>/email.json`: a digest rendered once per language the catalogue has. The planner
 * copies it into the ledger one language to an item (DynamoDB's 400 KB), and each worker reads the languages its
 * readers need.
 */
export interface StoredDigest {
  kind: 'digest';
  dispatchId: string;
  /** The dispatch's name where an editorial's slug would be (`dispatch list`, message tags): its dispatch id. */
  slug: string;
  from: string;
  replyTo?: string;
  cadence: DigestCadence;
  period: { id: string; start: string; end: string };
  /** The variant for a reader whose language the catalogue lacks: the publication's. */
  language: string;
  variants: Record<string, DigestTemplate>;
}

/** What the ledger's template item holds for a digest: everything but the variants, and which exist. */
export type DigestHeader = Omit<StoredDigest, 'variants'> & { languages: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function isStoredDigest(raw: unknown): boolean {
  return isRecord(raw) && raw.kind === 'digest';
}

/** Checks the parts a worker relies on; a TemplateError names the first that is missing. */
export function parseDigestHeader(label: string, raw: Record<string, unknown>): DigestHeader {
  for (const field of ['dispatchId', 'slug', 'from', 'cadence', 'language']) {
    if (typeof raw[field] !== 'string' || raw[field] === '') throw new TemplateError(`${label}: ${field} is missing`);
  }
  if (raw.cadence !== 'daily' && raw.cadence !== 'weekly')
    throw new TemplateError(`${label}: cadence is not a digest's`);
  const period = raw.period;
  if (!isRecord(period) || !['id', 'start', 'end'].every((f) => typeof period[f] === 'string'))
    throw new TemplateError(`${label}: period is missing`);
  const languages = Array.isArray(raw.languages)
    ? raw.languages
    : isRecord(raw.variants)
      ? Object.keys(raw.variants)
      : [];
  if (!languages.includes(raw.language)) throw new TemplateError(`${label}: no variant in ${String(raw.language)}`);
  const { variants: _variants, ...header } = raw;
  return { ...(header as unknown as Omit<DigestHeader, 'languages'>), languages: languages as string[] };
}

/** One language's digest, as the ledger holds it: checked for what assembling a copy needs. */
export function parseDigestVariant(label: string, raw: unknown): DigestTemplate {
  if (!isRecord(raw)) throw new TemplateError(`${label}: not an object`);
  const { html, text, entries, placeholder } = raw;
  const part = (p: unknown) =>
    isRecord(p) &&
    typeof p.head === 'string' &&
    typeof p.tail === 'string' &&
    typeof p.more === 'string' &&
    Array.isArray(p.items) &&
    p.items.every((i) => typeof i === 'string');
  if (!part(html) || !part(text)) throw new TemplateError(`${label}: html or text is not a digest's parts`);
  if (typeof placeholder !== 'string' || placeholder === '')
    throw new TemplateError(`${label}: placeholder is missing`);
  if (!Array.isArray(entries) || entries.length !== (html as { items: unknown[] }).items.length)
    throw new TemplateError(`${label}: entries do not match the items`);
  if (typeof raw.subject !== 'string') throw new TemplateError(`${label}: subject is missing`);
  return raw as unknown as DigestTemplate;
}
