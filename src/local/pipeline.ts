import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3ObjectStore } from '../adapters/s3-store.ts';
import { SqsQueue } from '../adapters/sqs-queue.ts';
import { loadConfig, type Config } from '../config.ts';
import { startHttpServer, type HttpServer } from '../http/local-server.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types.ts';
import { createLogger, type Logger } from '../log.ts';
import type { ObjectStore } from '../ports.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import { startSqsPoller, type SqsPoller } from './sqs-poller.ts';

export const LOCAL_NAMES = {
  editorials: 'broadsheet-editorials',
  site: 'broadsheet-site',
  subscribers: 'broadsheet-subscribers',
  ledger: 'broadsheet-ledger',
  queue: 'broadsheet-dispatch',
} as const;

export interface LocalPipelineOptions {
  /** Serve the site and the subscriber endpoints over HTTP on 127.0.0.1, and make every link point there. */
  serve?: boolean;
  port?: number;
  /** The account's send rate the workers share. */
  sendRatePerSecond?: number;
  workerConcurrency?: number;
  /** Where the local runner's own structured logs go (the functions log as in Lambda; see BROADSHEET_LOG_FILE). */
  logLine?: (line: string) => void;
}

export interface LocalPipeline {
  emulators: Emulators;
  config: Config;
  editorials: ObjectStore;
  site: ObjectStore;
  http?: HttpServer;
  /** Resolves when every S3 event so far has been handled and the dispatch queue is empty. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

type FunctionUrlHandler = { handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult> };

/**
 * The whole pipeline on this machine: the emulators, and the very handlers Lambda runs (functions/), called the
 * way AWS calls them: S3 notifications to publish, SQS batches to the dispatch worker, Function URL events to the
 * subscriber endpoints. One per process: the handlers read their environment once, when first imported.
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const log: Logger = createLogger({ fn: 'local' }, options.logLine ?? (() => {}));
  const emulators = await startEmulators({
    s3Buckets: [LOCAL_NAMES.editorials, LOCAL_NAMES.site],
    tables: [
      { tableName: LOCAL_NAMES.subscribers, partitionKey: 'id' },
      { tableName: LOCAL_NAMES.ledger, partitionKey: 'pk', sortKey: 'sk' },
    ],
    queues: [{ name: LOCAL_NAMES.queue, visibilityTimeoutSeconds: 30, maxReceiveCount: 5 }],
  });
  const stops: (() => Promise<void>)[] = [() => emulators.stop()];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
    stops.length = 0;
  };
  try {
    const s3 = new S3Client(emulators.clientConfigs.s3);
    const site = new S3ObjectStore(s3, LOCAL_NAMES.site);
    const editorials = new S3ObjectStore(s3, LOCAL_NAMES.editorials);
    const routes: Record<string, FunctionUrlHandler['handler']> = {};
    const http = options.serve ? await startHttpServer({ routes, static: site, port: options.port ?? 0 }) : undefined;
    if (http) stops.push(() => http.close());
    const config = localConfig(http?.url);
    setFunctionEnvironment(emulators, config, options);

    const [publish, worker, subscribe, confirm, unsubscribe] = await Promise.all([
      import('../../functions/publish.ts'),
      import('../../functions/dispatch-worker.ts'),
      import('../../functions/subscribe.ts') as Promise<FunctionUrlHandler>,
      import('../../functions/confirm.ts') as Promise<FunctionUrlHandler>,
      import('../../functions/unsubscribe.ts') as Promise<FunctionUrlHandler>,
    ]);
    routes['/subscribe'] = subscribe.handler;
    routes['/confirm'] = confirm.handler;
    routes[new URL(config.unsubscribe.url).pathname] = unsubscribe.handler;

    const unsubscribeEvents = emulators.onObjectEvent(async (event) => {
      // Only the editorials bucket notifies the publish function, as in the deployed stack.
      if (event.Records[0]?.s3.bucket.name !== LOCAL_NAMES.editorials) return;
      try {
        await publish.handler(event);
      } catch (err) {
        // Lambda would retry an asynchronous invocation twice; the publish step is idempotent, so one retry shows it.
        log.error('publish failed; retrying once', { error: err });
        await publish.handler(event);
      }
    });
    stops.push(async () => unsubscribeEvents());

    const queue = new SqsQueue(new SQSClient(emulators.clientConfigs.sqs), emulators.queueUrls[LOCAL_NAMES.queue]!);
    const poller: SqsPoller = startSqsPoller({
      queue,
      handler: (event) => worker.handler(event),
      visibilityTimeoutSeconds: 30,
      concurrency: options.workerConcurrency ?? 2,
      log,
    });
    stops.splice(1, 0, () => poller.stop());

    return {
      emulators,
      config,
      editorials,
      site,
      ...(http && { http }),
      settled: async () => {
        await emulators.objectEventsSettled();
        await poller.drain();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The sample publication; served locally, its site and unsubscribe links point at the local server. */
function localConfig(siteUrl: string | undefined): Config {
  const config = loadConfig();
  if (!siteUrl) return config;
  return { ...config, publication: { ...config.publication, siteUrl }, unsubscribe: { ...config.unsubscribe, url: `${siteUrl}/unsubscribe` } };
}

function setFunctionEnvironment(emulators: Emulators, config: Config, options: LocalPipelineOptions): void {
  Object.assign(process.env, {
    EDITORIALS_BUCKET: LOCAL_NAMES.editorials,
    PUBLIC_BUCKET: LOCAL_NAMES.site,
    SUBSCRIBERS_TABLE: LOCAL_NAMES.subscribers,
    LEDGER_TABLE: LOCAL_NAMES.ledger,
    DISPATCH_QUEUE_URL: emulators.queueUrls[LOCAL_NAMES.queue],
    SEND_RATE_PER_SECOND: String(options.sendRatePerSecond ?? 50),
    WORKER_CONCURRENCY: String(options.workerConcurrency ?? 2),
    SHARD_SIZE: '500',
    CONFIGURATION_SET: 'broadsheet-local',
    // A fresh key per run: local links only need to verify within the run.
    TOKEN_SECRET: process.env.TOKEN_SECRET ?? randomBytes(32).toString('base64url'),
    BROADSHEET_CONFIG: JSON.stringify(config),
    BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(emulators.endpoints),
  });
}
