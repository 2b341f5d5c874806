import type { Item, ItemKey, KeyValueTable, Page, QueryOptions, UpdateSpec } from '../../src/ports.ts';

/**
 * The KeyValueTable port in memory, for unit tests of the dispatch stage. It keeps the port's promises as
 * DynamoDB does (test/integration/key-value-table.contract.test.ts runs the same checks against both): items are copies
 * (a caller's later change to an object never reaches the table), conditional writes are atomic, a scan's order
 * is stable and resumable after any key.
 */
export class MemoryTable implements KeyValueTable {
  readonly items = new Map<string, Item>();

  constructor(readonly keys: { partitionKey: string; sortKey?: string } = { partitionKey: 'pk', sortKey: 'sk' }) {}

  id(key: ItemKey | Item): string {
    const { partitionKey, sortKey } = this.keys;
    return JSON.stringify(sortKey ? [key[partitionKey], key[sortKey]] : [key[partitionKey]]);
  }

  async get(key: ItemKey) {
    const item = this.items.get(this.id(key));
    return item && structuredClone(item);
  }

  async putIfAbsent(item: Item) {
    const id = this.id(item);
    if (this.items.has(id)) return false;
    this.items.set(id, structuredClone(item));
    return true;
  }

  async put(item: Item) {
    this.items.set(this.id(item), structuredClone(item));
  }

  async getMany(keys: ItemKey[]) {
    const ids = [...new Set(keys.map((key) => this.id(key)))];
    return ids.flatMap((id) => (this.items.has(id) ? [structuredClone(this.items.get(id)!)] : []));
  }

  async putMany(items: Item[]) {
    for (const item of items) await this.put(item);
  }

  async update(key: ItemKey, changes: UpdateSpec) {
    const item = this.items.get(this.id(key));
    if (!item) return undefined;
    for (const [name, value] of Object.entries(changes.expected ?? {})) {
      if (value === undefined ? name in item : JSON.stringify(item[name]) !== JSON.stringify(value)) return undefined;
    }
    Object.assign(item, structuredClone(changes.set ?? {}));
    for (const [name, n] of Object.entries(changes.increment ?? {})) item[name] = Number(item[name] ?? 0) + n;
    for (const name of changes.remove ?? []) delete item[name];
    return structuredClone(item);
  }

  async delete(key: ItemKey) {
    this.items.delete(this.id(key));
  }

  async query(partition: string | number, options: QueryOptions = {}): Promise<Page> {
    const { partitionKey, sortKey } = this.keys;
    const matching = [...this.items.values()]
      .filter((item) => item[partitionKey] === partition)
      .filter((item) => !options.sortKeyPrefix || String(item[sortKey!] ?? '').startsWith(options.sortKeyPrefix))
      .sort((a, b) => compare(a[sortKey!], b[sortKey!]) * (options.newestFirst ? -1 : 1));
    return this.page(matching, options.limit, options.cursor);
  }

  async scan(
    options: { limit?: number; cursor?: string; startAfter?: ItemKey; segment?: number; totalSegments?: number } = {},
  ): Promise<Page> {
    const total = options.totalSegments ?? 1;
    const all = [...this.items.values()]
      .filter((item) => total === 1 || hash(this.id(item)) % total === (options.segment ?? 0))
      .sort((a, b) => compare(this.id(a), this.id(b)));
    const after = options.startAfter ? this.id(options.startAfter) : undefined;
    return this.page(
      after === undefined ? all : all.filter((item) => this.id(item) > after),
      options.limit,
      options.cursor,
    );
  }

  private page(items: Item[], limit = Infinity, cursor?: string): Page {
    // Right after the cursor's item; if that item is gone, after where it stood.
    const at = cursor ? items.findIndex((item) => this.id(item) === cursor) : -1;
    const from = !cursor ? 0 : at >= 0 ? at + 1 : items.findIndex((item) => this.id(item) > cursor);
    const rest = from < 0 ? [] : items.slice(from);
    const taken = rest.slice(0, limit);
    const more = rest.length > taken.length;
    return { items: taken.map((item) => structuredClone(item)), ...(more && { cursor: this.id(taken.at(-1)!) }) };
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A subscribers table holding these readers, confirmed: what a worker reads a shard's addresses from. */
export function confirmedReaders(readers: readonly { id: string; email: string }[]): MemoryTable {
  const table = new MemoryTable({ partitionKey: 'id' });
  for (const reader of readers)
    table.items.set(table.id(reader), { id: reader.id, email: reader.email, status: 'confirmed', topics: [] });
  return table;
}
