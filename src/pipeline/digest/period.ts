import { WEEKDAYS, type DigestCadence, type DigestSettings } from '../../cadence.ts';
import { BroadsheetError } from '../../errors.ts';

/**
 * A digest period, named by the local date on which it ends (`YYYY-MM-DD`): the daily digest of 7 December covers the
 * editorials that became public from 6 December at the configured hour to 7 December at that hour, in the configured
 * time zone, and goes out when it ends. A weekly period ends on the configured weekday and covers the seven days before.
 */
export interface DigestPeriod {
  cadence: DigestCadence;
  id: string;
  start: Date;
  end: Date;
}

export class PeriodError extends BroadsheetError {
  override name = 'PeriodError';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The digest's dispatch id: `digest-<cadence>-<period>`, unique per cadence and period. */
export function digestDispatchId(period: Pick<DigestPeriod, 'cadence' | 'id'>): string {
  return `digest-${period.cadence}-${period.id}`;
}

/** The period of `cadence` that ends on the local date `id`; a PeriodError names what is wrong with `id`. */
export function periodEndingOn(cadence: DigestCadence, id: string, settings: DigestSettings): DigestPeriod {
  const match = DATE.exec(id);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const day = Date.UTC(y, m - 1, d);
  if (!match || new Date(day).toISOString().slice(0, 10) !== id)
    throw new PeriodError(`period "${id}" is not a date: give it as YYYY-MM-DD (the local date the digest goes out)`);
  if (cadence === 'weekly') {
    const weekday = WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7];
    if (weekday !== settings.weekday)
      throw new PeriodError(
        `period "${id}" is a ${weekday}: weekly digests go out on ${settings.weekday}s (subscription.digests.weekday)`,
      );
  }
  const end = localTime(day, settings.hour, settings.timeZone);
  const startDay = day - (cadence === 'daily' ? 1 : 7) * DAY_MS;
  return { cadence, id, start: localTime(startDay, settings.hour, settings.timeZone), end };
}

/** The newest period of `cadence` that has ended at `now`. */
export function latestEndedPeriod(cadence: DigestCadence, settings: DigestSettings, now: Date): DigestPeriod {
  let day = Date.UTC(...localDate(now, settings.timeZone));
  for (let i = 0; i < 9; i++, day -= DAY_MS) {
    const id = new Date(day).toISOString().slice(0, 10);
    const weekday = WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7];
    if (cadence === 'weekly' && weekday !== settings.weekday) continue;
    const period = periodEndingOn(cadence, id, settings);
    if (period.end.getTime() <= now.getTime()) return period;
  }
  throw new PeriodError(`no ${cadence} period ended in the nine days before ${now.toISOString()}`);
}

/**
 * How long after its end a period's digest waits: an editorial that became public just before the end is still being
 * published (its public log written) for a few seconds, and must be in this period's digest, not lost between two.
 */
export const SETTLE_MS = 2 * 60_000;

export function isSettled(period: DigestPeriod, now: Date): boolean {
  return period.end.getTime() + SETTLE_MS <= now.getTime();
}

/** The newest period of `cadence` whose digest may go out at `now` (ended, and settled). */
export function latestSettledPeriod(cadence: DigestCadence, settings: DigestSettings, now: Date): DigestPeriod {
  return latestEndedPeriod(cadence, settings, new Date(now.getTime() - SETTLE_MS));
}

/** The period of `cadence` under way at `at`: the one after the newest that has ended. */
export function periodContaining(cadence: DigestCadence, settings: DigestSettings, at: Date): DigestPeriod {
  const ended = latestEndedPeriod(cadence, settings, at);
  const next = Date.parse(`${ended.id}T00:00:00Z`) + (cadence === 'daily' ? 1 : 7) * DAY_MS;
  return periodEndingOn(cadence, new Date(next).toISOString().slice(0, 10), settings);
}

/** The local calendar date of an instant in `zone`, as [year, month index, day]. */
function localDate(at: Date, zone: string): [number, number, number] {
  const parts = partsIn(at, zone);
  return [parts.year, parts.month - 1, parts.day];
}

/**
 * The instant at which the wall clock in `zone` shows `hour`:00 on the UTC-midnight-encoded date `day`. Where that
 * hour does not exist (a spring-forward gap) it is the instant the clocks jump to.
 */
function localTime(day: number, hour: number, zone: string): Date {
  const wall = day + hour * 3_600_000;
  // The zone's offset at the guess, then at the corrected guess: two steps settle every real offset change.
  let guess = wall - offsetAt(new Date(wall), zone);
  guess = wall - offsetAt(new Date(guess), zone);
  return new Date(guess);
}

/** How far the wall clock in `zone` is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: Date, zone: string): number {
  const p = partsIn(at, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function partsIn(at: Date, zone: string) {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  const value: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') value[part.type] = Number(part.value);
  return value as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}
