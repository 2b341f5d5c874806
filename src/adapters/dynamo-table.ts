import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Item, ItemKey, KeyValueTable, Page, QueryOptions, UpdateSpec } from '../ports.ts';
import { AGAIN, retry, RetriesExhaustedError, type BackoffPolicy } from '../retry.ts';
import { systemClock } from './clock.ts';

export interface TableKeys {
  tableName: string;
  partitionKey: string;
  sortKey?: string;
}

/** A document client that drops undefined attributes instead of failing on them. */
export function createDocumentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * KeyValueTable over one DynamoDB table, through a document client (see createDocumentClient).
 * Single-item conditional writes only: no TransactWriteItems, which dynalite does not serve.
 */
export class DynamoTable implements KeyValueTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly keys: TableKeys,
  ) {}

  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.keys.tableName, Key: this.keyOf(key), ConsistentRead: true }),
    );
    return out.Item;
  }

  async getMany(keys: ItemKey[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: ItemKey[] = keys.slice(i, i + BATCH_GET_LIMIT).map((key) => this.keyOf(key));
      await this.untilProcessed(async () => {
        const out = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.keys.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[this.keys.tableName] ?? []));
        pending = (out.UnprocessedKeys?.[this.keys.tableName]?.Keys ?? []) as ItemKey[];
        return pending.length > 0 ? AGAIN : undefined;
      });
    }
    return found;
  }

  async putMany(items: Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      let pending = items.slice(i, i + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } }));
      await this.untilProcessed(async () => {
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.keys.tableName]: pending } }));
        pending = (out.UnprocessedItems?.[this.keys.tableName] ?? []) as typeof pending;
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
        new PutCommand({
          TableName: this.keys.tableName,
          Item: item,
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
    await this.client.send(new PutCommand({ TableName: this.keys.tableName, Item: item }));
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
        new UpdateCommand({
          TableName: this.keys.tableName,
          Key: this.keyOf(key),
          UpdateExpression: clauses.join(' '),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async delete(key: ItemKey): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.keys.tableName, Key: this.keyOf(key) }));
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
        ExpressionAttributeValues: values,
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
        ExclusiveStartKey: options.startAfter ? this.keyOf(options.startAfter) : decodeCursor(options.cursor),
        Segment: options.segment,
        TotalSegments: options.totalSegments,
      }),
    );
    return page(out.Items, out.LastEvaluatedKey);
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

function page(items: Item[] | undefined, lastKey: Item | undefined): Page {
  return { items: items ?? [], ...(lastKey && { cursor: Buffer.from(JSON.stringify(lastKey)).toString('base64url') }) };
}

function decodeCursor(cursor: string | undefined): Item | undefined {
  if (cursor === undefined) return undefined;
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
}
