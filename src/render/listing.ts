import Handlebars from 'handlebars';
import { scopeUrls, topicScope } from './scopes.ts';
import { topicsOf } from './topics.ts';
import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import { leadText } from './body.ts';
import { dropForbiddenChars } from './escape.ts';
import { readTemplate } from './templates.ts';
import { urls } from './urls.ts';

/**
 * Every fixed string of the listing pages, in English. `{publication}`, `{topic}` and `{page}` are filled in
 * (the page number formatted for the publication's language); the result is escaped like any other text.
 */
export const LISTING_TEXT = {
  /** The `<title>` and the `<h1>` of each kind of listing page. */
  heading: {
    home: '{publication}',
    archive: '{publication}: archive, page {page}',
    topic: '{publication}: {topic}',
    topicArchive: '{publication}: {topic}, archive page {page}',
  },
  /** The link to the newer page (rel="prev") and to the older one (rel="next"). */
  newer: 'Newer',
  older: 'Older',
  /** The accessible name of the navigation between pages. */
  pagination: 'More editorials',
  /** Shown in place of the list on a page with no cards. */
  empty: 'No editorials have been published here yet.',
  /** A card's text when the editorial was withdrawn after its card was made. */
  withdrawn: '{publication} has withdrawn this editorial.',
  /** The titles of the autodiscovery links: `{scope}` is the publication, or the publication and the topic. */
  feedTitle: '{scope} ({format})',
  topicScope: '{publication}: {topic}',
  feedFormats: { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' },
} as const;

export interface ListingView {
  /** Undefined for the whole publication; the topic for a topic page. */
  topic?: { slug: string; label: string };
  /** Undefined on the newest page (home or topic home); the archive page number otherwise. */
  page?: number;
  /** Cards from renderListingCard, newest first, already chosen for this page. */
  cardsHtml: readonly string[];
  /** This page's absolute URL (canonical). */
  pageUrl: string;
  /** rel="prev": the newer page, absent on the newest page. */
  newerUrl?: string;
  /** rel="next": the older page, absent on the oldest page. */
  olderUrl?: string;
  /** The scope's feeds (topic feeds on topic pages), for autodiscovery links. */
  feeds: { rss: string; atom: string; json: string };
}

const handlebars = Handlebars.create();
handlebars.registerPartial('pageStyle', readTemplate('page-style.hbs'));
handlebars.registerPartial('pageSubscribe', readTemplate('page-subscribe.hbs'));
handlebars.registerPartial('listingStyle', readTemplate('listing-style.hbs'));
const cardTemplate = handlebars.compile<CardView>(readTemplate('listing-card.hbs'));
const pageTemplate = handlebars.compile<PageView>(readTemplate('listing.html.hbs'));

/** What the card template sees: plain strings, escaped by `{{ }}`. */
interface CardView {
  /** Set only where the editorial's language or direction is not the publication's. */
  lang: string | undefined;
  dir: string | undefined;
  url: string;
  title: string;
  publishedIso: string;
  publishedDisplay: string;
  summary: string;
  /** Instead of the summary, for a withdrawn editorial, in the publication's language. */
  withdrawn: { text: string; lang: string | undefined; dir: string | undefined } | undefined;
  topics: { label: string; url: string }[];
}

/** What the page template sees: own HTML (the cards) as `cardsHtml`, everything else plain strings. */
interface PageView {
  lang: string;
  dir: 'ltr' | 'rtl';
  title: string;
  description: string;
  standfirst: string | undefined;
  siteName: string;
  homeUrl: string;
  pageUrl: string;
  newerUrl: string | undefined;
  olderUrl: string | undefined;
  /** Whether there is a newer or an older page to link to. */
  paged: boolean;
  feeds: { type: string; title: string; href: string }[];
  cardsHtml: readonly string[];
  text: typeof LISTING_TEXT;
  subscribeUrl: string;
  /** The subscribe form's `source`, as the partial names it. */
  slug: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** One editorial as a list item, rendered once when it is published and stored; stable bytes (never reads the clock). */
export function renderListingCard(editorial: Editorial, config: Config): string {
  const publication = publicationLanguage(config);
  const lang = sameLanguage(editorial.lang, publication.lang) ? undefined : editorial.lang;
  const dir = editorial.dir === publication.dir ? undefined : editorial.dir;
  const withdrawn = editorial.status === 'withdrawn';
  const view: CardView = {
    lang,
    dir,
    url: urls.page(config, editorial.slug),
    title: dropForbiddenChars(editorial.title),
    publishedIso: editorial.published.toISOString().replace('.000Z', 'Z'),
    publishedDisplay: dateFormat(editorial.lang).format(editorial.published),
    summary: withdrawn ? '' : dropForbiddenChars(editorial.summary || leadText(editorial.blocks)),
    withdrawn: withdrawn
      ? {
          text: fill(LISTING_TEXT.withdrawn, { publication: config.publication.name }),
          lang: lang === undefined ? undefined : publication.lang,
          dir: dir === undefined ? undefined : publication.dir,
        }
      : undefined,
    topics: topicsOf(editorial.topics.map(dropForbiddenChars)).map((topic) => ({
      label: topic.label,
      url: scopeUrls.html(config, topicScope(topic)),
    })),
  };
  return cardTemplate(view).trim();
}

/** A complete HTML document. */
export function renderListingPage(view: ListingView, config: Config): string {
  if (view.page !== undefined && !(Number.isInteger(view.page) && view.page >= 1)) {
    throw new RangeError(`listing page number must be a positive integer, not ${view.page}`);
  }
  const publication = publicationLanguage(config);
  const name = config.publication.name;
  const topic = view.topic && dropForbiddenChars(view.topic.label);
  const page = view.page === undefined ? '' : pageNumber(view.page, publication.lang);
  const heading = LISTING_TEXT.heading[topic === undefined ? (page ? 'archive' : 'home') : page ? 'topicArchive' : 'topic'];
  const title = fill(heading, { publication: name, topic, page });
  const scopeName = topic === undefined ? name : fill(LISTING_TEXT.topicScope, { publication: name, topic });
  const own = { rss: urls.rss(config), atom: urls.atom(config), json: urls.jsonFeed(config) };
  return pageTemplate({
    lang: config.publication.language,
    dir: publication.dir,
    title,
    description: config.publication.description,
    standfirst: topic === undefined && !page ? config.publication.description : undefined,
    siteName: name,
    homeUrl: urls.home(config),
    pageUrl: view.pageUrl,
    newerUrl: view.newerUrl,
    olderUrl: view.olderUrl,
    paged: Boolean(view.newerUrl || view.olderUrl),
    feeds: [...feedLinks(view.feeds, scopeName), ...feedLinks(own, name)].filter(
      (link, i, all) => all.findIndex((other) => other.href === link.href) === i,
    ),
    cardsHtml: view.cardsHtml,
    text: LISTING_TEXT,
    subscribeUrl: urls.subscribe(config),
    slug: view.topic ? `topic-${view.topic.slug}` : page ? 'archive' : 'home',
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

const FEED_TYPES = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' } as const;

function feedLinks(feeds: ListingView['feeds'], scope: string): PageView['feeds'] {
  return (['rss', 'atom', 'json'] as const).map((format) => ({
    type: FEED_TYPES[format],
    title: fill(LISTING_TEXT.feedTitle, { scope, format: LISTING_TEXT.feedFormats[format] }),
    href: feeds[format],
  }));
}

/** The text with each `{name}` replaced by its value, in one pass (a value's own braces stay as they are). */
function fill(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The publication's language as Intl takes it, and its writing direction. */
function publicationLanguage(config: Config): { lang: string; dir: 'ltr' | 'rtl' } {
  const lang = config.publication.language;
  return { lang, dir: direction(intlLocale(lang)) };
}

function sameLanguage(a: string, b: string): boolean {
  return intlLocale(a).toLowerCase() === intlLocale(b).toLowerCase();
}

/** A tag Intl accepts: the canonical form of the given one, or `en` when it is not well-formed. */
function intlLocale(lang: string): string {
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

type TextInfo = { direction?: string };

/** The writing direction CLDR gives a language (Node 20 has the `textInfo` getter; later versions the method). */
function direction(lang: string): 'ltr' | 'rtl' {
  const locale = new Intl.Locale(lang) as Intl.Locale & { textInfo?: TextInfo; getTextInfo?: () => TextInfo };
  const info = typeof locale.getTextInfo === 'function' ? locale.getTextInfo() : locale.textInfo;
  return info?.direction === 'rtl' ? 'rtl' : 'ltr';
}

function dateFormat(lang: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'long', timeZone: 'UTC' });
}

function pageNumber(page: number, lang: string): string {
  return new Intl.NumberFormat(intlLocale(lang), { useGrouping: false }).format(page);
}
