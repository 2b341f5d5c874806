import type { KeyValueTable, ObjectStore } from '../../ports.ts';
import type { DigestTemplate } from '../../render/email/digest-types.ts';
import type { EmailTemplate } from '../../render/email/types.ts';
import {
  isStoredDigest,
  parseDigestHeader,
  parseDigestVariant,
  type DigestHeader,
  type StoredDigest,
} from './digest-template.ts';
import { digestVariantKey, templateItemKey } from './ledger-keys.ts';
import { TemplateError } from './template-error.ts';

export { TemplateError } from './template-error.ts';

/** `rendered/<slug>/<dispatchId>/email.json`: the email rendered once; workers only splice in each recipient's URL. */
export interface DispatchTemplate {
  subject: string;
  html: string;
  text: string;
  placeholder: string;
  from: string;
  replyTo?: string;
  pageUrl: string;
  slug: string;
  dispatchId: string;
}

/** The stored template, also usable as the renderer's EmailTemplate that personalize() splices into. */
export type LoadedTemplate = DispatchTemplate & EmailTemplate & { kind: 'editorial' };

/** A digest's template as a worker holds it: its header, and each language's variant read when a reader needs it. */
export type LoadedDigest = DigestHeader & { variant(language: string): Promise<DigestTemplate> };

export type AnyLoadedTemplate = LoadedTemplate | LoadedDigest;

function parseJson(key: string, body: string | Uint8Array): Record<string, unknown> {
  try {
    return JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TemplateError(`${key}: not JSON`, { cause: err });
  }
}

export function parseDispatchTemplate(key: string, body: string | Uint8Array): LoadedTemplate {
  const raw = parseJson(key, body);
  for (const field of ['subject', 'html', 'text', 'placeholder', 'from', 'pageUrl', 'slug', 'dispatchId']) {
    if (typeof raw?.[field] !== 'string' || raw[field] === '') throw new TemplateError(`${key}: ${field} is missing`);
  }
  if (raw.replyTo !== undefined && typeof raw.replyTo !== 'string')
    throw new TemplateError(`${key}: replyTo is not a string`);
  const template = raw as unknown as DispatchTemplate;
  if (!template.html.includes(template.placeholder) || !template.text.includes(template.placeholder)) {
    throw new TemplateError(`${key}: the unsubscribe placeholder is missing from the html or the text`);
  }
  return {
    ...template,
    kind: 'editorial',
    preheader: typeof raw.preheader === 'string' ? raw.preheader : '',
    clipped: raw.clipped === true,
  };
}

/**
 * The largest template body the ledger takes: DynamoDB's item limit is 400 KB, and a template is at most ~180 KB
 * (the renderer clips longer email), so anything over this is a fault upstream, not an email to send.
 */
export const MAX_LEDGER_TEMPLATE_BYTES = 350 * 1024;

/**
 * Copies the dispatch's template from the editorials bucket into the ledger, where the workers read it (so their
 * bundle carries no S3 client). Create-only: a template under one dispatch id never changes. The S3 copy stays as
 * the record of what was sent. Throws a TemplateError when the template is missing, malformed or too large.
 */
export async function copyTemplateToLedger(
  editorials: ObjectStore,
  ledger: KeyValueTable,
  request: { dispatchId: string; templateKey: string },
): Promise<void> {
  const object = await editorials.get(request.templateKey);
  if (!object) throw new TemplateError(`${request.templateKey}: no such template`);
  const body = Buffer.from(object.body).toString('utf8');
  const raw = parseJson(request.templateKey, body);
  if (isStoredDigest(raw)) return copyDigestToLedger(ledger, request, raw);
  if (object.body.byteLength > MAX_LEDGER_TEMPLATE_BYTES) {
    throw new TemplateError(
      `${request.templateKey}: ${object.body.byteLength} bytes, over the ledger's ${MAX_LEDGER_TEMPLATE_BYTES} for a template`,
    );
  }
  const template = parseDispatchTemplate(request.templateKey, body);
  belongsTo(request, template.dispatchId);
  await ledger.putIfAbsent({ ...templateItemKey(request.dispatchId), body });
}

