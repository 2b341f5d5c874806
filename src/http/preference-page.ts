import type { Cadence } from '../cadence.ts';
import type { Config } from '../config.ts';
import { cadenceChoices, cadenceLabel, type CadenceChoice } from '../render/cadence-choices.ts';
import { dropForbiddenChars } from '../render/escape.ts';
import { precompiledTemplates } from '../render/templates-precompiled.ts';
import { urls } from '../render/urls.ts';
import { en, messagesFor, type MessageKey, type Messages } from '../i18n/index.ts';

const handlebars = precompiledTemplates({ pageStyle: 'page-style.hbs', cadenceChoices: 'cadence-choices.hbs' });
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
  /** The reader's cadence now (`each` for a record from before cadences). */
  cadence?: Cadence;
  /** A line at the top: what the last action did, or why it did nothing. */
  saved?: keyof PreferenceText | CadenceNotice;
}

/** What a cadence change did, or why it did nothing. */
export type CadenceNotice = 'cadence.saved' | 'cadence.refused' | 'cadence.notSubscribed';

/** The page's cadence section: what the reader gets now and, when more than one is offered, the choice. */
interface CadenceSection {
  heading: string;
  current: string;
  save: string;
  cadences: CadenceChoice[];
  cadenceLegend: string;
}

interface PreferencePageView {
  lang: string;
  dir: string;
  text: PreferenceText;
  saved?: string;
  token: string;
  topics: { name: string; label: string; chosen: boolean }[];
  cadence?: CadenceSection;
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
  const section = cadenceSection(config, m, input.cadence ?? 'each');
  const saved =
    input.saved === undefined
      ? undefined
      : input.saved.startsWith('cadence.')
        ? m.t(input.saved as CadenceNotice, { publication: config.publication.name })
        : text[input.saved as keyof PreferenceText];
  return template({
    lang,
    dir,
    text,
    ...(saved !== undefined && { saved }),
    token: input.token,
    topics: input.topics.map((topic) => ({
      name: topic.name,
      label: dropForbiddenChars(topic.labels?.[lang] ?? topic.name),
      chosen: topic.chosen,
    })),
    ...(section && { cadence: section }),
    siteName: config.publication.name,
    homeUrl: urls.home(config),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

/** None when the publication offers only `each` and the reader has it: there is nothing to show or to choose. */
function cadenceSection(config: Config, m: Messages, current: Cadence): CadenceSection | undefined {
  const cadences = cadenceChoices(config, m, current);
  if (cadences.length === 0 && current === 'each') return undefined;
  return {
    heading: m.t('cadence.heading'),
    current: m.t('cadence.current', { cadence: cadenceLabel(m, current) }),
    save: m.t('cadence.save'),
    cadences,
    cadenceLegend: m.t('cadence.legend'),
  };
}
