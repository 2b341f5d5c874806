import { appendFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfigs, type EndpointMap } from '../adapters/aws-clients.ts';
import { createDynamoClient, DynamoTable } from '../adapters/dynamo-table.ts';
import { S3ObjectStore } from '../adapters/s3-store.ts';
import { CloudFrontApi } from '../adapters/cloudfront-api.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SqsQueue } from '../adapters/sqs-queue.ts';
import { SafePoster } from '../adapters/http-poster.ts';
import { systemClock } from '../adapters/clock.ts';
import { WebSubHub } from '../adapters/websub-hub.ts';
import type { Config } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import type { HttpPoster, HubNotifier, KeyValueTable, Mailer, ObjectStore, Queue } from '../ports.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/*
 * The only place the AWS adapters are built. Each is its own export, so a function's bundle carries just the SDK
 * clients its wiring asks for (the dispatch worker has no S3 client). `endpoints` is empty in Lambda and points
 * at the emulators in local runs, tests and benchmarks.
 */
type Where = Pick<RuntimeConfig, 'endpoints'>;

/**
 * The SDK clients built so far for one set of endpoints (one Lambda container, one local pipeline): one per
 * service, built when first asked for, shared by every adapter of that service. A cold function so sets up each
 * client once (its configuration, its credential lookup, its connection pool), however many buckets, tables or
 * queues it uses.
 */
interface Clients {
  s3?: S3Client;
  sesv2?: SESv2Client;
  sqs?: SQSClient;
  dynamodb?: DynamoDBClient;
}
const clientsByEndpoints = new WeakMap<EndpointMap, Clients>();

function clientsOf(where: Where): Clients {
  let clients = clientsByEndpoints.get(where.endpoints);
  if (!clients) {
    clients = {};
    clientsByEndpoints.set(where.endpoints, clients);
  }
  return clients;
}

const s3Client = (where: Where): S3Client =>
  (clientsOf(where).s3 ??= new S3Client(awsClientConfigs(where.endpoints).s3));

export const objectStore = (where: Where, bucket: string): ObjectStore => new S3ObjectStore(s3Client(where), bucket);

/** The DynamoDB client of these endpoints, which every table adapter built for them shares. */
const dynamoClient = (where: Where): DynamoDBClient =>
  (clientsOf(where).dynamodb ??= createDynamoClient(awsClientConfigs(where.endpoints).dynamodb));

/** A table keyed by `id` alone (subscribers). */
export const idTable = (where: Where, tableName: string): KeyValueTable =>
  new DynamoTable(dynamoClient(where), { tableName, partitionKey: 'id' });

/** A table keyed by `pk` and `sk` (the send ledger). */
export const pairTable = (where: Where, tableName: string): KeyValueTable =>
  new DynamoTable(dynamoClient(where), { tableName, partitionKey: 'pk', sortKey: 'sk' });

export const queue = (where: Where, queueUrl: string): Queue =>
  new SqsQueue((clientsOf(where).sqs ??= new SQSClient(awsClientConfigs(where.endpoints).sqs)), queueUrl);

/** CloudFront's invalidation call, signed with the credentials the S3 client's provider chain finds (the role's). */
export const cloudFrontApi = (where: Where): CloudFrontApi => {
  const { credentials } = s3Client(where).config;
  return new CloudFrontApi(() => credentials());
};

export const mailer = (where: Where): Mailer =>
  new SesMailer((clientsOf(where).sesv2 ??= new SESv2Client(awsClientConfigs(where.endpoints).sesv2)));

export const editorialsStore = (runtime: RuntimeConfig): ObjectStore => objectStore(runtime, runtime.editorialsBucket);
export const siteStore = (runtime: RuntimeConfig): ObjectStore => objectStore(runtime, runtime.publicBucket);
export const subscribersTable = (runtime: Pick<RuntimeConfig, 'endpoints' | 'subscribersTable'>): KeyValueTable =>
  idTable(runtime, runtime.subscribersTable);
export const ledgerTable = (runtime: RuntimeConfig): KeyValueTable => pairTable(runtime, runtime.ledgerTable);
export const dispatchQueue = (runtime: RuntimeConfig): Queue => queue(runtime, runtime.dispatchQueueUrl);
/** The partner webhook queue, when the runtime names one. */
export const webhookQueue = (runtime: RuntimeConfig): Queue | undefined =>
  runtime.webhookQueueUrl !== undefined ? queue(runtime, runtime.webhookQueueUrl) : undefined;

/**
 * The partner webhook poster: https to public addresses only. `allowLocal` (plain http and loopback receivers) is
 * for a local run on this machine; Lambda never sets it.
 */
export const httpPoster = (timeoutMs: number, options: { allowLocal?: boolean } = {}): HttpPoster =>
  new SafePoster({ timeoutMs, ...(options.allowLocal && { allowLocal: true }) });

/** The WebSub hub the publication names, if any: https to a public address only (`allowLocal`: a local run). */
export const hubNotifier = (config: Config, options: { allowLocal?: boolean } = {}): HubNotifier | undefined =>
  config.websub
    ? new WebSubHub(config.websub.hub, { clock: systemClock, ...(options.allowLocal && { allowLocal: true }) })
    : undefined;

/** Lambda collects standard output; a local run may send the functions' logs to a file instead. */
export function functionLog(runtime: Pick<RuntimeConfig, 'logFile'>, fn: string): Logger {
  const file = runtime.logFile;
  return createLogger(
    { fn },
    file ? (line) => appendFileSync(file, `${line}\n`) : (line) => process.stdout.write(`${line}\n`),
  );
}
