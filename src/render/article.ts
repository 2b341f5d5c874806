import type { Config } from '../config.ts';
import type { Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { blocksHtml } from './body.ts';
import { chromeLangAttrs, messageHtml } from './chrome.ts';
import { escapeHtml } from './escape.ts';
import { provenanceFooterHtml } from './footer.ts';

/** The correction note: its label in the chrome's language, the desk's own words after it. */
export function correctionHtml(editorial: Editorial, m: Messages): string {
  return editorial.correction
    ? `<aside class="correction" role="note"><strong${chromeLangAttrs(m, editorial)}>${escapeHtml(m.t('article.correction'))}</strong> ${escapeHtml(editorial.correction)}</aside>`
    : '';
}

/** The full content of an editorial as HTML (correction, body, provenance footer): pages, feeds, partners. */
export function articleHtml(editorial: Editorial, m: Messages): string {
  return joinedArticleHtml(articleHtmlParts(editorial, m));
}

/** `articleHtml` from its parts. */
export function joinedArticleHtml(parts: readonly string[]): string {
  return parts.filter(Boolean).join('\n');
}

/** What `articleHtml` joins: the correction (or ''), the body's blocks, the provenance footer. */
export function articleHtmlParts(editorial: Editorial, m: Messages): [string, string, string] {
  return [correctionHtml(editorial, m), blocksHtml(editorial.blocks), provenanceFooterHtml(editorial, m)];
}

/** What stands in place of a withdrawn editorial's text, on its page and in partner documents. */
export function withdrawnNoticeHtml(editorial: Editorial, config: Config, m: Messages, attributes = ''): string {
  const label = `<strong>${escapeHtml(m.t('article.withdrawnLabel'))}</strong>`;
  const text = messageHtml(m, 'article.withdrawnNotice', { publication: escapeHtml(config.publication.name) });
  return `<p class="withdrawn-notice"${attributes}${chromeLangAttrs(m, editorial)}>${label} ${text}</p>`;
}
