import { randomBytes } from 'node:crypto';
import {
  dispatchQueue,
  editorialsStore,
  httpPoster,
  objectStore,
  queue as queueAt,
  webhookQueue,
} from '../app/adapters.ts';
import { createDispatchWorkerHandler, workerWiring } from '../app/dispatch-worker.ts';
import { createConfirmationSenderHandler } from '../app/confirmation-sender.ts';
import { createPartnerWebhookHandler, WEBHOOK_TIMEOUT_MS, webhookWiring } from '../app/partner-webhook.ts';
import { createPublishHandler } from '../app/publish.ts';
import { createSesEventsHandler } from '../app/ses-events.ts';
import { DISPATCH_SHARDS_PER_INVOCATION, RUNTIME_DEFAULTS, type RuntimeConfig } from '../app/runtime-config.ts';
import {
  createConfirmHandler,
  createSubscribeHandler,
  createUnsubscribeHandler,
  type FunctionUrlHandler,
} from '../app/subscribers.ts';
import { loadConfig, type Config, type PartnerConfig } from '../config.ts';
import { startHttpServer, type HttpServer } from '../http/local-server.ts';
import { createLogger, type Logger } from '../log.ts';
import type { ObjectStore } from '../ports.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import { LocalRequestLog } from './request-log.ts';
import { withSimulatedEvents, type SesEventBridgeEvent } from './ses-simulator.ts';
import { startSqsPoller, type SqsPoller } from './sqs-poller.ts';

export const LOCAL_NAMES = {
  editorials: 'broadsheet-editorials',
  site: 'broadsheet-site',
  subscribers: 'broadsheet-subscribers',
  ledger: 'broadsheet-ledger',
  queue: 'broadsheet-dispatch',
  webhooks: 'broadsheet-partner-webhooks',
  confirmations: 'broadsheet-confirmations',
} as const;

/** Recipients per shard in a local run. */
const LOCAL_SHARD_SIZE = 100;

/** A confirmation the mail service failed to take comes back this soon. */
const CONFIRMATION_RETRY_SECONDS = 10;

export interface LocalPipelineOptions {
  /** Serve the site and the subscriber endpoints over HTTP on 127.0.0.1, and make every link point there. */
  serve?: boolean;
  port?: number;
  /** The account's send rate the workers share, messages a second. Default 50. */
  sendRatePerSecond?: number;
  workerConcurrency?: number;
  /** Where the local runner's own structured logs go. */
  logLine?: (line: string) => void;
  /** Where the functions' logs go (a JSON object a line); standard output, as in Lambda, when not given. */
  functionLogFile?: string;
  /** The key that signs subscriber tokens; a fresh random one per run when not given. */
  tokenSecret?: string;
  /** The secret partner feed paths come from; a fresh random one per run when not given. */
  partnerSecret?: string;
  /** The partners instead of the sample publication's (checked already, as configFrom returns them). */
  partners?: PartnerConfig[];
  /** How long a failed webhook delivery waits before it comes back. Default 30 s, as in the stack. */
  webhookRetrySeconds?: number;
  /** Run the scheduled embargo release (every 5 minutes in the stack) this often; never when not given. */
  releaseEverySeconds?: number;
  /** Where the site server's requests are written too (a JSON line each), besides the pipeline's `requests`. */
  requestLogFile?: string;
  /** Changes the sample publication's configuration (kept valid by the caller: nothing checks it again). */
  configure?: (config: Config) => Config;
}

