import { scopeUrls, topicScope } from './scopes.ts';
import { topicsOf } from './topics.ts';
import type { Config } from '../config.ts';
import type { Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { leadText } from './body.ts';
import { feedLinks, publicationChrome, subscribeFormView, type FeedLink, type SubscribeFormView } from './chrome.ts';
import { dropForbiddenChars } from './escape.ts';
import { precompiledTemplates } from './templates-precompiled.ts';
import { urls } from './urls.ts';

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

const handlebars = precompiledTemplates({
  pageStyle: 'page-style.hbs',
  pageSubscribe: 'page-subscribe.hbs',
  topicChoices: 'topic-choices.hbs',
  cadenceChoices: 'cadence-choices.hbs',
  listingStyle: 'listing-style.hbs',
});
const cardTemplate = handlebars.template<CardView>('listing-card.hbs');
const pageTemplate = handlebars.template<PageView>('listing.html.hbs');

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
  feeds: FeedLink[];
  cardsHtml: readonly string[];
  /** The page's own words, in the publication's language. */
  text: { empty: string; pagination: string; newer: string; older: string };
  subscribe: SubscribeFormView;
  /** The subscribe form's `source`, as the partial names it. */
  slug: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** One editorial as a list item, rendered once when it is published and stored; stable bytes (never reads the clock). */
export function renderListingCard(editorial: Editorial, config: Config): string {
  const publication = publicationLanguage(config);
  const chrome = publicationChrome(config);
  const lang = sameLanguage(editorial.lang, publication.lang) ? undefined : editorial.lang;
  const dir = editorial.dir === publication.dir ? undefined : editorial.dir;
  const withdrawn = editorial.status === 'withdrawn';
  const view: CardView = {
    lang,
    dir,
    url: urls.page(config, editorial.slug),
    title: dropForbiddenChars(editorial.title),
    publishedIso: editorial.published.toISOString().replace('.000Z', 'Z'),
    // The card is in the editorial's language, and so is its date: Intl knows more languages than the catalogues.
    publishedDisplay: dateFormat(editorial.lang).format(editorial.published),
    summary: withdrawn ? '' : dropForbiddenChars(editorial.summary || leadText(editorial.blocks)),
    withdrawn: withdrawn
      ? {
          text: chrome.t('article.withdrawn', { publication: config.publication.name }),
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
  const m = publicationChrome(config);
  const name = config.publication.name;
  const topic = view.topic && dropForbiddenChars(view.topic.label);
  const page = view.page === undefined ? '' : pageNumber(view.page, publication.lang);
  const title = listingHeading(m, name, topic, page);
  const scopeName = topic === undefined ? name : scopeTitle(m, name, topic);
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
    feeds: [...feedLinks(m, scopeName, view.feeds), ...feedLinks(m, name, own)].filter(
      (link, i, all) => all.findIndex((other) => other.href === link.href) === i,
    ),
    cardsHtml: view.cardsHtml,
    text: {
      empty: m.t('listing.empty'),
      pagination: m.t('listing.pagination'),
      newer: m.t('listing.newer'),
      older: m.t('listing.older'),
    },
    subscribe: subscribeFormView(config, m, publication),
    slug: view.topic ? `topic-${view.topic.slug}` : page ? 'archive' : 'home',
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

/** The `<title>` and `<h1>` of a listing page: the publication, or its archive page, topic or topic archive page. */
function listingHeading(m: Messages, publication: string, topic: string | undefined, page: string): string {
  if (topic === undefined) return page ? m.t('listing.archive', { publication, page }) : publication;
  return page ? m.t('listing.topicArchive', { publication, topic, page }) : scopeTitle(m, publication, topic);
}

/** A topic's name beside the publication's, as its pages and feeds are titled ("Monexus: Energy"). */
export function scopeTitle(m: Messages, publication: string, topic: string): string {
  return m.t('listing.topic', { publication, topic });
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
