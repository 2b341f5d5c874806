import { CATALOGUES, isLanguage, type Language } from './catalogues.ts';
import { formatWithTable } from './date-format.ts';
import { DATE_TABLES } from './date-formats.generated.ts';
import type { MessageKey, MessageParams, PluralMessage } from './types.ts';

/** Everything a renderer needs to write its fixed text in one language. */
export interface Messages {
  /** The catalogue's language: the `lang` of the text `t` gives. */
  readonly lang: Language;
  /** The tag Intl formats with: the asked-for tag (`de-AT`) when its language is the catalogue's, else `lang`. */
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  /** The message with its `{name}` placeholders filled in (unknown ones left as they are); not escaped. */
  t(key: MessageKey, params?: MessageParams): string;
  /** A day, as the language writes it ("5 June 2026", "٥ يونيو ٢٠٢٦"), in UTC. */
  date(date: Date): string;
  /** A day and a time of day, in UTC, said so. */
  dateTime(date: Date): string;
  number(value: number): string;
}

// Right-to-left languages among those with a catalogue or likely to get one.
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** Built messages by the tags asked for; bounded, since a form's `lang` field is whatever a client sends. */
const cache = new Map<string, Messages>();
const CACHE_LIMIT = 64;

/**
 * The messages for text about something in `lang` (an editorial's language, a form's `lang` field): its primary
 * language subtag picks the catalogue (`de-AT` is `de`); a language without one falls back to `fallback` (the
 * publication's language), then to English.
 */
export function messagesFor(lang: string | undefined, fallback: string): Messages {
  const cacheKey = `${lang ?? ''}\u0000${fallback}`;
  let messages = cache.get(cacheKey);
  if (!messages) {
    const asked = [lang, fallback].map((tag) => canonical(tag)).find((tag) => tag && isLanguage(primary(tag)));
    messages = asked ? messagesIn(primary(asked) as Language, asked) : messagesIn('en', 'en');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, messages);
  }
  return messages;
}

/** The value `make` gives, made on the first call and kept. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

function messagesIn(lang: Language, locale: string): Messages {
  const catalogue = CATALOGUES[lang];
  // Each formatter is built on its first use: building one costs far more than using it, and most renders need
  // one or two of the four (a page without a correction never writes a time, a message without a count no plural).
  const plurals = once(() => new Intl.PluralRules(locale));
  const numbers = once(() => new Intl.NumberFormat(locale, { useGrouping: false }));
  const day = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
  const dayAndTime = once(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
  );
  // Digits are the Latin ones in every catalogue language (the date tables are generated only for those), so a whole
  // number is its own decimal string when the locale is the catalogue's own tag; a region (`de-AT`) or a fraction
  // goes through Intl.
  const table = locale === lang ? DATE_TABLES[lang] : undefined;
  const number = (value: number) =>
    table && Number.isSafeInteger(value) && value >= 0 ? String(value) : numbers().format(value);
  return {
    lang,
    locale,
    dir: RTL.has(lang) ? 'rtl' : 'ltr',
    t(key, params = {}) {
      const message: string | PluralMessage = catalogue[key];
      const text = typeof message === 'string' ? message : pluralForm(message, plurals(), params.count);
      return fill(text, params, number);
    },
    date: (date) => (table && formatWithTable(table, table.day, date)) ?? day().format(date),
    dateTime: (date) => `${(table && formatWithTable(table, table.dayAndTime, date)) ?? dayAndTime().format(date)} UTC`,
    number,
  };
}

function pluralForm(message: PluralMessage, plurals: Intl.PluralRules, count: MessageParams[string]): string {
  const n = typeof count === 'number' ? count : Number(count);
  return (Number.isFinite(n) ? message[plurals.select(n)] : undefined) ?? message.other;
}

/** Each `{name}` replaced by its value in one pass, so a value's own braces stay as they are. */
function fill(text: string, params: MessageParams, number: (n: number) => string): string {
  // Most messages have no placeholder: one native scan spares the replace and its callback.
  if (!text.includes('{')) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : typeof value === 'number' ? number(value) : value;
  });
}

function primary(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

function canonical(tag: string | undefined): string | undefined {
  if (!tag?.trim()) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.trim())[0];
  } catch {
    return undefined;
  }
}