export interface LocalPipeline {
  emulators: Emulators;
  /** What the functions were given, as Lambda's environment would give it. */
  runtime: RuntimeConfig;
  config: Config;
  editorials: ObjectStore;
  site: ObjectStore;
  http?: HttpServer;
  /** Every answer of the site servers (the served one, the lifecycle's): the stand-in for the CDN's access logs. */
  requests: LocalRequestLog;
  /** Resolves when every S3 event so far has been handled, the dispatch, webhook and confirmation queues are empty
   * (a delivery failed five times counts as done: it is in the dead-letter queue) and the SES events of every message
   * sent have reached the events handler. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline on this machine: the emulators, and the handlers Lambda runs, built by the same factories
 * (src/app) from a runtime configuration that points at the emulators, and called the way AWS calls them: S3
 * notifications to publish, SQS batches to the dispatch worker, Function URL events to the subscriber endpoints.
 * Nothing is global, so several can run in one process.
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const log: Logger = createLogger({ fn: 'local' }, options.logLine ?? (() => {}));
  const webhookRetrySeconds = options.webhookRetrySeconds ?? 30;
  const emulators = await startEmulators({
    s3Buckets: [LOCAL_NAMES.editorials, LOCAL_NAMES.site],
    tables: [
      { tableName: LOCAL_NAMES.subscribers, partitionKey: 'id' },
      { tableName: LOCAL_NAMES.ledger, partitionKey: 'pk', sortKey: 'sk' },
    ],
    queues: [
      { name: LOCAL_NAMES.queue, visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
      { name: LOCAL_NAMES.webhooks, visibilityTimeoutSeconds: webhookRetrySeconds, maxReceiveCount: 5 },
      { name: LOCAL_NAMES.confirmations, visibilityTimeoutSeconds: CONFIRMATION_RETRY_SECONDS, maxReceiveCount: 5 },
    ],
  });
  const stops: (() => Promise<void>)[] = [() => emulators.stop()];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
    stops.length = 0;
  };
  try {
    const site = objectStore(emulators, LOCAL_NAMES.site);
    const routes: Record<string, FunctionUrlHandler> = {};
    const requests = new LocalRequestLog(options.requestLogFile);
    const http = options.serve
      ? await startHttpServer({ routes, static: site, port: options.port ?? 0, onRequest: requests.record })
      : undefined;
    if (http) stops.push(() => http.close());
    // The site's URL is known only once the server listens: every link the functions write points there.
    const sample = localConfig(http?.url, options.configure);
    const runtime = localRuntime(
      emulators,
      options.partners ? { ...sample, partners: options.partners } : sample,
      options,
    );
    const editorials = editorialsStore(runtime);
    const config = runtime.publication;

    const publish = createPublishHandler(runtime);
    // aws-ses-v2-local publishes no events: the worker's mailer hands the ones SES would publish (the mailbox
    // simulator's among them) to the SES events function, as the configuration set's EventBridge destination does.
    const sesEvents = createSesEventsHandler(runtime);
    const wiring = workerWiring(runtime);
    const mailer = withSimulatedEvents(wiring.mailer, {
      configurationSet: runtime.configurationSet!,
      deliver: async (event: SesEventBridgeEvent) => {
        try {
          await sesEvents(event);
        } catch (err) {
          // EventBridge retries a failed asynchronous invocation; one retry shows it.
          log.error('ses events handler failed; retrying once', { eventType: event.detail.eventType, error: err });
          await sesEvents(event);
        }
      },
      log,
    });
    const worker = createDispatchWorkerHandler(runtime, { ...wiring, mailer });
    routes['/subscribe'] = createSubscribeHandler(runtime);
    routes['/confirm'] = createConfirmHandler(runtime);
    routes[new URL(config.unsubscribe.url).pathname] = createUnsubscribeHandler(runtime);

    const unsubscribeEvents = emulators.onObjectEvent(async (event) => {
      // Only the editorials bucket notifies the publish function, as in the deployed stack.
      if (event.Records[0]?.s3.bucket.name !== LOCAL_NAMES.editorials) return;
      try {
        await publish(event);
      } catch (err) {
        // Lambda would retry an asynchronous invocation twice; the publish step is idempotent, so one retry shows it.
        log.error('publish failed; retrying once', { error: err });
        await publish(event);
      }
    });
    stops.push(async () => unsubscribeEvents());

    const queue = dispatchQueue(runtime);
    const poller: SqsPoller = startSqsPoller({
      queue,
      handler: (event) => worker(event),
      batchSize: DISPATCH_SHARDS_PER_INVOCATION,
      visibilityTimeoutSeconds: 30,
      concurrency: runtime.workerConcurrency,
      log,
    });
    stops.splice(1, 0, () => poller.stop());
    // Local receivers listen on this machine over plain http: the one thing a local run allows that Lambda does not.
    const hooks = createPartnerWebhookHandler(runtime, {
      ...webhookWiring(runtime),
      poster: httpPoster(WEBHOOK_TIMEOUT_MS, { allowLocal: true }),
    });
    const webhookPoller: SqsPoller = startSqsPoller({
      queue: webhookQueue(runtime)!,
      handler: (event) => hooks(event),
      visibilityTimeoutSeconds: webhookRetrySeconds,
      concurrency: 2,
      log,
    });
    stops.splice(1, 0, () => webhookPoller.stop());
    const confirmations = createConfirmationSenderHandler(runtime);
    const confirmationPoller: SqsPoller = startSqsPoller({
      queue: queueAt(runtime, runtime.confirmationQueueUrl!),
      handler: (event) => confirmations(event),
      visibilityTimeoutSeconds: CONFIRMATION_RETRY_SECONDS,
      concurrency: 2,
      log,
    });
    stops.splice(1, 0, () => confirmationPoller.stop());
    const releases = options.releaseEverySeconds
      ? startReleaseTimer(() => publish({ source: 'local.release-timer' }), options.releaseEverySeconds, log)
      : undefined;
    if (releases) stops.splice(1, 0, () => releases.stop());

    return {
      emulators,
      runtime,
      config,
      editorials,
      site,
      ...(http && { http }),
      requests,
      settled: async () => {
        await releases?.idle();
        await emulators.objectEventsSettled();
        // No handler feeds another's queue (publish feeds the dispatch and webhook queues, the subscriber endpoints
        // the confirmations): once the S3 events are handled the three drain independently, so they are awaited
        // together.
        await Promise.all([poller.drain(), webhookPoller.drain(), confirmationPoller.drain()]);
        await mailer.settled();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The stack's schedule as a timer: a scheduled event to the publish function, one run at a time; a failed run is
 * logged and the next tick tries again, as the next scheduled invocation would.
 */
function startReleaseTimer(
  release: () => Promise<void>,
  everySeconds: number,
  log: Logger,
): { idle(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= release()
      .catch((err: unknown) => log.error('embargo release failed; the next tick tries again', { error: err }))
      .finally(() => (running = undefined));
  }, everySeconds * 1000);
  timer.unref();
  return {
    idle: async () => void (await running),
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** The sample publication, changed by `configure`; served locally, its site and unsubscribe links point at the local
 * server. */
function localConfig(siteUrl: string | undefined, configure: (config: Config) => Config = (c) => c): Config {
  const config = configure(loadConfig());
  if (!siteUrl) return config;
  return {
    ...config,
    publication: { ...config.publication, siteUrl },
    unsubscribe: { ...config.unsubscribe, url: `${siteUrl}/unsubscribe` },
  };
}

/** What the stack's environment gives each function, pointing at the emulators instead of AWS. */
function localRuntime(emulators: Emulators, config: Config, options: LocalPipelineOptions): RuntimeConfig {
  return {
    publication: config,
    editorialsBucket: LOCAL_NAMES.editorials,
    publicBucket: LOCAL_NAMES.site,
    subscribersTable: LOCAL_NAMES.subscribers,
    ledgerTable: LOCAL_NAMES.ledger,
    dispatchQueueUrl: emulators.queueUrls[LOCAL_NAMES.queue]!,
    webhookQueueUrl: emulators.queueUrls[LOCAL_NAMES.webhooks]!,
    confirmationQueueUrl: emulators.queueUrls[LOCAL_NAMES.confirmations]!,
    // Faster than a new SES account, so a local run drains in a moment; the workers still share it.
    sendRatePerSecond: options.sendRatePerSecond ?? 50,
    workerConcurrency: options.workerConcurrency ?? RUNTIME_DEFAULTS.workerConcurrency,
    // Smaller than the stack's 500, so a send of a few hundred readers already has a shard for every worker and goes
    // out at the whole account rate (--send-rate), as a large list does in AWS.
    shardSize: LOCAL_SHARD_SIZE,
    configurationSet: 'broadsheet-local',
    // A fresh key per run: local links only need to verify within the run.
    tokenSecret: options.tokenSecret ?? randomBytes(32).toString('base64url'),
    // Likewise the partner paths: a fresh secret per run, exposed as runtime.partnerSecret.
    partnerSecret: options.partnerSecret ?? randomBytes(32).toString('base64url'),
    softBounceThreshold: RUNTIME_DEFAULTS.softBounceThreshold,
    endpoints: emulators.endpoints,
    ...(options.functionLogFile !== undefined && { logFile: options.functionLogFile }),
  };
}
