import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileDateFormats, GENERATED_DATE_FORMATS, sweep } from '../../scripts/compile-date-formats.ts';
import { CATALOGUES, messagesFor } from '../../src/i18n/index.ts';

// Dates are written from tables of CLDR's patterns (no Intl.DateTimeFormat built on a render): a reader must see
// exactly what Intl would have written, in every catalogue language, at every hour.

const LANGUAGES = Object.keys(CATALOGUES);

describe('dates and numbers in the catalogue languages', () => {
  it('are written from a table that is current with this Node’s CLDR data', () => {
    expect(
      readFileSync(GENERATED_DATE_FORMATS, 'utf8'),
      'src/i18n/date-formats.generated.ts is stale (a catalogue or the CLDR data changed): run `npm run build:templates`',
    ).toBe(compileDateFormats());
  });

  it.each(LANGUAGES)('read in %s as Intl writes them, on every month, hour and a spread of days and years', (lang) => {
    const m = messagesFor(lang, 'en');
    const day = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    const dayAndTime = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    const numbers = new Intl.NumberFormat(lang, { useGrouping: false });
    const dates = sweep();
    expect(dates.map((d) => m.date(d))).toEqual(dates.map((d) => day.format(d)));
    expect(dates.map((d) => m.dateTime(d))).toEqual(dates.map((d) => `${dayAndTime.format(d)} UTC`));
    const counts = [0, 1, 2, 5, 11, 21, 1_234, 1_000_000];
    expect(counts.map((n) => m.t('digest.more', { count: n }))).toEqual(
      counts.map((n) => m.t('digest.more', { count: numbers.format(n) })),
    );
  });

  it('say the day as each language does', () => {
    const june5 = new Date(Date.UTC(2026, 5, 5, 17, 4));
    expect(messagesFor('en', 'en').date(june5)).toBe('June 5, 2026');
    expect(messagesFor('de', 'en').date(june5)).toBe('5. Juni 2026');
    expect(messagesFor('es', 'en').date(june5)).toBe('5 de junio de 2026');
    expect(messagesFor('ru', 'en').date(june5)).toBe('5 июня 2026 г.');
    expect(messagesFor('uk', 'en').date(june5)).toBe('5 червня 2026 р.');
    expect(messagesFor('ar', 'en').dateTime(june5)).toBe('5 يونيو 2026 في 5:04 م UTC');
    expect(messagesFor('fr', 'en').dateTime(june5)).toBe('5 juin 2026 à 17:04 UTC');
  });

  it('follow a region’s own conventions, and years the table was not checked on, through Intl', () => {
    const june5 = new Date(Date.UTC(2026, 5, 5));
    expect(messagesFor('en-GB', 'en').date(june5)).toBe('5 June 2026');
    expect(messagesFor('de-CH', 'en').t('digest.more', { count: 1.5 })).toContain('1.5');
    const ancient = new Date(Date.UTC(812, 0, 9));
    expect(messagesFor('en', 'en').date(ancient)).toBe(
      new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(ancient),
    );
  });
});
