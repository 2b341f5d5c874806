import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import ses from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  awsClientConfigs,
  LOCAL_REGION,
  type AwsClientConfigs,
  type EndpointMap,
  type LocalEndpoint,
} from '../adapters/aws-clients.ts';
import type { TableKeys } from '../adapters/dynamo-table.ts';
import { conditionalWritesMiddleware } from './s3-conditional-writes.ts';
import { ObjectEventRelay, type ObjectEventListener } from './s3-event-relay.ts';
import { makeObjectWritesAtomic } from './s3rver-atomic-writes.ts';
import { supportSingleDesForS3rver } from './s3rver-listing-tokens.ts';

export type TableSpec = TableKeys;

export interface QueueSpec {
  name: string;
  /** Seconds a received message stays hidden; the queue default is 30. */
  visibilityTimeoutSeconds?: number;
  /** With this, a dead-letter queue `<name>-dlq` is created and receives a message after this many receives. */
  maxReceiveCount?: number;
}

export interface EmulatorOptions {
  s3Buckets?: string[];
  tables?: TableSpec[];
  queues?: (string | QueueSpec)[];
  log?: (line: string) => void;
}

/** A message as aws-ses-v2-local stores it (`GET /store`). */
export interface SentEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  /** Seconds since the epoch. */
  at: number;
}

