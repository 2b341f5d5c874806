import type { Item, KeyValueTable } from '../../ports.ts';

/** The items of one ledger partition, a page at a time in sort key order: each page is one query. */
export async function* partitionPages(table: KeyValueTable, partition: string): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  do {
    const page = await table.query(partition, cursor === undefined ? {} : { cursor });
    yield page.items;
    cursor = page.cursor;
  } while (cursor !== undefined);
}
