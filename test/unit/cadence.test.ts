import { describe, expect, it } from 'vitest';
import {
  cadenceAt,
  cadenceChange,
  digestWindow,
  isCadence,
  isDigestCadence,
  isTimeZone,
  type CadenceFields,
} from '../../src/cadence.ts';

const at = (iso: string) => new Date(iso);
const day = { start: at('2026-06-01T07:00:00Z'), end: at('2026-06-02T07:00:00Z') };

describe('a reader’s cadence for an editorial', () => {
  it('is `each` for a record from before cadences, and for a value that is not a cadence', () => {
    expect(cadenceAt({}, at('2026-06-01T00:00:00Z'))).toBe('each');
    expect(cadenceAt({ cadence: 'hourly' as never }, at('2026-06-01T00:00:00Z'))).toBe('each');
    expect(isCadence('daily')).toBe(true);
    expect(isCadence('hourly')).toBe(false);
    expect(isDigestCadence('each')).toBe(false);
    expect(isDigestCadence('weekly')).toBe(true);
  });

  it('is the record’s cadence when it never changed, whenever the editorial became public', () => {
    expect(cadenceAt({ cadence: 'daily' }, at('2020-01-01T00:00:00Z'))).toBe('daily');
  });

  it('is the one before the change for an editorial public before it, the new one from the change on', () => {
    const fields: CadenceFields = {
      cadence: 'daily',
      previousCadence: 'weekly',
      cadenceChangedAt: '2026-06-01T12:00:00Z',
    };
    expect(cadenceAt(fields, at('2026-06-01T11:59:59Z'))).toBe('weekly');
    expect(cadenceAt(fields, at('2026-06-01T12:00:00Z'))).toBe('daily');
    expect(cadenceAt(fields, at('2026-06-02T00:00:00Z'))).toBe('daily');
  });

  it('takes `each` before a change whose earlier cadence is unknown, and ignores a change time that is not one', () => {
    expect(cadenceAt({ cadence: 'daily', cadenceChangedAt: '2026-06-01T12:00:00Z' }, at('2026-06-01T00:00:00Z'))).toBe(
      'each',
    );
    expect(cadenceAt({ cadence: 'weekly', cadenceChangedAt: 'soon' }, at('2026-06-01T00:00:00Z'))).toBe('weekly');
  });
});

describe('the part of a digest period that is the reader’s', () => {
  it('is the whole period for a reader on that cadence who never changed, none for another cadence', () => {
    expect(digestWindow({ cadence: 'daily' }, 'daily', day)).toEqual(day);
    expect(digestWindow({ cadence: 'weekly' }, 'daily', day)).toBeUndefined();
    expect(digestWindow({}, 'daily', day)).toBeUndefined();
    expect(digestWindow({ cadence: 'daily', cadenceChangedAt: 'not a time' }, 'daily', day)).toEqual(day);
  });

  it('follows the new cadence alone when the change came at or before the period’s start', () => {
    const before = { cadence: 'daily', previousCadence: 'weekly', cadenceChangedAt: '2026-06-01T07:00:00Z' } as const;
    expect(digestWindow(before, 'daily', day)).toEqual(day);
    expect(digestWindow(before, 'weekly', day)).toBeUndefined();
  });

  it('follows the cadence before the change alone when the change came at or after the period’s end', () => {
    const after = { cadence: 'each', previousCadence: 'daily', cadenceChangedAt: '2026-06-02T07:00:00Z' } as const;
    expect(digestWindow(after, 'daily', day)).toEqual(day);
    expect(digestWindow({ ...after, previousCadence: 'each', cadence: 'daily' }, 'daily', day)).toBeUndefined();
  });

  it('starts at a change to the cadence inside the period, and ends at a change away from it', () => {
    const changedAt = '2026-06-01T15:30:00Z';
    expect(
      digestWindow({ cadence: 'daily', previousCadence: 'each', cadenceChangedAt: changedAt }, 'daily', day),
    ).toEqual({ start: at(changedAt), end: day.end });
    expect(
      digestWindow({ cadence: 'each', previousCadence: 'daily', cadenceChangedAt: changedAt }, 'daily', day),
    ).toEqual({ start: day.start, end: at(changedAt) });
  });

  it('is whole when the cadence was the same on both sides of a change inside the period, none when neither', () => {
    const changedAt = '2026-06-01T15:30:00Z';
    expect(
      digestWindow({ cadence: 'daily', previousCadence: 'daily', cadenceChangedAt: changedAt }, 'daily', day),
    ).toEqual(day);
    expect(
      digestWindow({ cadence: 'weekly', previousCadence: 'each', cadenceChangedAt: changedAt }, 'daily', day),
    ).toBeUndefined();
  });

  it('is none for an empty period', () => {
    expect(digestWindow({ cadence: 'daily' }, 'daily', { start: day.start, end: day.start })).toBeUndefined();
  });
});

describe('a change of cadence', () => {
  const now = at('2026-06-03T09:00:00Z');

  it('records the new cadence, when, and the one before (`each` for a record from before cadences)', () => {
    expect(cadenceChange({}, 'weekly', now)).toEqual({
      cadence: 'weekly',
      cadenceChangedAt: '2026-06-03T09:00:00.000Z',
      previousCadence: 'each',
    });
    expect(cadenceChange({ cadence: 'weekly' }, 'each', now)).toEqual({
      cadence: 'each',
      cadenceChangedAt: '2026-06-03T09:00:00.000Z',
      previousCadence: 'weekly',
    });
  });

  it('writes nothing when the reader chooses the cadence they have', () => {
    expect(cadenceChange({}, 'each', now)).toBeUndefined();
    expect(cadenceChange({ cadence: 'daily', cadenceChangedAt: '2026-01-01T00:00:00Z' }, 'daily', now)).toBeUndefined();
  });

  it('leaves editorials public before it to the old cadence, and those after to the new', () => {
    const fields = { cadence: 'each', ...cadenceChange({ cadence: 'each' }, 'daily', now) } as CadenceFields;
    expect(cadenceAt(fields, at('2026-06-03T08:59:59Z'))).toBe('each');
    expect(cadenceAt(fields, now)).toBe('daily');
  });
});

describe('a digest time zone', () => {
  it('is an IANA name or UTC this runtime knows', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(3)).toBe(false);
  });
});