function belongsTo(request: { dispatchId: string; templateKey: string }, dispatchId: string): void {
  if (dispatchId !== request.dispatchId)
    throw new TemplateError(`${request.templateKey}: belongs to dispatch ${dispatchId}, not ${request.dispatchId}`);
}

/** A digest goes in one item per language, after its header: a worker that finds the header finds every variant. */
async function copyDigestToLedger(
  ledger: KeyValueTable,
  request: { dispatchId: string; templateKey: string },
  raw: Record<string, unknown>,
): Promise<void> {
  const header = parseDigestHeader(request.templateKey, raw);
  belongsTo(request, header.dispatchId);
  const variants = (raw as unknown as StoredDigest).variants;
  for (const language of header.languages) {
    const label = `${request.templateKey} (${language})`;
    const body = JSON.stringify(parseDigestVariant(label, variants[language]));
    if (Buffer.byteLength(body) > MAX_LEDGER_TEMPLATE_BYTES)
      throw new TemplateError(`${label}: over the ledger's ${MAX_LEDGER_TEMPLATE_BYTES} bytes for a template`);
    await ledger.putIfAbsent({ ...digestVariantKey(request.dispatchId, language), body });
  }
  await ledger.putIfAbsent({ ...templateItemKey(request.dispatchId), body: JSON.stringify(header) });
}

/**
 * Templates by dispatch id, read from the ledger and kept for the life of the container: a template under one
 * dispatch id never changes (a new send of an editorial gets a new dispatch id). A failed load is not kept, so a
 * later call tries again.
 */
export class TemplateCache {
  private readonly loaded = new Map<string, Promise<AnyLoadedTemplate>>();
  /** The ledger the entries were read from: a dispatch id names a template within one ledger only. */
  private ledger: KeyValueTable | undefined;

  constructor(private readonly maxEntries = 16) {}

  get(ledger: KeyValueTable, dispatchId: string): Promise<AnyLoadedTemplate> {
    if (ledger !== this.ledger) {
      this.loaded.clear();
      this.ledger = ledger;
    }
    let entry = this.loaded.get(dispatchId);
    if (!entry) {
      const key = templateItemKey(dispatchId);
      const label = `ledger ${key.pk}`;
      entry = ledger.get(key).then((item) => {
        if (!item) throw new TemplateError(`${label}: no such template (the planner copies it before queueing shards)`);
        if (typeof item.body !== 'string') throw new TemplateError(`${label}: body is not a string`);
        const raw = parseJson(label, item.body);
        if (!isStoredDigest(raw)) return parseDispatchTemplate(label, item.body);
        return loadedDigest(ledger, label, parseDigestHeader(label, raw));
      });
      entry.catch(() => this.loaded.delete(dispatchId));
      if (this.loaded.size >= this.maxEntries) this.loaded.delete(this.loaded.keys().next().value!);
      this.loaded.set(dispatchId, entry);
    }
    return entry;
  }
}

/** A reader's language, by its primary subtag, when the digest has it; else the publication's. */
export function digestLanguage(header: Pick<DigestHeader, 'languages' | 'language'>, tag: string | undefined): string {
  const primary = (tag ?? '').toLowerCase().split('-')[0] ?? '';
  return header.languages.includes(primary) ? primary : header.language;
}

function loadedDigest(ledger: KeyValueTable, label: string, header: DigestHeader): LoadedDigest {
  const variants = new Map<string, Promise<DigestTemplate>>();
  return {
    ...header,
    variant(language: string) {
      const chosen = digestLanguage(header, language);
      let variant = variants.get(chosen);
      if (!variant) {
        const at = `${label} (${chosen})`;
        variant = ledger.get(digestVariantKey(header.dispatchId, chosen)).then((item) => {
          if (typeof item?.body !== 'string') throw new TemplateError(`${at}: no such variant`);
          return parseDigestVariant(at, parseJson(at, item.body));
        });
        variant.catch(() => variants.delete(chosen));
        variants.set(chosen, variant);
      }
      return variant;
    },
  };
}
