import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoClient } from '../../src/adapters/dynamo-table.ts';
import { startEmulators, type EmulatorOptions, type Emulators } from '../../src/local/emulators.ts';

/** The emulators of one test file (or describe block), with SDK clients pointed at them. */
export interface TestEmulators extends Emulators {
  readonly s3: S3Client;
  readonly ses: SESv2Client;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
}

/**
 * Starts the local AWS emulators before the tests of the enclosing file or describe block and stops them after
 * (hooks run as a stack, so the block's own afterAll, closing a server that uses them, runs first). The clients
 * are made on first use and destroyed before the emulators stop, so no socket outlives them.
 */
export function useEmulators(options: EmulatorOptions = {}): TestEmulators {
  let started: Emulators | undefined;
  const clients = new Map<string, { destroy(): void }>();

  beforeAll(async () => {
    started = await startEmulators(options);
  });
  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    clients.clear();
    await started?.stop();
    started = undefined;
  });

  const running = (): Emulators => {
    if (!started) throw new Error('the emulators run only inside the tests and hooks of the block that uses them');
    return started;
  };
  const client = <C extends { destroy(): void }>(name: string, make: (emulators: Emulators) => C): C => {
    if (!clients.has(name)) clients.set(name, make(running()));
    return clients.get(name) as C;
  };

  return {
    get endpoints() {
      return running().endpoints;
    },
    get clientConfigs() {
      return running().clientConfigs;
    },
    get buckets() {
      return running().buckets;
    },
    get tables() {
      return running().tables;
    },
    get queueUrls() {
      return running().queueUrls;
    },
    onObjectEvent: (listener) => running().onObjectEvent(listener),
    objectEventsSettled: () => running().objectEventsSettled(),
    sentMail: () => running().sentMail(),
    sentMailMime: (messageId) => running().sentMailMime(messageId),
    clearMail: () => running().clearMail(),
    stop: () => running().stop(),
    get s3() {
      return client('s3', (e) => new S3Client(e.clientConfigs.s3));
    },
    get ses() {
      return client('ses', (e) => new SESv2Client(e.clientConfigs.sesv2));
    },
    get sqs() {
      return client('sqs', (e) => new SQSClient(e.clientConfigs.sqs));
    },
    get dynamo() {
      return client('dynamo', (e) => createDynamoClient(e.clientConfigs.dynamodb));
    },
  };
}
