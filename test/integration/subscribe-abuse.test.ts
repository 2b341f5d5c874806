import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { SqsQueue } from '../../src/adapters/sqs-queue.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { subscriberRoutes } from '../../src/http/subscriber-routes.ts';
import { createLogger } from '../../src/log.ts';
import { startSqsPoller } from '../../src/local/sqs-poller.ts';
import { queueRecords } from '../../src/app/sqs-batch.ts';
import { confirmationMessage, sendOwedConfirmations } from '../../src/subscribers/confirmations.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { mailboxOf } from '../../src/subscribers/mailbox.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import { subscriberId } from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { htmlXPath } from '../helpers/html.ts';
import { FUNCTION_ENV, setEnv } from '../helpers/function-env.ts';

const SECRET = 'abuse-test-secret-0123456789-abcdefghij';
const config = loadConfig();
const SITE_ORIGIN = new URL(config.publication.siteUrl).origin;
const emulators = useEmulators({
  tables: [{ tableName: 'subscribers', partitionKey: 'id' }],
  queues: [{ name: 'confirmations', visibilityTimeoutSeconds: 2, maxReceiveCount: 5 }],
});
let server: HttpServer;
let deps: SubscriberDeps;
let store: SubscriberStore;
let queue: SqsQueue;
// Each test starts on a new day at 10:00:30, so no counter of an earlier test applies.
let now = new Date('2026-06-10T10:00:30Z');

