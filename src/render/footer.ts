import type { Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { chromeLangAttrs } from './chrome.ts';
import { escapeHtml } from './escape.ts';
import { styleAttributes } from './style-attributes.ts';
import { lastAnswer } from '../remembered.ts';

export interface FooterStyles {
  container?: string;
  framing?: string;
  heading?: string;
  intro?: string;
  list?: string;
  item?: string;
  link?: string;
}

const NO_STYLES: FooterStyles = {};

/**
 * The provenance footer every rendered form ends with: the framing note when there is one, then the
 * heading ("Wire provenance" in the chrome's language) and every source as a link with its label.
 */
export function provenanceFooterHtml(editorial: Editorial, m: Messages, styles?: FooterStyles): string {
  return styles ? footerHtml(editorial, m, styles) : unstyledFooterHtml(editorial, m);
}

/** The unstyled footer, kept: one render writes it for the page and again for ninjs. */
const unstyledFooterHtml = lastAnswer((editorial: Editorial, m: Messages) => footerHtml(editorial, m, NO_STYLES));

function footerHtml(editorial: Editorial, m: Messages, styles: FooterStyles): string {
  const styled = styleAttributes(styles);
  const attr = (element: keyof FooterStyles) => styled[element] ?? '';
  const parts: string[] = [];
  if (editorial.framing) parts.push(`<p class="framing-note"${attr('framing')}>${escapeHtml(editorial.framing)}</p>`);
  parts.push(
    `<h2${chromeLangAttrs(m, editorial)}${attr('heading')}>${escapeHtml(m.t('article.provenanceHeading'))}</h2>`,
  );
  if (editorial.provenanceIntro) parts.push(`<p${attr('intro')}>${escapeHtml(editorial.provenanceIntro)}</p>`);
  const items = editorial.sources.map(
    (s) => `<li${attr('item')}><a href="${escapeHtml(s.url)}"${attr('link')}>${escapeHtml(s.label)}</a></li>`,
  );
  parts.push(`<ul${attr('list')}>${items.join('')}</ul>`);
  return `<footer class="provenance"${attr('container')}>${parts.join('')}</footer>`;
}

/** The footer as text, kept: one render writes it for the email's text and again for ninjs. */
export const provenanceFooterText = lastAnswer(footerText);

function footerText(editorial: Editorial, m: Messages): string {
  const heading = m.t('article.provenanceHeading');
  const lines: string[] = [];
  if (editorial.framing) lines.push(editorial.framing, '');
  lines.push(heading, '-'.repeat([...heading].length));
  if (editorial.provenanceIntro) lines.push(editorial.provenanceIntro);
  for (const s of editorial.sources) lines.push(`- ${s.label}: ${s.url}`);
  return lines.join('\n');
}
