import type { Config } from '../../config.ts';
import type { Messages } from '../../i18n/index.ts';
import { chromeLangAttrs, messageHtml } from '../chrome.ts';
import { dropForbiddenChars, escapeHtml } from '../escape.ts';
import { urls } from '../urls.ts';
import type { DigestEntry } from './digest-types.ts';
import { headerText as oneLine } from './headers.ts';
import { correctionStyle, FONT, linkStyle, palette, textFlow } from './styles.ts';

/**
 * A summary longer than this is cut at a word: a digest is a list to choose from, and one editorial's long lead
 * would otherwise take the room of many others under the clipping budget.
 */
const SUMMARY_CHARS = 600;

const headingStyle = `margin:0 0 6px;font-family:${FONT};font-size:22px;line-height:1.3;font-weight:bold;`;
const headingLinkStyle = `color:${palette.link};text-decoration:none;`;
const metaStyle = `margin:0 0 8px;font-size:14px;line-height:1.5;color:${palette.muted};`;

const directionOf = (entry: DigestEntry): 'ltr' | 'rtl' => (entry.dir === 'rtl' ? 'rtl' : 'ltr');

/** The language and direction an item's own text is in, as `chromeLangAttrs` compares them. */
const contentOf = (entry: DigestEntry) => ({ lang: entry.lang, dir: directionOf(entry) });

export function summaryOf(entry: DigestEntry): string {
  const summary = oneLine(entry.summary);
  const chars = [...summary];
  if (chars.length <= SUMMARY_CHARS) return summary;
  const cut = chars.slice(0, SUMMARY_CHARS).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A day as the reader's language writes it; nothing for a date that is not one, rather than no digest at all. */
export function dayOf(m: Messages, date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : m.date(date);
}

/** The entry's topics as the reader's topic choices name them in `m`'s language, else as the editorial does. */
export function topicLabels(entry: DigestEntry, config: Config, m: Messages): string[] {
  const byName = new Map(config.subscription.topics.map((topic) => [topic.name.trim().toLowerCase(), topic]));
  return entry.topics
    .map((topic) => oneLine(byName.get(topic.trim().toLowerCase())?.labels?.[m.lang] ?? topic))
    .filter((label) => label !== '');
}

/** "A, B and C" as the reader's language writes a list. */
function listOf(m: Messages, items: string[]): string {
  return new Intl.ListFormat(m.locale, { type: 'conjunction', style: 'long' }).format(items);
}

/** Date · topics · sources, in the reader's language. */
function metaLine(entry: DigestEntry, config: Config, m: Messages): string {
  const topics = topicLabels(entry, config, m);
  const sources = Number.isFinite(entry.sources) ? Math.max(0, Math.trunc(entry.sources)) : 0;
  return [dayOf(m, entry.publishedAt), listOf(m, topics), m.t('digest.sources', { count: sources })]
    .filter((part) => part !== '')
    .join(' · ');
}

/** One item of the HTML part: a block of its own language and direction where those are not the digest's. */
export function digestItemHtml(entry: DigestEntry, config: Config, m: Messages): string {
  const dir = directionOf(entry);
  const foreign = entry.lang.split('-')[0]!.toLowerCase() !== m.lang || dir !== m.dir;
  const ownAttrs = foreign ? ` lang="${escapeHtml(entry.lang)}" dir="${dir}"` : '';
  const chromeAttrs = chromeLangAttrs(m, contentOf(entry));
  const url = escapeHtml(urls.page(config, entry.slug));
  const title = `<a href="${url}" style="${headingLinkStyle}">${escapeHtml(oneLine(entry.title))}</a>`;
  const parts = [
    `<div class="bs-digest-item"${ownAttrs} style="margin:0 0 28px;${textFlow(dir)}">`,
    `<h2 style="${headingStyle}">${title}</h2>`,
    `<p${chromeAttrs} style="${metaStyle}">${escapeHtml(metaLine(entry, config, m))}</p>`,
  ];
  if (entry.correction?.trim()) {
    const label = `<strong${chromeAttrs}>${escapeHtml(m.t('digest.corrected'))}</strong>`;
    const correction = `${label} ${escapeHtml(oneLine(entry.correction))}`;
    parts.push(`<div class="bs-correction" role="note" style="${correctionStyle(dir)}">${correction}</div>`);
  }
  const summary = summaryOf(entry);
  if (summary) parts.push(`<p style="margin:0;">${escapeHtml(summary)}</p>`);
  parts.push('</div>');
  return `${parts.join('\n')}\n`;
}

/** The same item in the plain-text part: title, date · topics · sources, correction, summary, address. */
export function digestItemText(entry: DigestEntry, config: Config, m: Messages): string {
  const lines = [oneLine(entry.title), metaLine(entry, config, m)];
  if (entry.correction?.trim()) lines.push(`${m.t('digest.corrected')} ${oneLine(entry.correction)}`);
  const summary = summaryOf(entry);
  if (summary) lines.push(summary);
  lines.push(urls.page(config, entry.slug));
  // The title line stays even when empty: assembleDigest reads each chosen item's title from it.
  return `${dropForbiddenChars(lines.filter((line, i) => i === 0 || line !== '').join('\n'))}\n\n`;
}

/** The link to the editorials a digest leaves out, to the site's home page; empty when it leaves none out. */
export function moreHtml(omitted: number, config: Config, m: Messages): string {
  if (omitted <= 0) return '';
  const words = messageHtml(m, 'digest.more', {}, omitted);
  const link = `<a href="${escapeHtml(urls.home(config))}" style="${linkStyle}">${words}</a>`;
  return `<p style="margin:0 0 16px;font-weight:bold;">${link}</p>\n`;
}

export function moreText(omitted: number, config: Config, m: Messages): string {
  if (omitted <= 0) return '';
  return `${m.t('digest.textMore', { count: omitted, url: urls.home(config) })}\n\n`;
}
