import type { KeyValueTable, ObjectStore } from '../../ports.ts';
import type { EmailTemplate } from '../../render/email/types.ts';
import { templateItemKey } from './ledger-keys.ts';
import { BroadsheetError } from '../../errors.ts';

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
export type LoadedTemplate = DispatchTemplate & EmailTemplate;

export class TemplateError extends BroadsheetError {
  override name = 'TemplateError';
}

export function parseDispatchTemplate(key: string, body: string | Uint8Array): LoadedTemplate {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TemplateError(`${key}: not JSON`, { cause: err });
  }
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
  if (object.body.byteLength > MAX_LEDGER_TEMPLATE_BYTES) {
    throw new TemplateError(
      `${request.templateKey}: ${object.body.byteLength} bytes, over the ledger's ${MAX_LEDGER_TEMPLATE_BYTES} for a template`,
    );
  }
  const body = Buffer.from(object.body).toString('utf8');
  const template = parseDispatchTemplate(request.templateKey, body);
  if (template.dispatchId !== request.dispatchId) {
    throw new TemplateError(
      `${request.templateKey}: belongs to dispatch ${template.dispatchId}, not ${request.dispatchId}`,
    );
  }
  await ledger.putIfAbsent({ ...templateItemKey(request.dispatchId), body });
}

/**
 * Templates by dispatch id, read from the ledger and kept for the life of the container: a template under one
 * dispatch id never changes (a new send of an editorial gets a new dispatch id). A failed load is not kept, so a
 * later call tries again.
 */
export class TemplateCache {
  private readonly loaded = new Map<string, Promise<LoadedTemplate>>();

  constructor(private readonly maxEntries = 16) {}

  get(ledger: KeyValueTable, dispatchId: string): Promise<LoadedTemplate> {
    let entry = this.loaded.get(dispatchId);
    if (!entry) {
      const key = templateItemKey(dispatchId);
      const label = `ledger ${key.pk}`;
      entry = ledger.get(key).then((item) => {
        if (!item) throw new TemplateError(`${label}: no such template (the planner copies it before queueing shards)`);
        if (typeof item.body !== 'string') throw new TemplateError(`${label}: body is not a string`);
        return parseDispatchTemplate(label, item.body);
      });
      entry.catch(() => this.loaded.delete(dispatchId));
      if (this.loaded.size >= this.maxEntries) this.loaded.delete(this.loaded.keys().next().value!);
      this.loaded.set(dispatchId, entry);
    }
    return entry;
  }
}
