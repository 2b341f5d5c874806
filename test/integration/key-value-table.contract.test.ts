// One contract for the KeyValueTable port, run against DynamoDB local (dynalite, through the adapter Lambda uses)
// and against the in-memory table the unit tests use: what a unit test proves with one holds for the other.
import { describe, expect, it } from 'vitest';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import type { Item, KeyValueTable } from '../../src/ports.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { MemoryTable } from '../helpers/memory-table.ts';

let tables = 0;
const TABLES = Array.from({ length: 12 }, (_, n) => `contract-${n}`);
const emulators = useEmulators({
  tables: TABLES.map((tableName) => ({ tableName, partitionKey: 'pk', sortKey: 'sk' })),
});

const implementations: [string, () => KeyValueTable][] = [
  [
    'DynamoDB local',
    () => new DynamoTable(emulators.dynamo, { tableName: TABLES[tables++]!, partitionKey: 'pk', sortKey: 'sk' }),
  ],
  ['in memory', () => new MemoryTable()],
];

const sortKeys = (items: Item[]) => items.map((i) => `${i.pk}/${i.sk}`).sort();

async function scanAll(
  table: KeyValueTable,
  options: { limit?: number; segment?: number; totalSegments?: number } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await table.scan({ ...options, ...(cursor !== undefined && { cursor }) });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return items;
}

describe.each(implementations)('KeyValueTable: %s', (_, make) => {
  it('reads back what was written, as a copy, and nothing for a missing key', async () => {
    const table = make();
    const item = { pk: 'a', sk: '1', topics: ['x'], n: 3, nested: { ok: true } };
    await table.put(item);
    item.topics.push('changed after the write');
    expect(await table.get({ pk: 'a', sk: '1' })).toEqual({
      pk: 'a',
      sk: '1',
      topics: ['x'],
      n: 3,
      nested: { ok: true },
    });
    expect(await table.get({ pk: 'a', sk: '2' })).toBeUndefined();
    await table.put({ pk: 'a', sk: '1', replaced: true });
    expect(await table.get({ pk: 'a', sk: '1' })).toEqual({ pk: 'a', sk: '1', replaced: true });
  });

  it('writes an item only once with putIfAbsent, also when many try at the same moment', async () => {
    const table = make();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => table.putIfAbsent({ pk: 'race', sk: 'one', writer: n })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await table.get({ pk: 'race', sk: 'one' })).toEqual({ pk: 'race', sk: 'one', writer: winner });
  });

  it('updates only an existing item whose expected attributes hold, and says so', async () => {
    const table = make();
    expect(await table.update({ pk: 'u', sk: 'missing' }, { set: { x: 1 } })).toBeUndefined();
    expect(await table.get({ pk: 'u', sk: 'missing' })).toBeUndefined();
    await table.put({ pk: 'u', sk: '1', status: 'sending', claimId: 'c1', count: 1, drop: 'me' });
    expect(
      await table.update({ pk: 'u', sk: '1' }, { set: { status: 'done' }, expected: { claimId: 'other' } }),
    ).toBeUndefined();
    expect(
      await table.update({ pk: 'u', sk: '1' }, { set: { status: 'done' }, expected: { gone: 'x' } }),
    ).toBeUndefined();
    const after = await table.update(
      { pk: 'u', sk: '1' },
      {
        set: { status: 'done' },
        increment: { count: 2 },
        remove: ['drop'],
        expected: { claimId: 'c1', absent: undefined },
      },
    );
    expect(after).toEqual({ pk: 'u', sk: '1', status: 'done', claimId: 'c1', count: 3 });
    expect(await table.get({ pk: 'u', sk: '1' })).toEqual(after);
  });

  it('reads and writes many at once past the per-request limits, and deletes', async () => {
    const table = make();
    const items = Array.from({ length: 130 }, (_, n) => ({ pk: 'many', sk: String(n).padStart(3, '0'), n }));
    await table.putMany(items);
    const keys = items.map(({ pk, sk }) => ({ pk, sk }));
    const found = await table.getMany([...keys, { pk: 'many', sk: 'absent' }]);
    expect(sortKeys(found)).toEqual(sortKeys(items));
    await table.delete({ pk: 'many', sk: '000' });
    expect(await table.get({ pk: 'many', sk: '000' })).toBeUndefined();
    expect(await table.getMany([{ pk: 'many', sk: '000' }])).toEqual([]);
  });

  it('queries one partition in sort key order, by prefix, a page at a time', async () => {
    const table = make();
    await table.putMany([
      ...['003', '001', '002', 'x-1', 'x-2'].map((sk) => ({ pk: 'q', sk })),
      { pk: 'other', sk: '001' },
    ]);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await table.query('q', { limit: 2, ...(cursor !== undefined && { cursor }) });
      pages.push(page.items.map((i) => String(i.sk)));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(pages.flat()).toEqual(['001', '002', '003', 'x-1', 'x-2']);
    expect(pages[0]).toEqual(['001', '002']);
    expect((await table.query('q', { sortKeyPrefix: 'x-' })).items.map((i) => i.sk)).toEqual(['x-1', 'x-2']);
    const newest: string[] = [];
    cursor = undefined;
    do {
      const page = await table.query('q', { limit: 2, newestFirst: true, ...(cursor !== undefined && { cursor }) });
      newest.push(...page.items.map((i) => String(i.sk)));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(newest).toEqual(['x-2', 'x-1', '003', '002', '001']);
  });

  it('scans every item once, in pages and in segments, and resumes after any key, even a deleted one', async () => {
    const table = make();
    const items = Array.from({ length: 40 }, (_, n) => ({ pk: `s${n % 7}`, sk: String(n) }));
    await table.putMany(items);
    const all = await scanAll(table, { limit: 6 });
    expect(sortKeys(all)).toEqual(sortKeys(items));
    const segments = await Promise.all(
      [0, 1, 2].map((segment) => scanAll(table, { segment, totalSegments: 3, limit: 5 })),
    );
    expect(sortKeys(segments.flat())).toEqual(sortKeys(items));

    const order = all.map((i) => `${i.pk}/${i.sk}`);
    const pivot = all[17]!;
    const resumed = await table.scan({ startAfter: { pk: pivot.pk as string, sk: pivot.sk as string } });
    expect(resumed.items.map((i) => `${i.pk}/${i.sk}`)).toEqual(order.slice(18));
    await table.delete({ pk: pivot.pk as string, sk: pivot.sk as string });
    const afterDeleted = await table.scan({ startAfter: { pk: pivot.pk as string, sk: pivot.sk as string } });
    expect(afterDeleted.items.map((i) => `${i.pk}/${i.sk}`)).toEqual(order.slice(18));
  });
});
