import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import { escapeHtml } from '../escape.ts';
import type { EmailTemplate } from './types.ts';
import { BroadsheetError } from '../../errors.ts';

export class UnsubscribeUrlError extends BroadsheetError {
  override name = 'UnsubscribeUrlError';
}

/** An absolute http(s) URL with nothing that could break out of an attribute, a text line or a header. */
export function checkUnsubscribeUrl(url: string): string {
  if (!/^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/i.test(url) || /[\u0000-\u001f\u007f-\u009f<>"]/.test(url)) {
    throw new UnsubscribeUrlError(`not a usable unsubscribe URL: ${JSON.stringify(url)}`);
  }
  return url;
}

interface Split {
  html: string[];
  text: string[];
}

/** Each template (never changed once rendered) is split around its placeholder once; every recipient costs a join. */
const splits = new WeakMap<EmailTemplate, Split>();

// `+` lets the engine link the pieces instead of copying them, as Array#join does.
const join = (parts: string[], between: string) => parts.reduce((out, part) => out + between + part);

function splitOf(template: EmailTemplate): Split {
  let split = splits.get(template);
  if (!split) {
    split = { html: template.html.split(template.placeholder), text: template.text.split(template.placeholder) };
    splits.set(template, split);
  }
  return split;
}

/**
 * One recipient's copy: the unsubscribe URL spliced into the HTML and text rendered once for everyone.
 * Nothing is rendered again, so a send to many subscribers costs a string join each.
 */
export function personalize(
  template: EmailTemplate,
  recipient: { unsubscribeUrl: string },
): { html: string; text: string } {
  const url = checkUnsubscribeUrl(recipient.unsubscribeUrl);
  const split = splitOf(template);
  return { html: join(split.html, escapeHtml(url)), text: join(split.text, url) };
}

/** A stable unsubscribe URL for sample output; it carries a digest, never the address itself. */
export function sampleUnsubscribeUrl(config: Config, slug: string, recipient: string): string {
  const token = createHash('sha256').update(`${slug}\n${recipient}`).digest('hex').slice(0, 16);
  const base = config.unsubscribe.url;
  return `${base}${base.includes('?') ? '&' : '?'}token=sample-${token}`;
}
