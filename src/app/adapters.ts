import { appendFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfigs } from '../adapters/aws-clients.ts';
import { createDocumentClient, DynamoTable } from '../adapters/dynamo-table.ts';
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

export const objectStore = (where: Where, bucket: string): ObjectStore =>
  new S3ObjectStore(new S3Client(awsClientConfigs(where.endpoints).s3), bucket);

/**
 * A DynamoDB document client. Tables of one function may share it: one client to set up at cold start, one
 * credential lookup and one connection pool; each table otherwise builds its own.
 */
export const documentClient = (where: Where): DynamoDBDocumentClient =>
  createDocumentClient(awsClientConfigs(where.endpoints).dynamodb);

/** A table keyed by `id` alone (subscribers). */
export const idTable = (where: Where, tableName: string, documents = documentClient(where)): KeyValueTable =>
  new DynamoTable(documents, { tableName, partitionKey: 'id' });

/** A table keyed by `pk` and `sk` (the send ledger). */
export const pairTable = (where: Where, tableName: string, documents = documentClient(where)): KeyValueTable =>
  new DynamoTable(documents, { tableName, partitionKey: 'pk', sortKey: 'sk' });

export const queue = (where: Where, queueUrl: string): Queue =>
  new SqsQueue(new SQSClient(awsClientConfigs(where.endpoints).sqs), queueUrl);

/** CloudFront's invalidation call, signed with the credentials the S3 client's provider chain finds (the role's). */
export const cloudFrontApi = (where: Where): CloudFrontApi => {
  const { credentials } = new S3Client(awsClientConfigs(where.endpoints).s3).config;
  return new CloudFrontApi(() => credentials());
};

export const mailer = (where: Where): Mailer => new SesMailer(new SESv2Client(awsClientConfigs(where.endpoints).sesv2));

export const editorialsStore = (runtime: RuntimeConfig): ObjectStore => objectStore(runtime, runtime.editorialsBucket);
export const siteStore = (runtime: RuntimeConfig): ObjectStore => objectStore(runtime, runtime.publicBucket);
export const subscribersTable = (
  runtime: Pick<RuntimeConfig, 'endpoints' | 'subscribersTable'>,
  documents?: DynamoDBDocumentClient,
): KeyValueTable => idTable(runtime, runtime.subscribersTable, documents);
export const ledgerTable = (runtime: RuntimeConfig, documents?: DynamoDBDocumentClient): KeyValueTable =>
  pairTable(runtime, runtime.ledgerTable, documents);
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
