/**
 * Dates written from a table of each catalogue language's CLDR patterns (src/i18n/date-formats.generated.ts, made by
 * `npm run build:templates` and checked there against Intl): the same text as `Intl.DateTimeFormat` with
 * `dateStyle: 'long'` (and `timeStyle: 'short'`) in UTC, without building one. The first formatter a process builds
 * sets up ICU's date data, which costs more than the rest of a cold render together.
 */

/** A literal, or a field of the date; `pad: 2` writes it with a leading zero below 10. */
export type Part = string | { field: string; pad?: 2 };

export interface DateTable {
  /** Month names as the long date writes them (in the genitive, for the languages that use it there). */
  months: readonly string[];
  hourCycle: 'h12' | 'h23';
  /** Before noon and after, for a 12-hour clock. */
  dayPeriods?: readonly [string, string];
  day: readonly Part[];
  dayAndTime: readonly Part[];
}

/** The date as `pattern` writes it, or undefined for a year the table was not checked on (before 1000, after 9999). */
export function formatWithTable(table: DateTable, pattern: readonly Part[], date: Date): string | undefined {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return undefined;
  let text = '';
  for (const part of pattern) {
    if (typeof part === 'string') text += part;
    else {
      const value = field(table, part.field, date);
      text += part.pad === 2 && value.length === 1 ? `0${value}` : value;
    }
  }
  return text;
}

function field(table: DateTable, name: string, date: Date): string {
  const hour = date.getUTCHours();
  switch (name) {
    case 'day':
      return String(date.getUTCDate());
    case 'month':
      return table.months[date.getUTCMonth()]!;
    case 'year':
      return String(date.getUTCFullYear());
    case 'hour':
      return String(table.hourCycle === 'h12' ? hour % 12 || 12 : hour);
    case 'minute':
      return String(date.getUTCMinutes());
    case 'dayPeriod':
      return table.dayPeriods?.[hour < 12 ? 0 : 1] ?? '';
    default:
      throw new Error(`a date table field ${name} has no value`);
  }
}
