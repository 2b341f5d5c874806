import type { ObjectStore } from '../../ports.ts';
import type { EmailTemplate } from '../../render/email/types.ts';

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

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export function parseDispatchTemplate(key: string, bytes: Uint8Array): LoadedTemplate {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new TemplateError(`${key}: not JSON`);
  }
  for (const field of ['subject', 'html', 'text', 'placeholder', 'from', 'pageUrl', 'slug', 'dispatchId']) {
    if (typeof raw?.[field] !== 'string' || raw[field] === '') throw new TemplateError(`${key}: ${field} is missing`);
  }
  if (raw.replyTo !== undefined && typeof raw.replyTo !== 'string') throw new TemplateError(`${key}: replyTo is not a string`);
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
 * Templates by key, kept for the life of the container: a template under one key never changes (a new send of an
 * editorial gets a new dispatch id, hence a new key). A failed load is not kept, so a later call tries again.
 */
export class TemplateCache {
  private readonly loaded = new Map<string, Promise<LoadedTemplate>>();

  constructor(private readonly maxEntries = 16) {}

  get(store: ObjectStore, key: string): Promise<LoadedTemplate> {
    let entry = this.loaded.get(key);
    if (!entry) {
      entry = store.get(key).then((object) => {
        if (!object) throw new TemplateError(`${key}: no such template`);
        return parseDispatchTemplate(key, object.body);
      });
      entry.catch(() => this.loaded.delete(key));
      if (this.loaded.size >= this.maxEntries) this.loaded.delete(this.loaded.keys().next().value!);
      this.loaded.set(key, entry);
    }
    return entry;
  }
}
