import type { Config } from '../config.ts';
import { dropForbiddenChars } from '../render/escape.ts';
import { precompiledTemplates } from '../render/templates-precompiled.ts';
import { urls } from '../render/urls.ts';
import { en, messagesFor, type MessageKey, type Messages } from '../i18n/index.ts';

const handlebars = precompiledTemplates({ pageStyle: 'page-style.hbs' });
const template = handlebars.template<PreferencePageView>('preferences.html.hbs');

type PreferenceKey = Extract<MessageKey, `preferences.${string}`>;
type PreferenceWord = PreferenceKey extends `preferences.${infer W}` ? W : never;
export type PreferenceText = Record<PreferenceWord, string>;
const WORDS = Object.keys(en).filter((key): key is PreferenceKey => key.startsWith('preferences.'));

/** The messages for a subscriber's pages: their own language, else the publication's, else English. */
export function preferenceMessages(config: Config, language: string | undefined): Messages {
  return messagesFor(language, config.publication.language);
}

/** The page's words, with the publication's name and the reader's address put in. */
export function preferenceText(m: Messages, values: { publication: string; email?: string }): PreferenceText {
  return Object.fromEntries(WORDS.map((key) => [key.slice('preferences.'.length), m.t(key, values)])) as PreferenceText;
}

export interface PreferencePageInput {
  token: string;
  email: string;
  language?: string;
  topics: { name: string; labels?: Record<string, string>; chosen: boolean }[];
  /** A line at the top: what the last action did, or why it did nothing. */
  saved?: keyof PreferenceText;
}

interface PreferencePageView {
  lang: string;
  dir: string;
  text: PreferenceText;
  saved?: string;
  token: string;
  topics: { name: string; label: string; chosen: boolean }[];
  siteName: string;
  homeUrl: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** The preference page; every value is escaped by the template, control characters dropped before. */
export function renderPreferencePage(config: Config, input: PreferencePageInput): string {
  const m = preferenceMessages(config, input.language);
  const { lang, dir } = m;
  const text = preferenceText(m, { publication: config.publication.name, email: input.email });
  return template({
    lang,
    dir,
    text,
    ...(input.saved && { saved: text[input.saved] }),
    token: input.token,
    topics: input.topics.map((topic) => ({
      name: topic.name,
      label: dropForbiddenChars(topic.labels?.[lang] ?? topic.name),
      chosen: topic.chosen,
    })),
    siteName: config.publication.name,
    homeUrl: urls.home(config),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}
