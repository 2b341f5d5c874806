import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item, ItemKey, KeyValueTable, Page, QueryOptions, UpdateSpec } from '../ports.ts';
import { AGAIN, retry, RetriesExhaustedError, type BackoffPolicy } from '../retry.ts';
import { systemClock } from './clock.ts';

export interface TableKeys {
  tableName: string;
  partitionKey: string;
  sortKey?: string;
}

/** The DynamoDB client the tables of one function share. */
export function createDynamoClient(config: DynamoDBClientConfig): DynamoDBClient {
  return new DynamoDBClient(config);
}

type Attributes = Record<string, AttributeValue>;

/** An item or key as DynamoDB types it; an attribute whose value is undefined is left out rather than refused. */
const typed = (item: Item): Attributes => marshall(item, { removeUndefinedValues: true });
const plain = (attributes: Attributes): Item => unmarshall(attributes) as Item;

/**
 * KeyValueTable over one DynamoDB table: items in and out as plain values, typed for DynamoDB here (the SDK's
 * util-dynamodb, as its document client does). Single-item conditional writes only: no TransactWriteItems, which
 * dynalite does not serve.
 */
export class DynamoTable implements KeyValueTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly keys: TableKeys,
  ) {}

  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.keys.tableName, Key: this.typedKey(key), ConsistentRead: true }),
    );
    return out.Item && plain(out.Item);
  }

  async getMany(keys: ItemKey[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Attributes[] = keys.slice(i, i + BATCH_GET_LIMIT).map((key) => this.typedKey(key));
      await this.untilProcessed(async () => {
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.keys.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.keys.tableName] ?? []) found.push(plain(item));
        pending = out.UnprocessedKeys?.[this.keys.tableName]?.Keys ?? [];
        return pending.length > 0 ? AGAIN : undefined;
      });
    }
    return found;
  }

  async putMany(items: Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] = items
        .slice(i, i + BATCH_WRITE_LIMIT)
        .map((item) => ({ PutRequest: { Item: typed(item) } }));
      await this.untilProcessed(async () => {
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.keys.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.keys.tableName] ?? [];
        return pending.length > 0 ? AGAIN : undefined;
      });
    }
  }

  /** Unprocessed keys or items mean the table is throttling: ask again for what is left, after a jittered wait. A
   * failed call is not retried here: that is the policy of the caller's retry(), or of the event's redelivery
   * (the SDK makes one attempt: src/adapters/aws-clients.ts). */
  private untilProcessed(attempt: () => Promise<typeof AGAIN | undefined>): Promise<undefined> {
    return retry(systemClock, UNPROCESSED_POLICY, attempt, {
      retryable: () => false,
      exhausted: (attempts) =>
        Object.assign(
          new RetriesExhaustedError(`${this.keys.tableName}: batch still unprocessed after ${attempts} attempts`),
          {
            name: 'ProvisionedThroughputExceededException',
          },
        ),
    });
  }

  async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.keys.tableName,
          Item: typed(item),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': this.keys.partitionKey },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async put(item: Item): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.keys.tableName, Item: typed(item) }));
  }

  async update(key: ItemKey, changes: UpdateSpec): Promise<Item | undefined> {
    const names: Record<string, string> = { '#pk': this.keys.partitionKey };
    const values: Record<string, unknown> = {};
    const name = (attribute: string) => {
      const placeholder = `#a${Object.keys(names).length}`;
      names[placeholder] = attribute;
      return placeholder;
    };
    const value = (v: unknown) => {
      const placeholder = `:v${Object.keys(values).length}`;
      values[placeholder] = v;
      return placeholder;
    };

    const sets = Object.entries(changes.set ?? {}).map(([a, v]) => `${name(a)} = ${value(v)}`);
    const adds = Object.entries(changes.increment ?? {}).map(([a, n]) => `${name(a)} ${value(n)}`);
    const removes = (changes.remove ?? []).map(name);
    const clauses = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ].filter(Boolean);
    if (clauses.length === 0) throw new Error('update: nothing to change');

    const conditions = ['attribute_exists(#pk)'];
    for (const [a, expected] of Object.entries(changes.expected ?? {})) {
      conditions.push(expected === undefined ? `attribute_not_exists(${name(a)})` : `${name(a)} = ${value(expected)}`);
    }

    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.keys.tableName,
          Key: this.typedKey(key),
          UpdateExpression: clauses.join(' '),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: typed(values) }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes && plain(out.Attributes);
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async delete(key: ItemKey): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.keys.tableName, Key: this.typedKey(key) }));
  }

  async query(partition: string | number, options: QueryOptions = {}): Promise<Page> {
    const names: Record<string, string> = { '#pk': this.keys.partitionKey };
    const values: Record<string, unknown> = { ':pk': partition };
    let condition = '#pk = :pk';
    if (options.sortKeyPrefix !== undefined) {
      if (!this.keys.sortKey) throw new Error(`${this.keys.tableName} has no sort key`);
      names['#sk'] = this.keys.sortKey;
      values[':prefix'] = options.sortKeyPrefix;
      condition += ' AND begins_with(#sk, :prefix)';
    }
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.keys.tableName,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: typed(values),
        ConsistentRead: true,
        Limit: options.limit,
        ExclusiveStartKey: decodeCursor(options.cursor),
        ...(options.newestFirst && { ScanIndexForward: false }),
      }),
    );
    return page(out.Items, out.LastEvaluatedKey);
  }

  async scan(
    options: { limit?: number; cursor?: string; startAfter?: ItemKey; segment?: number; totalSegments?: number } = {},
  ): Promise<Page> {
    const out = await this.client.send(
      new ScanCommand({
        TableName: this.keys.tableName,
        ConsistentRead: true,
        Limit: options.limit,
        ExclusiveStartKey: options.startAfter ? this.typedKey(options.startAfter) : decodeCursor(options.cursor),
        Segment: options.segment,
        TotalSegments: options.totalSegments,
      }),
    );
    return page(out.Items, out.LastEvaluatedKey);
  }

  private typedKey(key: ItemKey): Attributes {
    return typed(this.keyOf(key));
  }

  /** Only the key attributes: DynamoDB rejects a Key with any other attribute. */
  private keyOf(key: ItemKey): ItemKey {
    const pk = key[this.keys.partitionKey];
    if (pk === undefined) throw new Error(`${this.keys.tableName}: key lacks ${this.keys.partitionKey}`);
    const out: ItemKey = { [this.keys.partitionKey]: pk };
    if (this.keys.sortKey) {
      const sk = key[this.keys.sortKey];
      if (sk === undefined) throw new Error(`${this.keys.tableName}: key lacks ${this.keys.sortKey}`);
      out[this.keys.sortKey] = sk;
    }
    return out;
  }
}

/** DynamoDB's limits per BatchGetItem and BatchWriteItem request. */
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const UNPROCESSED_POLICY: BackoffPolicy = { attempts: 8, baseMs: 25, capMs: 1_000 };

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** A page of items; the cursor is the last key read, as plain JSON (the same cursors a document client gave). */
function page(items: Attributes[] | undefined, lastKey: Attributes | undefined): Page {
  return {
    items: (items ?? []).map(plain),
    ...(lastKey && { cursor: Buffer.from(JSON.stringify(plain(lastKey))).toString('base64url') }),
  };
}

function decodeCursor(cursor: string | undefined): Attributes | undefined {
  if (cursor === undefined) return undefined;
  return typed(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item);
}
