import Handlebars from 'handlebars';
import type { Config } from '../config.ts';
import { dropForbiddenChars } from '../render/escape.ts';
import { readTemplate } from '../render/templates.ts';
import { urls } from '../render/urls.ts';
import { PREFERENCE_TEXT } from './preference-text.ts';

const handlebars = Handlebars.create();
handlebars.registerPartial('pageStyle', readTemplate('page-style.hbs'));
const template = handlebars.compile<PreferencePageView>(readTemplate('preferences.html.hbs'), { strict: false });

export type PreferenceText = Record<keyof (typeof PREFERENCE_TEXT)['en'], string>;
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** The page's language: the subscriber's, else the publication's, by primary subtag; English when neither has words. */
export function preferenceLanguage(config: Config, language: string | undefined): { lang: keyof typeof PREFERENCE_TEXT; dir: 'ltr' | 'rtl' } {
  for (const candidate of [language, config.publication.language]) {
    const primary = candidate?.split('-')[0]?.toLowerCase();
    if (primary && primary in PREFERENCE_TEXT) {
      const lang = primary as keyof typeof PREFERENCE_TEXT;
      return { lang, dir: RTL.has(lang) ? 'rtl' : 'ltr' };
    }
  }
  return { lang: 'en', dir: 'ltr' };
}

/** The page's words in `lang`, with the publication's name and the reader's address put in. */
export function preferenceText(lang: keyof typeof PREFERENCE_TEXT, values: { name: string; email?: string }): PreferenceText {
  const fill = (message: string) => message.replace(/\{(name|email)\}/g, (_, key: 'name' | 'email') => values[key] ?? '');
  return Object.fromEntries(Object.entries(PREFERENCE_TEXT[lang]).map(([key, message]) => [key, fill(message)])) as PreferenceText;
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
  const { lang, dir } = preferenceLanguage(config, input.language);
  const text = preferenceText(lang, { name: config.publication.name, email: input.email });
  return template({
    lang,
    dir,
    text,
    ...(input.saved && { saved: text[input.saved] }),
    token: input.token,
    topics: input.topics.map((topic) => ({ name: topic.name, label: dropForbiddenChars(topic.labels?.[lang] ?? topic.name), chosen: topic.chosen })),
    siteName: config.publication.name,
    homeUrl: urls.home(config),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}
