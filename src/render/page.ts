import type { Config } from '../config.ts';
import type { Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { correctionHtml, withdrawnNoticeHtml } from './article.ts';
import { blocksHtml, leadText } from './body.ts';
import {
  chromeLangAttrs,
  chromeOf,
  feedLinks,
  messageHtml,
  subscribeFormView,
  type FeedLink,
  type SubscribeFormView,
} from './chrome.ts';
import { escapeHtml } from './escape.ts';
import { provenanceFooterHtml } from './footer.ts';
import { urls } from './urls.ts';
import { precompiledTemplates } from './templates-precompiled.ts';

const handlebars = precompiledTemplates({
  pageStyle: 'page-style.hbs',
  pageSubscribe: 'page-subscribe.hbs',
  topicChoices: 'topic-choices.hbs',
  cadenceChoices: 'cadence-choices.hbs',
});
const template = handlebars.template<PageView>('page.html.hbs');

/** What the page template sees: editorial text as plain strings (escaped by `{{ }}`), own HTML as `*Html`. */
interface PageView {
  lang: string;
  dir: 'ltr' | 'rtl';
  title: string;
  summary: string | undefined;
  description: string;
  byline: string;
  topics: string[];
  siteName: string;
  homeUrl: string;
  pageUrl: string;
  feeds: FeedLink[];
  subscribe: SubscribeFormView;
  slug: string;
  ogLocale: string;
  publishedIso: string;
  updatedIso: string;
  /** The author, the date and, after a correction, the time of the update, in the chrome's language. */
  bylineHtml: string;
  withdrawn: boolean;
  withdrawnHtml: string;
  correctionHtml: string;
  bodyHtml: string;
  footerHtml: string;
  jsonLd: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** The web page of an editorial: a complete HTML document. */
export function renderPage(editorial: Editorial, config: Config): string {
  const m = chromeOf(editorial, config);
  const withdrawn = editorial.status === 'withdrawn';
  const description = withdrawn
    ? m.t('article.withdrawn', { publication: config.publication.name })
    : editorial.summary || leadText(editorial.blocks) || config.publication.description;
  const byline = editorial.author ?? config.publication.name;
  const pageUrl = urls.page(config, editorial.slug);
  const publishedIso = isoDate(editorial.published);
  const updatedIso = isoDate(editorial.updated);
  return template({
    lang: editorial.lang,
    dir: editorial.dir,
    title: editorial.title,
    summary: withdrawn ? undefined : editorial.summary,
    description,
    byline,
    topics: editorial.topics,
    siteName: config.publication.name,
    homeUrl: urls.home(config),
    pageUrl,
    feeds: feedLinks(m, config.publication.name, {
      rss: urls.rss(config),
      atom: urls.atom(config),
      json: urls.jsonFeed(config),
    }),
    subscribe: subscribeFormView(config, m, editorial),
    slug: editorial.slug,
    ogLocale: editorial.lang.replace(/-/g, '_'),
    publishedIso,
    updatedIso,
    bylineHtml: bylineHtml(editorial, m, byline, { publishedIso, updatedIso }),
    withdrawn,
    withdrawnHtml: withdrawn ? withdrawnNoticeHtml(editorial, config, m, ' role="status"') : '',
    correctionHtml: correctionHtml(editorial, m),
    bodyHtml: withdrawn ? '' : blocksHtml(editorial.blocks),
    footerHtml: provenanceFooterHtml(editorial, m),
    jsonLd: scriptSafeJson(newsArticle(editorial, config, { description, pageUrl, publishedIso, updatedIso })),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

function newsArticle(
  editorial: Editorial,
  config: Config,
  page: { description: string; pageUrl: string; publishedIso: string; updatedIso: string },
): Record<string, unknown> {
  const publisher = { '@type': 'Organization', name: config.publication.name, url: urls.home(config) };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: editorial.title,
    description: page.description,
    datePublished: page.publishedIso,
    dateModified: page.updatedIso,
    author: editorial.author ? { '@type': 'Person', name: editorial.author } : publisher,
    publisher,
    inLanguage: editorial.lang,
    mainEntityOfPage: { '@type': 'WebPage', '@id': page.pageUrl },
    url: page.pageUrl,
    ...(editorial.topics.length ? { keywords: editorial.topics } : {}),
    isBasedOn: editorial.sources.map((s) => ({ '@type': 'CreativeWork', url: s.url, name: s.label })),
    ...(editorial.correction ? { correction: { '@type': 'CorrectionComment', text: editorial.correction } } : {}),
  };
}

const SCRIPT_UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON that cannot end or confuse the script element it sits in (e.g. text containing `</script>`). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_UNSAFE[c]!);
}

function isoDate(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** "By <author> · <date>", and " · Updated <date and time>" once a correction came later. */
function bylineHtml(
  editorial: Editorial,
  m: Messages,
  byline: string,
  iso: { publishedIso: string; updatedIso: string },
): string {
  const time = (datetime: string, text: string, cls = '') =>
    `<time${cls} datetime="${datetime}">${escapeHtml(text)}</time>`;
  const parts = [
    messageHtml(m, 'page.byline', { author: `<span class="author">${escapeHtml(byline)}</span>` }),
    time(iso.publishedIso, m.date(editorial.published)),
  ];
  if (editorial.updated.getTime() > editorial.published.getTime()) {
    parts.push(
      messageHtml(m, 'page.updated', {
        date: time(iso.updatedIso, m.dateTime(editorial.updated), ' class="updated"'),
      }),
    );
  }
  return `<p class="byline"${chromeLangAttrs(m, editorial)}>${parts.join(' · ')}</p>`;
}
