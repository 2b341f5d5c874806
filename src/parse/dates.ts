const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?)?$/;

export const DATE_FORMAT_HINT = 'use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-07-13T06:00:00Z';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An ISO 8601 calendar date, with an optional time and offset (UTC when none is given). Undefined when the
 * text is not one or names a day that does not exist (2026-13-45, 2026-02-30).
 */
export function parseDateText(text: string): Date | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return new Date(utc);
}

export type FileNameDate = { kind: 'none' } | { kind: 'valid'; date: Date } | { kind: 'invalid'; text: string };

/** The date a file name starts with ("2026-06-04-harbour-talks.txt" is 2026-06-04T00:00:00Z). */
export function fileNameDate(name: string): FileNameDate {
  const m = /^(\d{4}-\d{2}-\d{2})(?!\d)/.exec(name);
  if (!m) return { kind: 'none' };
  const date = parseDateText(m[1]!);
  return date ? { kind: 'valid', date } : { kind: 'invalid', text: m[1]! };
}

export function isValidDate(date: Date | undefined): date is Date {
  return date instanceof Date && !Number.isNaN(date.getTime());
}
