import { appendFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfigs, type EndpointMap } from '../adapters/aws-clients.ts';
import { systemClock } from '../adapters/clock.ts';
import { createDocumentClient, DynamoTable } from '../adapters/dynamo-table.ts';
import { S3ObjectStore } from '../adapters/s3-store.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SqsQueue } from '../adapters/sqs-queue.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Clock, KeyValueTable, Mailer, ObjectStore, Queue } from '../ports.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/*
 * The composition root: one factory per dependency, each its own export. Handlers import this module as a
 * namespace (`import * as deps`) and call the factories they need, so a bundler leaves out the SDK clients a
 * handler never asks for. `endpoints` is empty in Lambda and points at the emulators in local runs and tests.
 */
export const editorials = (runtime: RuntimeConfig, endpoints: EndpointMap = {}): ObjectStore =>
  new S3ObjectStore(new S3Client(awsClientConfigs(endpoints).s3), runtime.editorialsBucket);
export const site = (runtime: RuntimeConfig, endpoints: EndpointMap = {}): ObjectStore =>
  new S3ObjectStore(new S3Client(awsClientConfigs(endpoints).s3), runtime.publicBucket);
export const subscribers = (runtime: RuntimeConfig, endpoints: EndpointMap = {}): KeyValueTable =>
  new DynamoTable(createDocumentClient(awsClientConfigs(endpoints).dynamodb), { tableName: runtime.subscribersTable, partitionKey: 'id' });
export const ledger = (runtime: RuntimeConfig, endpoints: EndpointMap = {}): KeyValueTable =>
  new DynamoTable(createDocumentClient(awsClientConfigs(endpoints).dynamodb), {
    tableName: runtime.ledgerTable,
    partitionKey: 'pk',
    sortKey: 'sk',
  });
export const queue = (runtime: RuntimeConfig, endpoints: EndpointMap = {}): Queue =>
  new SqsQueue(new SQSClient(awsClientConfigs(endpoints).sqs), runtime.dispatchQueueUrl);
export const mailer = (_runtime: RuntimeConfig, endpoints: EndpointMap = {}): Mailer =>
  new SesMailer(new SESv2Client(awsClientConfigs(endpoints).sesv2));
export const clock = (): Clock => systemClock;
export const log = (fn: string): Logger => createLogger({ fn }, logWriter());

/** Lambda collects standard output; a local run may send the functions' logs to a file instead (BROADSHEET_LOG_FILE). */
function logWriter(): (line: string) => void {
  const file = process.env.BROADSHEET_LOG_FILE;
  return file ? (line) => appendFileSync(file, `${line}\n`) : (line) => process.stdout.write(`${line}\n`);
}

/** Local runs hand the emulators' endpoints to the very handlers Lambda runs, through this variable. */
export function endpointsFromEnv(env: Record<string, string | undefined> = process.env): EndpointMap {
  const raw = env.BROADSHEET_LOCAL_ENDPOINTS;
  return raw ? (JSON.parse(raw) as EndpointMap) : {};
}
