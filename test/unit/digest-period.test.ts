// Digest periods as readers live them: a digest "of 7 December" covers the day up to the configured local hour, in
// the configured time zone, whatever the clocks do (src/pipeline/digest/period.ts).
import { describe, expect, it } from 'vitest';
import type { DigestCadence, DigestSettings } from '../../src/cadence.ts';
import {
  digestDispatchId,
  latestEndedPeriod,
  periodContaining,
  periodEndingOn,
  PeriodError,
} from '../../src/pipeline/digest/period.ts';

const settings = (timeZone: string, hour = 7): DigestSettings => ({
  cadences: ['each', 'daily', 'weekly'],
  hour,
  weekday: 'monday',
  timeZone,
  maxItems: 30,
});

const span = (cadence: DigestCadence, id: string, s: DigestSettings) => {
  const p = periodEndingOn(cadence, id, s);
  return { start: p.start.toISOString(), end: p.end.toISOString() };
};

const HOUR = 3_600_000;
const hours = (cadence: DigestCadence, id: string, s: DigestSettings) => {
  const p = periodEndingOn(cadence, id, s);
  return (p.end.getTime() - p.start.getTime()) / HOUR;
};

/** The ids of consecutive periods from `first`, one day (or week) apart. */
function ids(first: string, count: number, stepDays: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, n) =>
    new Date(start + n * stepDays * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Each period's end is the next one's start: no editorial falls between two digests, none is in two. */
function expectAbutting(cadence: DigestCadence, s: DigestSettings, first: string, count: number) {
  const periods = ids(first, count, cadence === 'daily' ? 1 : 7).map((id) => periodEndingOn(cadence, id, s));
  const gaps = periods
    .slice(1)
    .filter((p, n) => p.start.getTime() !== periods[n]!.end.getTime())
    .map((p) => p.id);
  expect(gaps).toEqual([]);
  expect(periods.every((p) => p.start < p.end)).toBe(true);
}

describe('daily and weekly periods in UTC', () => {
  const utc = settings('UTC');

  it('a daily digest of 7 December covers 6 December 07:00 to 7 December 07:00', () => {
    expect(span('daily', '2026-12-07', utc)).toEqual({
      start: '2026-12-06T07:00:00.000Z',
      end: '2026-12-07T07:00:00.000Z',
    });
    expect(digestDispatchId(periodEndingOn('daily', '2026-12-07', utc))).toBe('digest-daily-2026-12-07');
  });

  it('a weekly digest ending Monday 7 December covers the seven days before', () => {
    expect(span('weekly', '2026-12-07', utc)).toEqual({
      start: '2026-11-30T07:00:00.000Z',
      end: '2026-12-07T07:00:00.000Z',
    });
    expect(digestDispatchId(periodEndingOn('weekly', '2026-12-07', utc))).toBe('digest-weekly-2026-12-07');
  });

  it('consecutive periods abut over a year, across month and year ends', () => {
    expectAbutting('daily', utc, '2026-01-01', 400);
    expectAbutting('weekly', utc, '2026-01-05', 60);
  });
});

describe('Europe/London across its clock changes', () => {
  const london = settings('Europe/London');

  it('the day the clocks go forward is 23 hours, still ending at 07:00 on the wall clock (06:00 UTC)', () => {
    expect(span('daily', '2026-03-29', london)).toEqual({
      start: '2026-03-28T07:00:00.000Z',
      end: '2026-03-29T06:00:00.000Z',
    });
    expect(hours('daily', '2026-03-29', london)).toBe(23);
    expect(span('daily', '2026-03-30', london).start).toBe('2026-03-29T06:00:00.000Z');
  });

  it('the day the clocks go back is 25 hours, ending at 07:00 GMT', () => {
    expect(span('daily', '2026-10-25', london)).toEqual({
      start: '2026-10-24T06:00:00.000Z',
      end: '2026-10-25T07:00:00.000Z',
    });
    expect(hours('daily', '2026-10-25', london)).toBe(25);
    expect(hours('weekly', '2026-10-26', london)).toBe(7 * 24 + 1);
    expect(hours('weekly', '2026-03-30', london)).toBe(7 * 24 - 1);
  });

  it('a digest hour the spring-forward skips ends at the moment the clocks jump', () => {
    // 01:00 does not exist in London on 29 March 2026: 01:00 GMT is 02:00 BST.
    expect(span('daily', '2026-03-29', settings('Europe/London', 1)).end).toBe('2026-03-29T01:00:00.000Z');
  });

  it('consecutive periods abut through both changes, daily and weekly', () => {
    expectAbutting('daily', london, '2026-03-20', 230);
    expectAbutting('weekly', london, '2026-03-02', 40);
  });
});

describe('zones west and east of UTC', () => {
  it('America/New_York: 07:00 is 12:00 UTC in winter and 11:00 UTC in summer', () => {
    const ny = settings('America/New_York');
    expect(span('daily', '2026-01-15', ny)).toEqual({
      start: '2026-01-14T12:00:00.000Z',
      end: '2026-01-15T12:00:00.000Z',
    });
    expect(span('daily', '2026-03-08', ny)).toEqual({
      start: '2026-03-07T12:00:00.000Z',
      end: '2026-03-08T11:00:00.000Z',
    });
    expect(span('daily', '2026-11-01', ny).end).toBe('2026-11-01T12:00:00.000Z');
    expectAbutting('daily', ny, '2026-03-01', 260);
  });

  it('Asia/Kolkata (+05:30): 07:00 is 01:30 UTC, and a 02:00 digest ends on the UTC day before', () => {
    const kolkata = settings('Asia/Kolkata');
    expect(span('daily', '2026-12-07', kolkata)).toEqual({
      start: '2026-12-06T01:30:00.000Z',
      end: '2026-12-07T01:30:00.000Z',
    });
    expect(span('daily', '2026-12-07', settings('Asia/Kolkata', 2))).toEqual({
      start: '2026-12-05T20:30:00.000Z',
      end: '2026-12-06T20:30:00.000Z',
    });
    expectAbutting('weekly', kolkata, '2026-01-05', 53);
  });
});

describe('the newest period that has ended', () => {
  it('is yesterday’s just before the hour and today’s from the hour on', () => {
    const utc = settings('UTC');
    expect(latestEndedPeriod('daily', utc, new Date('2026-12-07T06:59:59.999Z')).id).toBe('2026-12-06');
    expect(latestEndedPeriod('daily', utc, new Date('2026-12-07T07:00:00.000Z')).id).toBe('2026-12-07');
  });

  it('follows the local date east of UTC, where the hour falls on the UTC day before', () => {
    const kolkata = settings('Asia/Kolkata', 2);
    expect(latestEndedPeriod('daily', kolkata, new Date('2026-12-06T20:29:59Z')).id).toBe('2026-12-06');
    expect(latestEndedPeriod('daily', kolkata, new Date('2026-12-06T20:30:00Z')).id).toBe('2026-12-07');
  });

  it('follows the summer time of London', () => {
    const london = settings('Europe/London');
    expect(latestEndedPeriod('daily', london, new Date('2026-06-10T05:59:00Z')).id).toBe('2026-06-09');
    expect(latestEndedPeriod('daily', london, new Date('2026-06-10T06:00:00Z')).id).toBe('2026-06-10');
  });

  it('for a weekly digest is the last configured weekday’s, until the next one’s hour', () => {
    const utc = settings('UTC');
    expect(latestEndedPeriod('weekly', utc, new Date('2026-12-07T06:59:00Z')).id).toBe('2026-11-30');
    expect(latestEndedPeriod('weekly', utc, new Date('2026-12-07T07:00:00Z')).id).toBe('2026-12-07');
    expect(latestEndedPeriod('weekly', utc, new Date('2026-12-13T23:00:00Z')).id).toBe('2026-12-07');
  });
});

describe('the period under way', () => {
  it('is the one after the newest that has ended, and holds the instant', () => {
    const utc = settings('UTC');
    for (const at of ['2026-12-07T07:00:00Z', '2026-12-07T18:00:00Z', '2026-12-08T06:59:59Z']) {
      const period = periodContaining('daily', utc, new Date(at));
      expect(period.id).toBe('2026-12-08');
      expect(period.start <= new Date(at) && new Date(at) < period.end).toBe(true);
    }
    expect(periodContaining('weekly', utc, new Date('2026-12-09T12:00:00Z')).id).toBe('2026-12-14');
  });

  it('holds the instant across the autumn change in London', () => {
    const london = settings('Europe/London');
    const at = new Date('2026-10-25T06:30:00Z');
    const period = periodContaining('daily', london, at);
    expect(period.id).toBe('2026-10-25');
    expect(period.start <= at && at < period.end).toBe(true);
  });
});

describe('a period the desk names wrongly', () => {
  const utc = settings('UTC');

  it('a weekly period on another weekday is refused, naming the weekday to use and the setting', () => {
    expect(() => periodEndingOn('weekly', '2026-12-08', utc)).toThrow(PeriodError);
    expect(() => periodEndingOn('weekly', '2026-12-08', utc)).toThrow(
      'period "2026-12-08" is a tuesday: weekly digests go out on mondays (subscription.digests.weekday)',
    );
  });

  it('a period that is not a date is refused, saying to give YYYY-MM-DD', () => {
    for (const id of ['2026-02-30', '7 December', '2026-12-7', '']) {
      expect(() => periodEndingOn('daily', id, utc)).toThrow(PeriodError);
      expect(() => periodEndingOn('weekly', id, utc)).toThrow(`period "${id}" is not a date: give it as YYYY-MM-DD`);
    }
  });
});
