// Dispatch benchmark: the real path (planner → SQS → worker → ledger → SES API) beside a raw SendEmail loop to the
// same local SES at the same concurrency; the personalisation splice; the plan for a million subscribers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { systemClock } from '../src/adapters/clock.ts';
import {
  idTable,
  mailer as adapterMailer,
  objectStore,
  pairTable,
  queue as adapterQueue,
} from '../src/app/adapters.ts';
import type { EndpointMap } from '../src/adapters/aws-clients.ts';
import { awsClientConfigs } from '../src/adapters/aws-clients.ts';
import { startEmulators, type EmulatorOptions } from '../src/local/emulators.ts';
import { startSqsPoller } from '../src/local/sqs-poller.ts';
import { createLogger } from '../src/log.ts';
import type { Mailer } from '../src/ports.ts';
import { renderEmail, personalize, unsubscribeHeaders } from '../src/render/email/index.ts';
import { planDispatch } from '../src/pipeline/dispatch/plan.ts';
import { planForScale } from '../src/pipeline/dispatch/scale-plan.ts';
import { queueRecords } from '../src/app/sqs-batch.ts';
import { createTokenBucket } from '../src/pipeline/dispatch/token-bucket.ts';
import { unsubscribeUrl } from '../src/subscribers/tokens.ts';
import { processShards, tagValue } from '../src/pipeline/dispatch/worker.ts';
import { config, parseSample } from './sample.ts';
import { median, round } from './stats.ts';

const SECRET = 'bench-secret-0123456789-0123456789-0123';
const SCALE = { subscribers: 1_000_000, ratePerSecond: 1000, shardSize: 500 };
const PERSONALIZE_CALLS = 100_000;
/** A subscriber id of the table's shape (22 base64url characters). */
const benchId = (n: number) => `bench${String(n).padStart(17, '0')}`;

const EMULATED: EmulatorOptions = {
  s3Buckets: ['bench-editorials'],
  tables: [
    { tableName: 'bench-ledger', partitionKey: 'pk', sortKey: 'sk' },
    { tableName: 'bench-subscribers', partitionKey: 'id' },
  ],
  queues: [{ name: 'bench-dispatch', visibilityTimeoutSeconds: 60, maxReceiveCount: 5 }],
};

export interface EmulatorProcess {
  endpoints: Required<EndpointMap>;
  queueUrls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Emulators in a process of their own, as AWS services do not share the worker's CPU: in one process the ledger's
 * emulated DynamoDB would slow the local SES down and the ratio would measure the emulators, not the pipeline.
 */
export async function emulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', fileURLToPath(import.meta.url), '--serve-emulators'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const ready = JSON.parse(line) as Omit<EmulatorProcess, 'stop'>;
  return {
    ...ready,
    async stop() {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}

if (process.argv[2] === '--serve-emulators') {
  const emulators = await startEmulators(EMULATED);
  process.stdout.write(`${JSON.stringify({ endpoints: emulators.endpoints, queueUrls: emulators.queueUrls })}\n`);
  process.stdin.resume();
  await once(process.stdin, 'end');
  await emulators.stop();
  process.exit(0);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export async function benchDispatch(options: {
  recipients: number;
  concurrency: number;
  rounds?: number;
}): Promise<Record<string, number>> {
  const { recipients, concurrency } = options;
  const rounds = Math.max(1, Math.floor(options.rounds ?? 3));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // SES in one process, S3, DynamoDB and SQS in another; the worker and the raw loop in this one.
  const [mail, data] = await Promise.all([emulatorProcess(), emulatorProcess()]);
  const endpoints: EndpointMap = { ...data.endpoints, sesv2: mail.endpoints.sesv2 };
  const clientConfigs = awsClientConfigs(endpoints);
  const emulators = {
    queueUrls: data.queueUrls,
    clearMail: async () => void (await fetch(`${mail.endpoints.sesv2.url}/clear-store`, { method: 'POST' })),
    stop: () => Promise.all([mail.stop(), data.stop()]),
  };
  // The raw loop's own client; the path's adapters are built as the functions build them.
  const ses = new SESv2Client(clientConfigs.sesv2);
  const where = { endpoints };
  try {
    const subscribers = idTable(where, 'bench-subscribers');
    const ledger = pairTable(where, 'bench-ledger');
    const queue = adapterQueue(where, emulators.queueUrls['bench-dispatch']!);
    const editorials = objectStore(where, 'bench-editorials');
    const silent = createLogger({}, () => {});

    const editorial = parseSample();
    const template = await renderEmail(editorial, config);
    const from = `"${config.sender.name}" <${config.sender.address}>`;
    log(`dispatch: seeding ${recipients} subscribers…`);
    for (let i = 0; i < recipients; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, recipients - i) }, (_, k) =>
          subscribers.put({
            id: benchId(i + k),
            email: `reader${i + k}@bench.example`,
            status: 'confirmed',
            topics: [],
          }),
        ),
      );
    }

