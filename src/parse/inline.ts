import type Token from 'markdown-it/lib/token.mjs';
import type { Inline } from '../model.ts';
import { escapeHtml } from '../render/escape.ts';

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The link target when it is an absolute http, https or mailto URL; other links are shown as their text. */
export function safeHref(href: string | null): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href);
    if (!LINK_PROTOCOLS.has(url.protocol)) return undefined;
    if (url.protocol !== 'mailto:' && !url.hostname) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

const TAGS: Record<string, string> = {
  em_open: '<em>',
  em_close: '</em>',
  strong_open: '<strong>',
  strong_close: '</strong>',
};

/**
 * Renders markdown-it inline tokens to HTML built here, never from the editorial's own markup: the only
 * elements are em, strong, code, a (http/https/mailto) and br; every character of text is escaped.
 */
export function renderInline(tokens: readonly Token[]): Inline {
  let html = '';
  let text = '';
  const openLinks: boolean[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'html_inline':
        html += escapeHtml(t.content);
        text += t.content;
        break;
      case 'code_inline':
        html += `<code>${escapeHtml(t.content)}</code>`;
        text += t.content;
        break;
      case 'softbreak':
        html += '\n';
        text += ' ';
        break;
      case 'hardbreak':
        html += '<br>';
        text += '\n';
        break;
      case 'em_open':
      case 'em_close':
      case 'strong_open':
      case 'strong_close':
        html += TAGS[t.type]!;
        break;
      case 'link_open': {
        const href = safeHref(t.attrGet('href'));
        openLinks.push(href !== undefined);
        if (href !== undefined) html += `<a href="${escapeHtml(href)}">`;
        break;
      }
      case 'link_close':
        if (openLinks.pop()) html += '</a>';
        break;
      case 'image': {
        const alt = t.children ? renderInline(t.children).text : t.content;
        html += escapeHtml(alt);
        text += alt;
        break;
      }
      default:
        // Strikethrough and other markers carry no text of their own; anything with content shows as text.
        if (t.content && !t.type.endsWith('_open') && !t.type.endsWith('_close')) {
          html += escapeHtml(t.content);
          text += t.content;
        }
    }
  }
  return { html: html.trim(), text: text.trim() };
}

export function plainInline(text: string): Inline {
  return { text, html: escapeHtml(text) };
}
