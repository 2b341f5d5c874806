import { describe, expect, it } from 'vitest';
import { CATALOGUES, en, messagesFor, type PluralMessage } from '../../src/i18n/index.ts';

type Message = string | PluralMessage;

/** Messages that read the same in a language as in English: names, symbols and a few words borrowed as they are. */
const SAME_AS_ENGLISH: Record<string, readonly string[]> = {
  // "{publication}: {topic}" is punctuation around two names in every language that keeps the colon tight.
  de: ['listing.topic'],
  es: ['listing.topic'],
  ru: ['listing.topic'],
  uk: ['listing.topic'],
  ar: ['listing.topic'],
  fr: [],
};

const forms = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message));
const placeholders = (message: Message): string[] =>
  [...new Set(forms(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort();

const languages = Object.keys(CATALOGUES).filter((lang) => lang !== 'en') as (keyof typeof CATALOGUES)[];

describe('the message catalogues', () => {
  it('ship at least English, Arabic, Ukrainian, Russian, French, German and Spanish', () => {
    expect(Object.keys(CATALOGUES)).toEqual(expect.arrayContaining(['en', 'ar', 'uk', 'ru', 'fr', 'de', 'es']));
  });

  it.each(languages)('%s has exactly the English keys, each with the same placeholders, none empty', (lang) => {
    const catalogue: Record<string, Message> = CATALOGUES[lang];
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
    for (const [key, english] of Object.entries(en) as [string, Message][]) {
      const message = catalogue[key]!;
      expect(typeof message, key).toBe(typeof english);
      expect(placeholders(message), `${lang} ${key}`).toEqual(placeholders(english));
      for (const text of forms(message)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
      // Every placeholder of a plural message is in some form; each form only uses the English placeholders.
      for (const text of forms(message)) {
        for (const name of placeholders(text)) expect(placeholders(english), `${lang} ${key}`).toContain(name);
      }
    }
  });

  it.each(languages)('%s translates every message but names and symbols', (lang) => {
    const catalogue: Record<string, Message> = CATALOGUES[lang];
    const same = Object.keys(en).filter(
      (key) => JSON.stringify(catalogue[key]) === JSON.stringify(en[key as keyof typeof en]),
    );
    expect(same.sort()).toEqual([...(SAME_AS_ENGLISH[lang] ?? [])].sort());
  });

  it('gives a plural form for every category a count of days can fall in', () => {
    for (const lang of Object.keys(CATALOGUES) as (keyof typeof CATALOGUES)[]) {
      const rules = new Intl.PluralRules(lang);
      // Whole numbers up to 200 reach every category but the ones for fractions and millions (French "many").
      const categories = new Set(Array.from({ length: 201 }, (_, n) => rules.select(n)));
      for (const [key, message] of Object.entries(CATALOGUES[lang]) as [string, Message][]) {
        if (typeof message === 'string') continue;
        for (const category of categories) expect(Object.keys(message), `${lang} ${key}`).toContain(category);
      }
    }
  });
});

describe('messagesFor', () => {
  it('picks the catalogue by the primary language subtag and formats dates with the whole tag', () => {
    const m = messagesFor('de-AT', 'en');
    const day = new Date('2026-01-05T10:00:00Z');
    expect(m.lang).toBe('de');
    expect(m.t('listing.older')).toBe('Ältere');
    expect(m.date(day)).toBe(new Intl.DateTimeFormat('de-AT', { dateStyle: 'long', timeZone: 'UTC' }).format(day));
    expect(m.date(day)).toContain('Jänner');
  });

  it('falls back to the publication language, then to English', () => {
    expect(messagesFor('pt-BR', 'fr').lang).toBe('fr');
    expect(messagesFor('pt-BR', 'fr').t('listing.older')).toBe('Plus anciens');
    expect(messagesFor('xx-invalid-@@', 'pt').lang).toBe('en');
    expect(messagesFor(undefined, 'uk').lang).toBe('uk');
  });

  it('writes Arabic right to left and every other catalogue left to right', () => {
    expect(messagesFor('ar-EG', 'en').dir).toBe('rtl');
    for (const lang of ['en', 'uk', 'ru', 'fr', 'de', 'es']) expect(messagesFor(lang, 'en').dir).toBe('ltr');
  });

  it('chooses the plural form the language needs for a count', () => {
    const days = (lang: string, count: number) => messagesFor(lang, 'en').t('notice.badConfirmExpired', { count });
    expect(days('en', 1)).toBe('It has expired: confirmation links work for 1 day.');
    expect(days('en', 7)).toBe('It has expired: confirmation links work for 7 days.');
    expect(days('ru', 1)).toContain('1 день');
    expect(days('ru', 3)).toContain('3 дня');
    expect(days('ru', 7)).toContain('7 дней');
    expect(days('uk', 22)).toContain('22 дні');
    expect(days('ar', 2)).toContain('يومين');
    expect(days('ar', 7)).toContain(`${new Intl.NumberFormat('ar').format(7)} أيام`);
  });

  it('fills placeholders once, leaving braces in a value as they are, and escapes nothing', () => {
    const m = messagesFor('en', 'en');
    expect(m.t('listing.topic', { publication: '<b>A&B</b>', topic: '{publication}' })).toBe(
      '<b>A&B</b>: {publication}',
    );
  });
});