    // The raw limit: SendEmail straight from the SDK, `concurrency` calls at a time, of the very messages the path
    // sends (each reader's own unsubscribe link, the same headers, configuration set and tags), with no queue, no
    // ledger and no planner: the ratio is what the pipeline's machinery costs.
    const rawRound = async (): Promise<number> => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < recipients) {
            const n = next++;
            const url = unsubscribeUrl(config, SECRET, benchId(n));
            const copy = personalize(template, { unsubscribeUrl: url });
            await ses.send(
              new SendEmailCommand({
                FromEmailAddress: from,
                Destination: { ToAddresses: [`reader${n}@bench.example`] },
                ...(config.sender.replyTo !== undefined && { ReplyToAddresses: [config.sender.replyTo] }),
                Content: {
                  Simple: {
                    Subject: { Data: template.subject, Charset: 'UTF-8' },
                    Body: { Html: { Data: copy.html, Charset: 'UTF-8' }, Text: { Data: copy.text, Charset: 'UTF-8' } },
                    Headers: unsubscribeHeaders(config, url).map((h) => ({ Name: h.name, Value: h.value })),
                  },
                },
                ConfigurationSetName: 'bench',
                EmailTags: [
                  { Name: 'dispatch', Value: 'raw' },
                  { Name: 'slug', Value: tagValue(editorial.slug) },
                ],
              }),
            );
          }
        }),
      );
      return recipients / ((performance.now() - start) / 1000);
    };

    // The real path, from the planner's first scan to the last message SES accepted, with the rate limit off.
    const mailer = adapterMailer(where);
    let sent = 0;
    let lastSend = 0;
    const counting: Mailer = {
      async send(email) {
        const out = await mailer.send(email);
        sent += 1;
        lastSend = performance.now();
        return out;
      },
    };
    const workerDeps = {
      subscribers,
      ledger,
      mailer: counting,
      clock: systemClock,
      log: silent,
      rate: createTokenBucket({ ratePerSecond: Infinity, clock: systemClock }),
      config,
      unsubscribeUrl: (id: string, nonce?: string) => unsubscribeUrl(config, SECRET, id, nonce),
      configurationSet: 'bench',
    };
    // Production shards hold 500; smaller here only so that every worker has a shard of its own.
    const shardSize = Math.max(10, Math.min(500, Math.ceil(recipients / concurrency)));
    const pathRound = async (n: number): Promise<number> => {
      const dispatchId = `${editorial.slug}~${n}`;
      const templateKey = `rendered/${editorial.slug}/${dispatchId}/email.json`;
      await editorials.put(
        templateKey,
        JSON.stringify({ ...template, from, replyTo: config.sender.replyTo, slug: editorial.slug, dispatchId }),
        {
          contentType: 'application/json',
        },
      );
      sent = 0;
      const poller = startSqsPoller({
        queue,
        handler: (event) => processShards(workerDeps, queueRecords(event)),
        batchSize: 1,
        visibilityTimeoutSeconds: 60,
        concurrency,
        waitSeconds: 1,
        idleMs: 0,
      });
      const start = performance.now();
      await planDispatch(
        { editorials, subscribers, ledger, queue, log: silent, clock: systemClock, shardSize },
        { dispatchId, slug: editorial.slug, templateKey, topics: [] },
      );
      await poller.drain();
      await poller.stop();
      if (sent !== recipients) throw new Error(`dispatch sent ${sent} of ${recipients}`);
      return recipients / ((lastSend - start) / 1000);
    };

    // Rounds alternate, so both see the same machine load; each figure is the median of its rounds.
    const cpuRaw: number[] = [];
    const cpuPath: number[] = [];
    const cpuPerMessage = async (fn: () => Promise<number>, into: number[]) => {
      const before = process.cpuUsage();
      const rate = await fn();
      const used = process.cpuUsage(before);
      into.push((used.user + used.system) / recipients);
      return rate;
    };
    const rawRates: number[] = [];
    const pathRates: number[] = [];
    const ratios: number[] = [];
    log('dispatch: warm-up round…');
    await rawRound();
    await emulators.clearMail();
    await pathRound(0);
    await emulators.clearMail();
    for (let n = 1; n <= rounds; n++) {
      log(
        `dispatch: round ${n}/${rounds}: raw SendEmail loop, then planner → SQS → ${concurrency} workers → ledger → SES, ${recipients} messages each…`,
      );
      const raw = await cpuPerMessage(rawRound, cpuRaw);
      await emulators.clearMail();
      const path = await cpuPerMessage(() => pathRound(n), cpuPath);
      await emulators.clearMail();
      rawRates.push(raw);
      pathRates.push(path);
      ratios.push(path / raw);
    }

    log(`dispatch: personalize × ${PERSONALIZE_CALLS}…`);
    const urls = Array.from({ length: 1000 }, (_, i) => unsubscribeUrl(config, SECRET, benchId(i)));
    for (let i = 0; i < 10_000; i++) personalize(template, { unsubscribeUrl: urls[i % 1000]! });
    let sink = 0;
    const personalizeStart = performance.now();
    for (let i = 0; i < PERSONALIZE_CALLS; i++)
      sink += personalize(template, { unsubscribeUrl: urls[i % 1000]! }).html.length;
    const personalizeUs = ((performance.now() - personalizeStart) * 1000) / PERSONALIZE_CALLS;
    if (sink === 0) throw new Error('personalize produced nothing');

    const pathRate = median(pathRates);
    const rawRate = median(rawRates);
    const workerRate = pathRate / concurrency;
    const scale = planForScale({ ...SCALE, workerRatePerSecond: workerRate });
    return {
      dispatch_recipients: recipients,
      dispatch_concurrency: concurrency,
      dispatch_shard_size: shardSize,
      dispatch_path_msgs_per_s: round(pathRate, 1),
      raw_send_email_msgs_per_s: round(rawRate, 1),
      dispatch_vs_raw_ratio: round(median(ratios), 2),
      dispatch_rounds: rounds,
      // CPU of this process (the workers, or the raw loop) per message: all workers share it here, where each
      // Lambda worker would have its own.
      dispatch_path_cpu_us_per_msg: round(median(cpuPath), 0),
      raw_send_email_cpu_us_per_msg: round(median(cpuRaw), 0),
      personalize_us_per_recipient: round(personalizeUs, 3),
      personalize_html_bytes: Buffer.byteLength(template.html),
      scale_subscribers: SCALE.subscribers,
      scale_rate_per_s: SCALE.ratePerSecond,
      scale_shard_size: SCALE.shardSize,
      scale_worker_rate_per_s: round(workerRate, 1),
      scale_shards: scale.shards,
      scale_concurrency: scale.concurrency,
      scale_shard_seconds: round(scale.shardSeconds, 1),
      scale_wall_seconds: scale.wallSeconds,
    };
  } finally {
    ses.destroy();
    await emulators.stop();
  }
}
