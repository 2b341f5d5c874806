import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { renderEmail } from '../../render/email/index.ts';

/** What the dispatch workers read from `rendered/<slug>/<dispatchId>/email.json`: rendered once, spliced per recipient. */
export interface StoredEmailTemplate {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  placeholder: string;
  /** True when the body was cut to stay under the clipping limit. */
  clipped: boolean;
  from: string;
  replyTo?: string;
  pageUrl: string;
  slug: string;
  dispatchId: string;
}

export async function renderStoredTemplate(editorial: Editorial, config: Config, dispatchId: string): Promise<StoredEmailTemplate> {
  const email = await renderEmail(editorial, config);
  return {
    subject: email.subject,
    preheader: email.preheader,
    html: email.html,
    text: email.text,
    placeholder: email.placeholder,
    clipped: email.clipped,
    from: senderMailbox(config.sender.name, config.sender.address),
    ...(config.sender.replyTo && { replyTo: config.sender.replyTo }),
    pageUrl: email.pageUrl,
    slug: editorial.slug,
    dispatchId,
  };
}

/** `"Name" <address>`, with a display name outside printable ASCII as RFC 2047 encoded words. */
export function senderMailbox(name: string, address: string): string {
  const display = name.replace(/[\r\n]+/g, ' ').trim();
  if (!display) return `<${address}>`;
  if (/^[\x20-\x7e]*$/.test(display) && !display.includes('=?')) return `"${display.replace(/["\\]/g, '\\$&')}" <${address}>`;
  const words: string[] = [];
  let chunk = '';
  for (const char of display) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return `${words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ')} <${address}>`;
}
