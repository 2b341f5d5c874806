import { escapeHtml } from '../escape.ts';
import { digestPreheader, PREHEADER_PADDING } from './digest-preheader.ts';
import type { DigestPart, DigestTemplate } from './digest-types.ts';
import { checkUnsubscribeUrl } from './personalize.ts';

/** An item's title, as the first line of its plain-text form (digestItemText) gives it. */
const titleOf = (textItem: string) => textItem.slice(0, Math.max(0, textItem.indexOf('\n')));

/** The indexes of the chosen items, in the template's order, each once. */
function chosenIndexes(template: DigestTemplate, chosen: readonly number[]): number[] {
  const count = template.html.items.length;
  for (const index of chosen) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`digest item ${index} does not exist: the digest has ${count} items`);
    }
  }
  return [...new Set(chosen)].sort((a, b) => a - b);
}

/**
 * The head with the preheader naming the reader's own first items: an inbox preview should not name an editorial
 * their copy leaves out. The preheader is the text before the padding (the first in the document, where the escaped
 * text cannot make one); a head without that padding is left as it is.
 */
function withPreheader(head: string, preheader: string): string {
  const padding = head.indexOf(PREHEADER_PADDING);
  if (padding < 0) return head;
  const start = head.lastIndexOf('>', padding) + 1;
  return `${head.slice(0, start)}${escapeHtml(preheader)}${head.slice(padding)}`;
}

/**
 * One reader's copy: the chrome, the items chosen for them (indexes into `template.items`, kept in the template's
 * order), the link to the editorials left out when there are any, and their unsubscribe URL in place of the
 * placeholder, escaped as personalize() does for an editorial. The HTML preheader names the chosen items' titles.
 * Only string joins: a sender loads none of the renderer.
 */
export function assembleDigest(
  template: DigestTemplate,
  chosen: readonly number[],
  unsubscribeUrl: string,
): { subject: string; html: string; text: string } {
  const url = checkUnsubscribeUrl(unsubscribeUrl);
  const indexes = chosenIndexes(template, chosen);
  const assemble = (part: DigestPart, head: string, value: string) => {
    const splice = (s: string) => s.split(template.placeholder).join(value);
    const items = indexes.map((index) => part.items[index]!).join('');
    return splice(head) + items + (template.omitted > 0 ? part.more : '') + splice(part.tail);
  };
  const preheader = digestPreheader(indexes.map((index) => titleOf(template.text.items[index]!)));
  return {
    subject: template.subject,
    html: assemble(template.html, withPreheader(template.html.head, preheader), escapeHtml(url)),
    text: assemble(template.text, template.text.head, url),
  };
}