export interface Emulators {
  endpoints: Required<EndpointMap>;
  /** Ready to pass to the SDK clients' constructors. */
  clientConfigs: AwsClientConfigs;
  buckets: string[];
  tables: TableSpec[];
  /** Queue URL by queue name, dead-letter queues included. */
  queueUrls: Record<string, string>;
  /** S3 event notifications for object writes and deletes in any bucket; returns a function removing the listener. */
  onObjectEvent(listener: ObjectEventListener): () => void;
  /** Resolves when every object event delivered so far has been handled by the listeners. */
  objectEventsSettled(): Promise<void>;
  /** Every message SES accepted, oldest first. */
  sentMail(): Promise<SentEmail[]>;
  /** The MIME text of a sent message, as SES would have delivered it. */
  sentMailMime(messageId: string): Promise<string>;
  clearMail(): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const ACCOUNT_ID = '123456789012';
const DUMMY = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts s3rver, aws-ses-v2-local, dynalite and local-aws-sqs in this process, each on 127.0.0.1 and a free port,
 * with the given buckets, tables and queues. Stop them with `stop()`.
 *
 * aws-ses-v2-local keeps its mail in a module-level store: every instance in one process shares it, and the first one
 * started while none runs empties it.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => errors.push(err));
    stops.length = 0;
    if (errors.length) throw new AggregateError(errors, 'stopping the emulators failed');
  };

  try {
    const relay = new ObjectEventRelay(log);
    const s3 = await startS3(options.s3Buckets ?? [], relay, stops);
    const sesUrl = await startSes(stops);
    const dynamoUrl = await startDynamo(stops);
    const sqsUrl = await startSqs(stops);

    const endpoints: Required<EndpointMap> = {
      s3: { url: s3, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      sesv2: { url: sesUrl, ...DUMMY },
      dynamodb: { url: dynamoUrl, ...DUMMY },
      sqs: { url: sqsUrl, ...DUMMY },
    };
    const clientConfigs = awsClientConfigs(endpoints);
    const tables = options.tables ?? [];
    await createTables(clientConfigs, tables);
    const queueUrls = await createQueues(clientConfigs, (options.queues ?? []).map(queueSpec));
    log(`emulators: s3 ${s3}, ses ${sesUrl}, dynamodb ${dynamoUrl}, sqs ${sqsUrl}`);

    return {
      endpoints,
      clientConfigs,
      buckets: [...(options.s3Buckets ?? [])],
      tables,
      queueUrls,
      onObjectEvent: (listener) => relay.subscribe(listener),
      objectEventsSettled: () => relay.settled(),
      sentMail: () => sesStore(endpoints.sesv2),
      sentMailMime: (messageId) => sesMime(endpoints.sesv2, messageId),
      clearMail: async () => {
        const res = await fetch(`${endpoints.sesv2.url}/clear-store`, { method: 'POST' });
        if (!res.ok) throw new Error(`aws-ses-v2-local: clear-store answered ${res.status}`);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}

/**
 * Where s3rver keeps its objects: a memory-backed folder when the system has one (Linux's /dev/shm), since s3rver
 * writes three small files per object and a disk's temporary folder can be several times slower at that; otherwise
 * the temporary folder. The objects of a local run are gone when it stops either way.
 */
async function scratchRoot(): Promise<string> {
  const memory = '/dev/shm';
  try {
    await access(memory, constants.W_OK);
    return memory;
  } catch {
    return tmpdir();
  }
}

async function startS3(buckets: string[], relay: ObjectEventRelay, stops: (() => Promise<void>)[]): Promise<string> {
  const directory = await mkdtemp(join(await scratchRoot(), 'broadsheet-s3-'));
  stops.push(() => rm(directory, { recursive: true, force: true }));
  supportSingleDesForS3rver();
  const server = new S3rver({
    address: HOST,
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  makeObjectWritesAtomic(server.store);
  server.middleware.unshift(conditionalWritesMiddleware());
  server.on('event', (event) => relay.accept(event));
  const { port } = await server.run();
  stops.push(async () => {
    const closed = server.close();
    server.httpServer?.closeAllConnections();
    await closed;
  });
  return `http://${HOST}:${port}`;
}

/** aws-ses-v2-local instances running in this process: they share one module-level mail store. */
let sesRunning = 0;

async function startSes(stops: (() => Promise<void>)[]): Promise<string> {
  const server = await ses.default({ host: HOST, port: 0 });
  sesRunning++;
  stops.push(async () => {
    sesRunning--;
    await closeServer(server);
  });
  const url = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  // The first instance of a process starts with an empty store: mail left by emulators stopped earlier in the same
  // process (an earlier test file in a shared worker) is not this run's.
  if (sesRunning === 1) {
    const res = await fetch(`${url}/clear-store`, { method: 'POST' });
    if (!res.ok) throw new Error(`aws-ses-v2-local: clear-store answered ${res.status}`);
  }
  return url;
}

async function startDynamo(stops: (() => Promise<void>)[]): Promise<string> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server);
  stops.push(() => closeServer(server));
  return `http://${HOST}:${(server.address() as AddressInfo).port}`;
}

async function startSqs(stops: (() => Promise<void>)[]): Promise<string> {
  const server = await createSqsServer({
    port: 0,
    hostname: HOST,
    region: LOCAL_REGION,
    accountId: ACCOUNT_ID,
    emulateQueueCreationLifecycle: false,
  });
  stops.push(() => closeServer(server));
  return `http://${HOST}:${(server.address() as AddressInfo).port}`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes a server and drops its keep-alive and long-poll connections, so nothing keeps the process alive. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

async function createTables(configs: AwsClientConfigs, tables: TableSpec[]): Promise<void> {
  if (tables.length === 0) return;
  const client = new DynamoDBClient(configs.dynamodb);
  try {
    for (const table of tables) {
      const keys: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[] = [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
      ];
      if (table.sortKey) keys.push({ AttributeName: table.sortKey, KeyType: 'RANGE' });
      await client.send(
        new CreateTableCommand({
          TableName: table.tableName,
          KeySchema: keys,
          AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' as const })),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

function queueSpec(queue: string | QueueSpec): QueueSpec {
  return typeof queue === 'string' ? { name: queue } : queue;
}

async function createQueues(configs: AwsClientConfigs, queues: QueueSpec[]): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  if (queues.length === 0) return urls;
  const client = new SQSClient(configs.sqs);
  try {
    const create = async (name: string, attributes: Record<string, string>) => {
      const out = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      if (!out.QueueUrl) throw new Error(`local-aws-sqs created ${name} without a URL`);
      urls[name] = out.QueueUrl;
    };
    for (const queue of queues) {
      const attributes: Record<string, string> = {};
      if (queue.visibilityTimeoutSeconds !== undefined) {
        attributes.VisibilityTimeout = String(queue.visibilityTimeoutSeconds);
      }
      if (queue.maxReceiveCount !== undefined) {
        const dlq = `${queue.name}-dlq`;
        await create(dlq, {});
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT_ID}:${dlq}`,
          maxReceiveCount: queue.maxReceiveCount,
        });
      }
      await create(queue.name, attributes);
    }
  } finally {
    client.destroy();
  }
  return urls;
}

async function sesStore(endpoint: LocalEndpoint): Promise<SentEmail[]> {
  const res = await fetch(`${endpoint.url}/store`);
  if (!res.ok) throw new Error(`aws-ses-v2-local: /store answered ${res.status}`);
  const store = (await res.json()) as { emails: SentEmail[] };
  return store.emails;
}

async function sesMime(endpoint: LocalEndpoint, messageId: string): Promise<string> {
  const res = await fetch(`${endpoint.url}/get-emlContent?messageId=${encodeURIComponent(messageId)}`);
  if (!res.ok) throw new Error(`aws-ses-v2-local: no message ${messageId} (${res.status})`);
  const out = (await res.json()) as { body: string | { type: 'Buffer'; data: number[] } };
  return typeof out.body === 'string' ? out.body : Buffer.from(out.body.data).toString('utf8');
}