beforeAll(async () => {
  queue = new SqsQueue(emulators.sqs, emulators.queueUrls.confirmations!);
  deps = {
    subscribers: new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' }),
    mailer: new SesMailer(emulators.ses),
    config,
    tokenSecret: SECRET,
    confirmations: queue,
    clock: { now: () => now, sleep: async () => {} },
    log: createLogger({}, () => {}),
    softBounceThreshold: 3,
  };
  store = new SubscriberStore(deps.subscribers, SECRET, deps.clock);
  server = await startHttpServer({ routes: subscriberRoutes(deps) });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  now = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  // The bursts below come from one connection address; the client limit has its own test.
  deps.subscribeRatePerMinute = 1000;
  // What an earlier test left queued is sent and forgotten.
  await runConfirmationSender();
  await emulators.clearMail();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A form POST from this machine, optionally from another loopback address (another client) or with browser headers. */
function post(
  path: string,
  fields: Record<string, string | string[]>,
  options: { from?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) form.append(name, one);
  const body = form.toString();
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        ...(options.from !== undefined && { localAddress: options.from }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the confirmation sender on the queue, as Lambda's event source would, until nothing is left in it. */
async function runConfirmationSender(): Promise<void> {
  const poller = startSqsPoller({
    queue,
    handler: (event) => sendOwedConfirmations(deps, queueRecords(event)),
    visibilityTimeoutSeconds: 2,
    concurrency: 2,
    idleMs: 20,
  });
  try {
    await poller.drain();
  } finally {
    await poller.stop();
  }
}

const recipients = async () => (await emulators.sentMail()).map((m) => m.destination.to[0]!).sort();
const title = (answer: Answer) => htmlXPath(answer.body, 'string(//h1)');
const sameAnswer = (answer: Answer) => ({
  status: answer.status,
  body: answer.body,
  headers: Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
  ),
});

describe('one email per request decided once', () => {
  it('sends exactly one confirmation for ten simultaneous requests for one address', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post('/subscribe', { email: 'parallel@example.org' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    await runConfirmationSender();
    expect(await recipients()).toEqual(['parallel@example.org']);
  });

  it('sends one inbox at most three confirmations a day, however its address is spelt', async () => {
    // Five spellings at once are past three on DynamoDB's counters; the burst of fifty-two spellings runs on the same
    // flows in memory (test/unit/subscribe-abuse-inbox.test.ts), where it costs milliseconds instead of seconds.
    const spellings = [
      'victim+1@gmail.com',
      'victim+2@gmail.com',
      'victim+3@gmail.com',
      'v.i.c.t.i.m@gmail.com',
      'Victim@googlemail.com',
    ];
    const answers = await Promise.all(spellings.map((email) => post('/subscribe', { email })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await runConfirmationSender();
    const sent = await recipients();
    expect(sent).toHaveLength(3);
    for (const to of sent) expect(mailboxOf(to)).toBe('victim@gmail.com');

    // Another inbox is not held back by it.
    await post('/subscribe', { email: 'neighbour@gmail.com' });
    await runConfirmationSender();
    expect((await recipients()).filter((to) => to === 'neighbour@gmail.com')).toHaveLength(1);
  });

  it('sends one email when the queue delivers a confirmation again', async () => {
    await post('/subscribe', { email: 'redelivered@example.org' });
    const id = subscriberId(SECRET, 'redelivered@example.org');
    await queue.sendBatch([confirmationMessage(id), confirmationMessage(id)]);
    await runConfirmationSender();
    const again = [{ messageId: 'm-again', body: confirmationMessage(id), receiveCount: 2 }];
    expect(await sendOwedConfirmations(deps, again)).toEqual({ batchItemFailures: [] });
    expect(await recipients()).toEqual(['redelivered@example.org']);
  });
});

describe('the same answer for every address', () => {
  it('answers identically for new, pending, confirmed, unsubscribed and suppressed addresses, and mails only afterwards', async () => {
    const seed = (address: string) => store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
    await seed('same-confirmed@example.org');
    await store.confirm(subscriberId(SECRET, 'same-confirmed@example.org'), now);
    await seed('same-unsub@example.org');
    await store.unsubscribe(subscriberId(SECRET, 'same-unsub@example.org'), now);
    await seed('same-suppressed@example.org');
    await store.suppress(subscriberId(SECRET, 'same-suppressed@example.org'), 'complaint', now);
    await seed('same-pending@example.org');
    await runConfirmationSender();
    await emulators.clearMail();
    now = new Date(now.getTime() + 11 * 60 * 1000);

    const answers = [];
    for (const email of [
      'same-new@example.org',
      'same-pending@example.org',
      'same-confirmed@example.org',
      'same-unsub@example.org',
      'same-suppressed@example.org',
    ]) {
      answers.push(sameAnswer(await post('/subscribe', { email })));
    }
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(200);
    // The request itself mailed nothing: the sender does, from the queue.
    expect(await emulators.sentMail()).toEqual([]);

    await runConfirmationSender();
    expect(await recipients()).toEqual(['same-new@example.org', 'same-pending@example.org', 'same-unsub@example.org']);
  });

  it('leaves a pending subscriber as first asked: a second request only sends the confirmation again', async () => {
    await post('/subscribe', {
      email: 'first-ask@example.org',
      source: 'harbour-talks',
      topics: ['energy'],
      language: 'pt-br',
    });
    await runConfirmationSender();
    now = new Date(now.getTime() + 11 * 60 * 1000);
    await post('/subscribe', {
      email: 'first-ask@example.org',
      source: 'elsewhere',
      topics: ['europe', 'sport'],
      language: 'de',
    });
    await runConfirmationSender();
    expect(await store.getByAddress('first-ask@example.org')).toMatchObject({
      status: 'pending',
      topics: ['energy'],
      consentSource: 'web-form:harbour-talks',
      language: 'pt-BR',
    });
    expect(await recipients()).toEqual(['first-ask@example.org', 'first-ask@example.org']);
  });

  it('writes the confirmation, and the refusals, in the language of the page the form was on', async () => {
    await post('/subscribe', { email: 'lectrice@example.org', lang: 'fr' });
    await runConfirmationSender();
    const [mail] = await emulators.sentMail();
    expect(mail!.subject).not.toBe(`Confirm your subscription to ${config.publication.name}`);
    expect(mail!.subject).toContain(config.publication.name);
    const refused = await post(
      '/subscribe',
      { email: 'lectrice@example.org', lang: 'fr' },
      { headers: { Origin: 'https://evil.example' } },
    );
    expect(refused.status).toBe(403);
    expect(title(refused)).toBe('Refusé depuis un autre site');
    expect(htmlXPath(refused.body, 'string(/html/@lang)')).toBe('fr');
  });

  it('refuses a language that is not a language tag, and writes nothing', async () => {
    const answer = await post('/subscribe', { email: 'tagless@example.org', language: 'english please' });
    expect(answer.status).toBe(400);
    expect(await store.getByAddress('tagless@example.org')).toBeUndefined();
  });
});

describe('per-client limit', () => {
  it('answers 429 with Retry-After from the 21st request of a client in a minute; another client still gets through', async () => {
    delete deps.subscribeRatePerMinute;
    const answers: Answer[] = [];
    for (let n = 0; n < 25; n++) answers.push(await post('/subscribe', { email: `rate-${n}@example.org` }));
    expect(answers.slice(0, 20).map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const answer of answers.slice(20)) {
      expect(answer.status).toBe(429);
      // 10:00:30 in the window 10:00-10:01: 30 seconds to wait.
      expect(answer.headers['retry-after']).toBe('30');
      expect(title(answer)).toBe('Too many requests');
    }
    expect(await store.getByAddress('rate-24@example.org')).toBeUndefined();

    expect((await post('/subscribe', { email: 'other-client@example.org' }, { from: '127.0.0.2' })).status).toBe(200);
    // A header naming another viewer does not make this client another one: the server takes the connection's address.
    expect(
      (
        await post(
          '/subscribe',
          { email: 'forged@example.org' },
          { headers: { 'CloudFront-Viewer-Address': '203.0.113.9:4000' } },
        )
      ).status,
    ).toBe(429);
    // The next minute, the client is welcome again.
    now = new Date(now.getTime() + 60 * 1000);
    expect((await post('/subscribe', { email: 'rate-next-minute@example.org' })).status).toBe(200);
  });
});

describe('other sites', () => {
  it("refuses a POST another site's page makes a browser send, and writes nothing", async () => {
    const before = (await deps.subscribers.scan({ limit: 1000 })).items.length;
    const evil = await post(
      '/subscribe',
      { email: 'csrf-victim@example.org' },
      { headers: { Origin: 'https://evil.example' } },
    );
    expect(evil.status).toBe(403);
    expect(title(evil)).toBe('Not accepted from another site');
    const foreign: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null' },
      { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: SITE_ORIGIN, 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of foreign) {
      expect(
        (await post('/subscribe', { email: 'csrf-victim@example.org' }, { headers })).status,
        JSON.stringify(headers),
      ).toBe(403);
    }
    expect((await deps.subscribers.scan({ limit: 1000 })).items.length).toBe(before);
    await runConfirmationSender();
    expect(await emulators.sentMail()).toEqual([]);

    const ours = await post(
      '/subscribe',
      { email: 'own-page@example.org' },
      { headers: { Origin: SITE_ORIGIN, 'Sec-Fetch-Site': 'same-origin' } },
    );
    expect(ours.status).toBe(200);
    expect((await store.getByAddress('own-page@example.org'))?.status).toBe('pending');
    // A page of ours under a no-referrer policy posts with `Origin: null`, and says it is the same origin.
    const noReferrer = await post(
      '/subscribe',
      { email: 'no-referrer@example.org' },
      { headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' } },
    );
    expect(noReferrer.status).toBe(200);
  });
});

describe('the functions Lambda runs', () => {
  it('subscribe queues the send and the confirmation sender makes it, from their environment alone', async () => {
    onTestFinished(
      setEnv({
        TOKEN_SECRET: SECRET,
        ...FUNCTION_ENV,
        CONFIRMATION_QUEUE_URL: emulators.queueUrls.confirmations!,
        BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(emulators.endpoints),
      }),
    );
    // Each function module reads its environment when it is first evaluated, as at a Lambda cold start: evaluated
    // afresh here, not as another file of this worker left it.
    vi.resetModules();
    const subscribeFn = await import('../../functions/subscribe.ts');
    const senderFn = await import('../../functions/confirmation-sender.ts');
    const body = new URLSearchParams({ email: 'lambda-queued@example.org' }).toString();
    const answer = await subscribeFn.handler({
      rawPath: '/subscribe',
      rawQueryString: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cloudfront-viewer-address': '198.51.100.7:51000',
      },
      requestContext: { http: { method: 'POST', sourceIp: '130.176.0.1' } },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    expect(answer.statusCode).toBe(200);
    expect(await emulators.sentMail()).toEqual([]);

    const messages = await queue.receive(10, { visibilityTimeoutSeconds: 2 });
    expect(messages).toHaveLength(1);
    const event = {
      Records: messages.map((m) => ({
        messageId: m.id,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount) },
      })),
    };
    expect(await senderFn.handler(event)).toEqual({ batchItemFailures: [] });
    for (const m of messages) await queue.delete(m.receiptHandle);
    expect(await recipients()).toEqual(['lambda-queued@example.org']);
  });
});
