// The `cadence` column of the subscribers CSV: written by export, read by import (blank keeps the reader's), and a
// cadence the publication does not offer rejects its row with the reason.
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { CSV_COLUMNS, exportSubscribers, importSubscribers } from '../../src/subscribers/import-export.ts';
import { subscriberDepsInMemory } from '../helpers/subscriber-deps-memory.ts';

const SECRET = 'cadence-csv-secret-0123456789-abcdefghijkl';
const NOW = new Date('2026-07-01T10:00:00Z');
const LATER = new Date('2026-07-05T10:00:00Z');

function world() {
  let now = NOW;
  const memory = subscriberDepsInMemory(SECRET, () => now);
  return { ...memory, at: (time: Date) => void (now = time) };
}

const rows = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(','));

describe('the subscribers CSV’s cadence column', () => {
  it('comes right after topics', () => {
    expect(CSV_COLUMNS.indexOf('cadence')).toBe(CSV_COLUMNS.indexOf('topics') + 1);
  });

  it('imports each row’s cadence and exports it; the export imports into an empty table as itself', async () => {
    const { deps, store } = world();
    const csv = [
      'email,cadence,consent_at',
      'each@example.org,each,2026-06-01',
      'daily@example.org,Daily,2026-06-01',
      'weekly@example.org, weekly ,2026-06-01',
      'blank@example.org,,2026-06-01',
    ].join('\n');
    const report = await importSubscribers(deps, csv, { sourceName: 'crm.csv' });
    expect(report.rejected).toEqual([]);
    expect(report.outcomes.created).toBe(4);
    expect((await store.getByAddress('daily@example.org'))?.cadence).toBe('daily');
    expect((await store.getByAddress('weekly@example.org'))?.cadence).toBe('weekly');
    expect((await store.getByAddress('blank@example.org'))?.cadence).toBeUndefined();

    const exported = await exportSubscribers(deps);
    const table = rows(exported.csv);
    expect(table[0]).toEqual([...CSV_COLUMNS]);
    const cadenceOf = (address: string) => table.find((r) => r[0] === address)?.[CSV_COLUMNS.indexOf('cadence')];
    expect(cadenceOf('each@example.org')).toBe('each');
    expect(cadenceOf('daily@example.org')).toBe('daily');
    expect(cadenceOf('weekly@example.org')).toBe('weekly');
    expect(cadenceOf('blank@example.org')).toBe('each');

    const copy = world();
    const again = await importSubscribers(copy.deps, exported.csv, { sourceName: 'export.csv' });
    expect(again.rejected).toEqual([]);
    expect((await exportSubscribers(copy.deps)).csv).toBe(exported.csv);
    // And importing the export again changes nothing.
    const twice = await importSubscribers(copy.deps, exported.csv, { sourceName: 'export.csv' });
    expect(twice.outcomes.unchanged).toBe(4);
  });

  it('keeps a known reader’s cadence on a blank cell and records a new one as a change from then on', async () => {
    const { deps, store, at } = world();
    await importSubscribers(deps, 'email,cadence,consent_at\nknown@example.org,weekly,2026-06-01\n', {
      sourceName: 'first.csv',
    });
    at(LATER);
    const kept = await importSubscribers(deps, 'email,cadence,consent_at\nknown@example.org,,2026-06-01\n', {
      sourceName: 'second.csv',
    });
    expect(kept.outcomes.unchanged).toBe(1);
    expect((await store.getByAddress('known@example.org'))?.cadence).toBe('weekly');
    await importSubscribers(deps, 'email,cadence,consent_at\nknown@example.org,daily,2026-06-01\n', {
      sourceName: 'third.csv',
    });
    expect(await store.getByAddress('known@example.org')).toMatchObject({
      cadence: 'daily',
      previousCadence: 'weekly',
      cadenceChangedAt: LATER.toISOString(),
    });
  });

  it('rejects a row whose cadence is not offered, naming the ones that are, and imports the rest', async () => {
    const { deps, store } = world();
    deps.config = configFrom({ subscription: { digests: { cadences: ['each', 'weekly'] } } }, 'test');
    const csv =
      'email,cadence,consent_at\nfine@example.org,weekly,2026-06-01\nnope@example.org,daily,2026-06-01\n' +
      'odd@example.org,hourly,2026-06-01\n';
    const report = await importSubscribers(deps, csv, { sourceName: 'crm.csv' });
    expect(report.outcomes.created).toBe(1);
    expect(report.rejected.map(({ row, reason }) => ({ row, reason }))).toEqual([
      { row: 3, reason: 'cadence "daily" is not offered (use each, weekly)' },
      { row: 4, reason: 'cadence "hourly" is not offered (use each, weekly)' },
    ]);
    expect(await store.getByAddress('nope@example.org')).toBeUndefined();
    expect((await store.getByAddress('fine@example.org'))?.cadence).toBe('weekly');
  });
});
