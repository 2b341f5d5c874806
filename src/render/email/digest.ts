import type { Config } from '../../config.ts';
import { messagesFor, type Messages } from '../../i18n/index.ts';
import { urls } from '../urls.ts';
import { digestSubject, digestTextChrome, digestView } from './digest-chrome.ts';
import { digestPreheader, PREHEADER_BYTES } from './digest-preheader.ts';
import { digestItemHtml, digestItemText, moreHtml, moreText } from './digest-items.ts';
import type { DigestEntry, DigestPeriod, DigestTemplate } from './digest-types.ts';
import { fillEmailLayout } from './layout.ts';
import { firstFittingToken, occurrences, unsubscribePlaceholder } from './placeholder.ts';
import { CLIP_HEADROOM, UNSUBSCRIBE_URL_ALLOWANCE } from './render.ts';

// Senders import assembleDigest from digest-assemble.ts, which loads none of the renderer.
export { assembleDigest } from './digest-assemble.ts';
export type { DigestEntry, DigestPart, DigestPeriod, DigestTemplate } from './digest-types.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

interface Chrome {
  placeholder: string;
  html: { head: string; tail: string };
  text: { head: string; tail: string };
}

/**
 * The email around the items, cut where they go. The placeholder and the body marker are tokens that nothing a
 * reader's copy can hold (the chrome and every item) contains, so no title or summary can stand in for either.
 */
function digestChrome(
  config: Config,
  m: Messages,
  period: DigestPeriod,
  preheader: string,
  content: readonly string[],
): Chrome {
  const bare = fillEmailLayout(digestView(config, m, period, preheader, '', ''));
  const everything = [bare, ...content].join('\n');
  const placeholder = unsubscribePlaceholder([everything]);
  const marker = firstFittingToken('bsdigestitems', [everything]);
  const html = fillEmailLayout(digestView(config, m, period, preheader, placeholder, marker));
  const markers = occurrences(html, marker);
  const placeholders = occurrences(html, placeholder);
  if (markers !== 1 || placeholders !== 1) {
    const holds = `the items marker ${markers} times and the unsubscribe placeholder ${placeholders} times`;
    throw new Error(`digest email HTML holds ${holds}, expected once each`);
  }
  const at = html.indexOf(marker);
  const text = digestTextChrome(config, m, period, placeholder);
  if (occurrences(text.head + text.tail, placeholder) !== 1) {
    throw new Error('digest email text holds the unsubscribe placeholder other than once');
  }
  return { placeholder, html: { head: html.slice(0, at), tail: html.slice(at + marker.length) }, text };
}

/**
 * The most HTML bytes head and tail take in a reader's copy: with a realistic unsubscribe URL in place of the
 * placeholder, and the longest preheader a reader's items can give (`chrome` is rendered with none).
 */
function chromeSize(chrome: Chrome): number {
  const { head, tail } = chrome.html;
  const spliced =
    occurrences(head + tail, chrome.placeholder) * (UNSUBSCRIBE_URL_ALLOWANCE - chrome.placeholder.length);
  return bytes(head) + bytes(tail) + spliced + PREHEADER_BYTES;
}

/**
 * How many of the first items fit under `limit` with the chrome and the "more" link for the rest; none when not
 * even the first does (the link then names them all).
 */
function itemsFitting(
  fixed: number,
  weights: readonly number[],
  total: number,
  limit: number,
  more: (omitted: number) => number,
): number {
  let kept = weights.length;
  let used = weights.reduce((sum, weight) => sum + weight, 0);
  while (kept > 0 && fixed + used + more(total - kept) >= limit) used -= weights[--kept]!;
  return kept;
}

/**
 * Renders a period's digest once per language of its readers: the chrome of an editorial's email around one item per
 * editorial, newest first as given. Items are left out from the end, behind a link to the site, past
 * `config.subscription.digests.maxItems` or where the HTML of a copy holding them all would reach the clipping budget
 * (`config.email.clipBytes`, less `CLIP_HEADROOM`); a reader's copy holds no more, so it stays under it too.
 */
export function renderDigest(
  entries: DigestEntry[],
  config: Config,
  period: DigestPeriod,
  language: string,
): DigestTemplate {
  const m = messagesFor(language, config.publication.language);
  const maxItems = config.subscription.digests.maxItems;
  const listed = entries.slice(0, Number.isFinite(maxItems) ? Math.max(0, Math.trunc(maxItems)) : entries.length);
  const itemsHtml = listed.map((entry) => digestItemHtml(entry, config, m));
  const itemsText = listed.map((entry) => digestItemText(entry, config, m));
  const limit = config.email.clipBytes - CLIP_HEADROOM;
  const kept = itemsFitting(
    chromeSize(digestChrome(config, m, period, '', [])),
    itemsHtml.map(bytes),
    entries.length,
    limit,
    (omitted) => bytes(moreHtml(omitted, config, m)),
  );
  const omitted = entries.length - kept;
  const html = { items: itemsHtml.slice(0, kept), more: moreHtml(omitted, config, m) };
  const text = { items: itemsText.slice(0, kept), more: moreText(omitted, config, m) };
  const keptEntries = listed.slice(0, kept);
  const preheader = digestPreheader(keptEntries.map((entry) => entry.title));
  const chrome = digestChrome(config, m, period, preheader, [...html.items, html.more, ...text.items, text.more]);
  return {
    subject: digestSubject(config, m, period),
    preheader,
    placeholder: chrome.placeholder,
    language: m.lang,
    html: { head: chrome.html.head, ...html, tail: chrome.html.tail },
    text: { head: chrome.text.head, ...text, tail: chrome.text.tail },
    omitted,
    entries: keptEntries.map((entry) => ({
      slug: entry.slug,
      topics: [...entry.topics],
      publishedAt: Number.isNaN(entry.publishedAt.getTime()) ? '' : entry.publishedAt.toISOString(),
    })),
    homeUrl: urls.home(config),
  };
}
