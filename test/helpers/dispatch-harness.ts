// Shared set-up of the dispatch tests on the real emulators: the real adapters, seeded subscribers, a real template.
// What does not need the emulators (seeding, the worker's dependencies, the checks) is in test/helpers/dispatch-world.ts.
import { idTable, mailer, objectStore, pairTable, queue } from '../../src/app/adapters.ts';
import { startEmulators, type Emulators, type SentEmail } from '../../src/local/emulators.ts';
import { startSqsPoller } from '../../src/local/sqs-poller.ts';
import { createLogger } from '../../src/log.ts';
import { queueRecords, type SqsEvent } from '../../src/app/sqs-batch.ts';
import { processShards, type BatchResponse, type WorkerDeps } from '../../src/pipeline/dispatch/worker.ts';
import { READERS, seedSubscribers, type DispatchWorld } from './dispatch-world.ts';

export {
  config,
  expectCleanLogs,
  expectedRecipients,
  expectExactlyOnce,
  expectLedgerComplete,
  header,
  mailTo,
  planDeps,
  planOnce,
  seededRandom,
  SHARD_SIZE,
  storeTemplate,
  subscriberId,
  TOKEN_SECRET,
  workerDeps,
  type Subscriber,
} from './dispatch-world.ts';

/** SQS counts visibility in whole seconds; 2 leaves a shard of 50 time to finish before anyone else sees it again. */
export const VISIBILITY_SECONDS = 2;
/** Longer than the visibility timeout: a shard whose worker died is taken over on its second or third redelivery. */
export const LEASE_MS = 3_000;

export interface World extends DispatchWorld {
  emulators: Emulators;
  sentMail(): Promise<SentEmail[]>;
  stop(): Promise<void>;
}

/**
 * The emulators with a dispatch queue (and its dead-letter queue), the ledger and subscribers tables and the
 * editorials bucket, the subscribers seeded. `readers`: how many confirmed ones (default 1,200).
 */
export async function startWorld(options: { readers?: number } = {}): Promise<World> {
  const emulators = await startEmulators({
    s3Buckets: ['editorials'],
    tables: [
      { tableName: 'ledger', partitionKey: 'pk', sortKey: 'sk' },
      { tableName: 'subscribers', partitionKey: 'id' },
    ],
    queues: [{ name: 'dispatch', visibilityTimeoutSeconds: VISIBILITY_SECONDS, maxReceiveCount: 5 }],
  });
  const logs: string[] = [];
  // The adapters as the functions build them; stopping the emulators closes their connections.
  const world: World = {
    emulators,
    subscribers: idTable(emulators, 'subscribers'),
    ledger: pairTable(emulators, 'ledger'),
    queue: queue(emulators, emulators.queueUrls.dispatch!),
    dlq: queue(emulators, emulators.queueUrls['dispatch-dlq']!),
    editorials: objectStore(emulators, 'editorials'),
    mailer: mailer(emulators),
    logs,
    log: createLogger({ fn: 'test' }, (line) => logs.push(line)),
    seeded: [],
    leaseMs: LEASE_MS,
    sentMail: () => emulators.sentMail(),
    stop: () => emulators.stop(),
  };
  world.seeded = await seedSubscribers(world.subscribers, options.readers ?? READERS);
  return world;
}

/** Delivers the dispatch queue to `handler` until nothing is left, like the worker's event source mapping. */
export async function drainQueue(world: World, handler: (event: SqsEvent) => Promise<BatchResponse>): Promise<void> {
  const poller = startSqsPoller({
    queue: world.queue,
    handler,
    batchSize: 1,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    concurrency: 3,
    log: world.log.child({ fn: 'sqs-poller' }),
  });
  try {
    await poller.drain();
  } finally {
    await poller.stop();
  }
}

export const workerHandler = (deps: WorkerDeps) => (event: SqsEvent) => processShards(deps, queueRecords(event));
