import Handlebars from 'handlebars';
import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import { correctionHtml } from './article.ts';
import { blocksHtml, leadText } from './body.ts';
import { provenanceFooterHtml } from './footer.ts';
import { urls } from './urls.ts';
import { readTemplate } from './templates.ts';


const handlebars = Handlebars.create();
handlebars.registerPartial('pageStyle', readTemplate('page-style.hbs'));
handlebars.registerPartial('pageSubscribe', readTemplate('page-subscribe.hbs'));
const template = handlebars.compile<PageView>(readTemplate('page.html.hbs'));

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
  rssUrl: string;
  atomUrl: string;
  jsonFeedUrl: string;
  subscribeUrl: string;
  slug: string;
  ogLocale: string;
  publishedIso: string;
  publishedDisplay: string;
  wasUpdated: boolean;
  updatedIso: string;
  updatedDisplay: string;
  withdrawn: boolean;
  correctionHtml: string;
  bodyHtml: string;
  footerHtml: string;
  jsonLd: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** The web page of an editorial: a complete HTML document. */
export function renderPage(editorial: Editorial, config: Config): string {
  const withdrawn = editorial.status === 'withdrawn';
  const description = withdrawn
    ? `${config.publication.name} has withdrawn this editorial.`
    : editorial.summary || leadText(editorial.blocks) || config.publication.description;
  const byline = editorial.author ?? config.publication.name;
  const pageUrl = urls.page(config, editorial.slug);
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
    rssUrl: urls.rss(config),
    atomUrl: urls.atom(config),
    jsonFeedUrl: urls.jsonFeed(config),
    subscribeUrl: urls.subscribe(config),
    slug: editorial.slug,
    ogLocale: editorial.lang.replace(/-/g, '_'),
    publishedIso: isoDate(editorial.published),
    publishedDisplay: displayDate(editorial.published, editorial.lang, false),
    wasUpdated: editorial.updated.getTime() > editorial.published.getTime(),
    updatedIso: isoDate(editorial.updated),
    updatedDisplay: displayDate(editorial.updated, editorial.lang, true),
    withdrawn,
    correctionHtml: correctionHtml(editorial),
    bodyHtml: withdrawn ? '' : blocksHtml(editorial.blocks),
    footerHtml: provenanceFooterHtml(editorial),
    jsonLd: scriptSafeJson(newsArticle(editorial, config, { description, byline, pageUrl })),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

function newsArticle(
  editorial: Editorial,
  config: Config,
  page: { description: string; byline: string; pageUrl: string },
): Record<string, unknown> {
  const publisher = { '@type': 'Organization', name: config.publication.name, url: urls.home(config) };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: editorial.title,
    description: page.description,
    datePublished: isoDate(editorial.published),
    dateModified: isoDate(editorial.updated),
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

function displayDate(date: Date, lang: string, withTime: boolean): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeZone: 'UTC', ...(withTime ? { timeStyle: 'short' } : {}) };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(lang, options);
  } catch {
    format = new Intl.DateTimeFormat('en', options);
  }
  return withTime ? `${format.format(date)} UTC` : format.format(date);
}
