import type { Config } from '../../config.ts';
import type { Messages } from '../../i18n/index.ts';
import type { Block, Editorial } from '../../model.ts';
import { blockHtml, blocksText, leadText } from '../body.ts';
import { chromeLangAttrs, chromeOf, publicationChrome } from '../chrome.ts';
import { dropForbiddenChars, escapeHtml } from '../escape.ts';
import { provenanceFooterHtml, provenanceFooterText } from '../footer.ts';
import { urls } from '../urls.ts';
import { headerText as oneLine } from './headers.ts';
import {
  correctionStyle,
  emailBodyStyles,
  emailFooterStyles,
  FONT,
  linkStyle,
  palette,
  textFlow,
  type Direction,
} from './styles.ts';

export function subjectOf(editorial: Editorial): string {
  return oneLine(editorial.title);
}

export function preheaderOf(editorial: Editorial): string {
  return oneLine(editorial.summary?.trim() ? editorial.summary : leadText(editorial.blocks));
}

export function bylineOf(editorial: Editorial, m: Messages): string {
  const date = m.date(editorial.published);
  return editorial.author ? `${oneLine(editorial.author)} · ${date}` : date;
}

/**
 * Whitespace-like characters after the preheader keep inbox previews from running on into the body text.
 * `&#847;` is a combining grapheme joiner, invisible everywhere.
 */
const PREHEADER_PADDING = '&#847;&zwnj;&nbsp;'.repeat(24);

/** Everything the Handlebars templates need; `{{ }}` fields are text, `*Html` fields are this project's markup. */
export interface EmailView {
  lang: string;
  dir: 'ltr' | 'rtl';
  align: 'left' | 'right';
  flow: string;
  font: string;
  c: typeof palette;
  linkStyle: string;
  /** The email's own words, in the chrome's language. */
  text: { viewInBrowser: string; unsubscribe: string; why: string };
  /** ` lang` (and ` dir`) for the email's own words where they are not in the editorial's language. */
  chromeAttrs: string;
  subject: string;
  preheader: string;
  preheaderPadding: string;
  byline: string;
  publicationName: string;
  postalAddress: string;
  homeUrl: string;
  pageUrl: string;
  placeholder: string;
  /** After the unsubscribe URL (which always has a query): `&lang=<chrome>` when that is not the publication's. */
  unsubscribeSuffix: string;
  correctionHtml: string;
  bodyHtml: string;
  footerHtml: string;
}

/**
 * The view's fields the text direction alone decides: `npm run build:email` compiles them into the layout (one variant
 * per direction, src/render/email/layout.generated.ts), where every other field is a slot the render fills.
 */
export function directionView(dir: Direction): Pick<EmailView, 'dir' | 'align' | 'flow' | 'font' | 'c' | 'linkStyle'> {
  return { dir, align: dir === 'rtl' ? 'right' : 'left', flow: textFlow(dir), font: FONT, c: palette, linkStyle };
}

const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** mjml writes the lang attribute unescaped, so only a well-formed BCP 47 tag gets there. */
function languageTag(lang: string, fallback: string): string {
  return LANGUAGE_TAG.test(lang) ? lang : LANGUAGE_TAG.test(fallback) ? fallback : 'und';
}

/** The body's blocks as email HTML, one string per block, so the clipping search can weigh them. */
export function emailBlocksHtml(editorial: Editorial): string[] {
  const styles = emailBodyStyles(editorial.dir);
  return editorial.blocks.map((b) => blockHtml(b, styles));
}

export function continueReadingHtml(pageUrl: string, m: Messages): string {
  return `<p style="margin:24px 0 16px;font-weight:bold;"><a href="${escapeHtml(pageUrl)}" style="${linkStyle}">${escapeHtml(m.t('email.continueReading'))}</a></p>`;
}

/** The provenance footer with inline styles, in a div: several clients drop or restyle an unknown footer element. */
export function emailFooterHtml(editorial: Editorial, m: Messages): string {
  const html = provenanceFooterHtml(editorial, m, emailFooterStyles(editorial.dir));
  const open = '<footer';
  const close = '</footer>';
  if (!html.startsWith(open) || !html.endsWith(close)) return html;
  return `<div${html.slice(open.length, -close.length)}</div>`;
}

