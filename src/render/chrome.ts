import type { Config } from '../config.ts';
import { messagesFor, type MessageKey, type Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { cadenceChoices, type CadenceChoice } from './cadence-choices.ts';
import { escapeHtml } from './escape.ts';
import { urls } from './urls.ts';

/** The language of everything around an editorial's own text: the editorial's, else the publication's. */
export function chromeOf(editorial: Pick<Editorial, 'lang'>, config: Config): Messages {
  return messagesFor(editorial.lang, config.publication.language);
}

/** The language of a page about no editorial (home, archive, topic pages, notices). */
export function publicationChrome(config: Config): Messages {
  return messagesFor(config.publication.language, 'en');
}

/**
 * A link to one of the subscriber pages (confirm, unsubscribe) that answers in `m`'s language: the `lang` parameter
 * is added only where that is not the publication's, which the pages speak anyway.
 */
export function inReaderLanguage(config: Config, m: Messages, url: string): string {
  return m.lang === publicationChrome(config).lang ? url : `${url}${url.includes('?') ? '&' : '?'}lang=${m.lang}`;
}

/**
 * A message as HTML: its text escaped, each `{name}` replaced by the given fragment of this project's own markup
 * (escaped by the caller), in one pass so that no fragment is read again.
 */
export function messageHtml(
  m: Messages,
  key: MessageKey,
  fragments: Readonly<Record<string, string>>,
  count?: number,
): string {
  const text = escapeHtml(m.t(key, count === undefined ? {} : { count }));
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => fragments[name] ?? whole);
}

/**
 * ` lang="…"` (and ` dir="…"`) for an element of fixed text inside content in another language: a Portuguese
 * editorial on a French publication has French chrome; empty when the chrome is in the content's language.
 */
export function chromeLangAttrs(m: Messages, content: { lang: string; dir: 'ltr' | 'rtl' }): string {
  if (content.lang.split('-')[0]!.toLowerCase() === m.lang) return '';
  return ` lang="${m.lang}"${m.dir === content.dir ? '' : ` dir="${m.dir}"`}`;
}

/** What the subscribe form at the foot of every page (templates/page-subscribe.hbs) says, and in which language. */
export interface SubscribeFormView {
  url: string;
  heading: string;
  label: string;
  button: string;
  /** Sent with the form, so the answer comes in the page's language. */
  lang: string;
  /** Set where the form's language is not the page's. */
  attrs: string;
  /** The topics readers may choose, each ticked: a reader who changes nothing gets every topic. */
  topics: ReaderTopicChoice[];
  topicsLegend: string;
  /** How often to mail, `each` ticked; empty when only one cadence is offered. */
  cadences: CadenceChoice[];
  cadenceLegend: string;
}

export interface ReaderTopicChoice {
  name: string;
  label: string;
  chosen: boolean;
}

/** The configured reader topics, labelled in `m`'s language where the configuration gives a label for it. */
export function readerTopicChoices(
  config: Config,
  m: Messages,
  chosen: (name: string) => boolean = () => true,
): ReaderTopicChoice[] {
  return config.subscription.topics.map((topic) => ({
    name: topic.name,
    label: topic.labels?.[m.lang] ?? topic.name,
    chosen: chosen(topic.name),
  }));
}

export function subscribeFormView(
  config: Config,
  m: Messages,
  content: { lang: string; dir: 'ltr' | 'rtl' },
): SubscribeFormView {
  return {
    url: urls.subscribe(config),
    heading: m.t('subscribe.heading', { publication: config.publication.name }),
    label: m.t('subscribe.emailLabel'),
    button: m.t('subscribe.button'),
    lang: m.lang,
    attrs: chromeLangAttrs(m, content),
    topics: readerTopicChoices(config, m),
    topicsLegend: m.t('preferences.topicsLegend'),
    cadences: cadenceChoices(config, m),
    cadenceLegend: m.t('cadence.legend'),
  };
}

export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

const FEED_TYPES = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' } as const;
/** Format names, the same in every language. */
const FEED_FORMATS = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;

/** Autodiscovery links for a scope's three feeds, titled "<scope> (<format>)" in the chrome's language. */
export function feedLinks(m: Messages, scope: string, feeds: Record<keyof typeof FEED_TYPES, string>): FeedLink[] {
  return (['rss', 'atom', 'json'] as const).map((format) => ({
    type: FEED_TYPES[format],
    title: m.t('page.feedTitle', { scope, format: FEED_FORMATS[format] }),
    href: feeds[format],
  }));
}