export function emailCorrectionHtml(editorial: Editorial, m: Messages): string {
  if (!editorial.correction) return '';
  const label = `<strong${chromeLangAttrs(m, editorial)}>${escapeHtml(m.t('article.correction'))}</strong>`;
  return `<div class="bs-correction" role="note" style="${correctionStyle(editorial.dir)}">${label} ${escapeHtml(editorial.correction)}</div>`;
}

/**
 * The view for the first `kept` blocks of the body (all of them when `kept` is the block count); a cut body
 * ends with a link to the full editorial on the web.
 */
export function emailView(
  editorial: Editorial,
  config: Config,
  blocks: readonly string[],
  kept: number,
  placeholder: string,
): EmailView {
  const m = chromeOf(editorial, config);
  const pageUrl = urls.page(config, editorial.slug);
  const clipped = kept < blocks.length;
  const body = blocks.slice(0, kept).join('\n');
  return {
    lang: languageTag(editorial.lang, config.publication.language),
    ...directionView(editorial.dir === 'rtl' ? 'rtl' : 'ltr'),
    text: {
      viewInBrowser: m.t('email.viewInBrowser'),
      unsubscribe: m.t('email.unsubscribe'),
      why: m.t('email.why', { publication: config.publication.name }),
    },
    // The email's divs carry their own dir, so only the language is marked.
    chromeAttrs: chromeLangAttrs(m, { lang: editorial.lang, dir: m.dir }),
    subject: subjectOf(editorial),
    preheader: preheaderOf(editorial),
    preheaderPadding: PREHEADER_PADDING,
    byline: bylineOf(editorial, m),
    publicationName: config.publication.name,
    postalAddress: config.postalAddress,
    homeUrl: urls.home(config),
    pageUrl,
    placeholder,
    unsubscribeSuffix: unsubscribeSuffix(config, m),
    correctionHtml: emailCorrectionHtml(editorial, m),
    bodyHtml: clipped ? `${body}${body ? '\n' : ''}${continueReadingHtml(pageUrl, m)}` : body,
    footerHtml: emailFooterHtml(editorial, m),
  };
}

/**
 * So that the unsubscribe page answers in the email's language. Every recipient's unsubscribe URL carries its token as
 * a query parameter, so the language follows with `&`.
 */
function unsubscribeSuffix(config: Config, m: Messages): string {
  return m.lang === publicationChrome(config).lang ? '' : `&lang=${m.lang}`;
}

/** The plain-text part: the same content, cut at the same block as the HTML. */
export function emailText(editorial: Editorial, config: Config, kept: number, placeholder: string): string {
  const m = chromeOf(editorial, config);
  const pageUrl = urls.page(config, editorial.slug);
  const title = subjectOf(editorial);
  const sections: string[] = [
    config.publication.name,
    `${title}\n${'='.repeat(Math.min(Math.max([...title].length, 3), 72))}\n${bylineOf(editorial, m)}`,
  ];
  if (editorial.correction) sections.push(`${m.t('article.correction')} ${editorial.correction}`);
  // The whole body is the editorial's own array, whose text ninjs writes too.
  const blocks: readonly Block[] = kept < editorial.blocks.length ? editorial.blocks.slice(0, kept) : editorial.blocks;
  if (blocks.length) sections.push(blocksText(blocks));
  if (kept < editorial.blocks.length) sections.push(m.t('email.textContinueReading', { url: pageUrl }));
  sections.push(provenanceFooterText(editorial, m));
  sections.push(
    [
      m.t('email.textViewInBrowser', { url: pageUrl }),
      m.t('email.textUnsubscribe', { url: `${placeholder}${unsubscribeSuffix(config, m)}` }),
      `${config.publication.name} · ${config.postalAddress}`,
    ].join('\n'),
  );
  return `${dropForbiddenChars(sections.join('\n\n'))}\n`;
}
