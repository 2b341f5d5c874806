import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { systemClock } from '../../src/adapters/clock.ts';
import { simpleParser } from 'mailparser';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { subscriberRoutes } from '../../src/http/subscriber-routes.ts';
import type { Logger, LogFields } from '../../src/log.ts';
import { handleSesEvent, type SubscriberDeps } from '../../src/subscribers/flows.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import { signConfirmToken, signUnsubscribeToken, subscriberId, unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { htmlXPath } from '../helpers/html.ts';
import { FUNCTION_ENV, setEnv } from '../helpers/function-env.ts';

const SECRET = 'flows-test-secret-0123456789-abcdefghij';
const config = loadConfig();
const START = new Date('2026-06-10T08:00:00Z');

const emulators = useEmulators({
  tables: [
    { tableName: 'subscribers', partitionKey: 'id' },
    { tableName: 'ledger', partitionKey: 'pk', sortKey: 'sk' },
  ],
});
let server: HttpServer;
let deps: SubscriberDeps;
let store: SubscriberStore;
let now = START;
const logLines: string[] = [];

/** A logger that records every line as given, without the masking the real one applies: it proves the callers. */
function recordingLogger(base: LogFields = {}): Logger {
  const emit =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void logLines.push(
        JSON.stringify({ level, message, ...base, ...fields }, (_k, v: unknown) =>
          v instanceof Error ? { name: v.name, message: v.message } : v,
        ),
      );
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => recordingLogger({ ...base, ...fields }),
  };
}

beforeAll(async () => {
  deps = {
    subscribers: new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' }),
    mailer: new SesMailer(emulators.ses),
    config,
    tokenSecret: SECRET,
    clock: { now: () => now, sleep: async () => {} },
    log: recordingLogger(),
    softBounceThreshold: 3,
  };
  store = new SubscriberStore(deps.subscribers, SECRET, systemClock);
  server = await startHttpServer({ routes: subscriberRoutes(deps) });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  now = new Date(now.getTime() + 60 * 60 * 1000);
  await emulators.clearMail();
});

/** The record's link nonce, which the links of its subscription are bound to. */
const nonceOf = async (id: string) => (await store.get(id))?.linkNonce;

/** XPath over the page, evaluated by an independent HTML parser. */
const xpath = htmlXPath;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function post(path: string, body: string, type = 'application/x-www-form-urlencoded') {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function get(path: string) {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The path and query of a link on the public site, to request from the local server instead. */
const local = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};

async function subscribeThroughForm(email: string, source = '2026-06-04-harbour-talks') {
  return post('/subscribe', form({ email, source }));
}

describe('subscribe → confirmation email → confirm', () => {
  it('takes a reader from the page form to a confirmed subscription', async () => {
    const answer = await subscribeThroughForm('  Reader.One@Example.ORG ');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(answer.headers.get('referrer-policy')).toBe('same-origin');
    expect(xpath(answer.body, 'string(//h1)')).toBe('Check your inbox');

    const pending = await store.getByAddress('reader.one@example.org');
    expect(pending).toMatchObject({
      status: 'pending',
      consentSource: 'web-form:2026-06-04-harbour-talks',
      email: 'reader.one@example.org',
    });

    const mail = await emulators.sentMail();
    expect(mail).toHaveLength(1);
    const message = await simpleParser(await emulators.sentMailMime(mail[0]!.messageId));
    expect(message.to && 'text' in message.to && message.to.text).toBe('reader.one@example.org');
    expect(message.from?.value[0]).toEqual({ name: config.sender.name, address: config.sender.address });
    expect(message.subject).toBe(`Confirm your subscription to ${config.publication.name}`);
    const textLink = /https:\/\/\S+\/confirm\?token=\S+/.exec(message.text ?? '')?.[0];
    expect(textLink).toBeDefined();
    expect(xpath(String(message.html), 'string(//a[1]/@href)')).toBe(textLink);
    expect(textLink!.startsWith(`${config.publication.siteUrl}/confirm?token=`)).toBe(true);

    // Opening the link (as a mail scanner would) changes nothing; it shows a button.
    const landing = await get(local(textLink!));
    expect(landing.status).toBe(200);
    expect(xpath(landing.body, 'string(//form/@method)')).toBe('post');
    expect(xpath(landing.body, 'string(//form//button)')).toBe('Confirm subscription');
    const token = xpath(landing.body, 'string(//form//input[@name="token"]/@value)');
    expect(token).toBe(new URL(textLink!).searchParams.get('token'));
    expect((await store.getByAddress('reader.one@example.org'))?.status).toBe('pending');

    // Pressing it posts the form to the page's own address.
    const done = await post(local(textLink!), form({ token }));
    expect(done.status).toBe(200);
    expect(xpath(done.body, 'string(//h1)')).toBe("You're subscribed");
    const confirmed = await store.getByAddress('reader.one@example.org');
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      consentAt: now.toISOString(),
      confirmedAt: now.toISOString(),
    });

    // A second press is harmless.
    expect((await post(local(textLink!), form({ token }))).status).toBe(200);
  });

  it('answers identically for new, pending, confirmed, unsubscribed and suppressed addresses', async () => {
    await store.subscribe({ address: 'known-confirmed@example.org', consentSource: 'web-form', topics: [] }, now);
    await store.confirm(subscriberId(SECRET, 'known-confirmed@example.org'), now);
    await store.subscribe({ address: 'known-unsub@example.org', consentSource: 'web-form', topics: [] }, now);
    await store.unsubscribe(subscriberId(SECRET, 'known-unsub@example.org'), now);
    await store.subscribe({ address: 'known-suppressed@example.org', consentSource: 'web-form', topics: [] }, now);
    await store.suppress(subscriberId(SECRET, 'known-suppressed@example.org'), 'complaint', now);
    await store.subscribe({ address: 'known-pending@example.org', consentSource: 'web-form', topics: [] }, now);

    const answers = [];
    for (const email of [
      'brand-new@example.org',
      'known-pending@example.org',
      'known-confirmed@example.org',
      'known-unsub@example.org',
      'known-suppressed@example.org',
    ]) {
      const answer = await subscribeThroughForm(email);
      answers.push({
        status: answer.status,
        body: answer.body,
        headers: [...answer.headers].filter(([n]) => !['date', 'connection', 'keep-alive'].includes(n)),
      });
    }
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);

    // Mail goes only where it should: the new, the pending and the returning reader; never the suppressed one.
    const recipients = (await emulators.sentMail()).map((m) => m.destination.to[0]).sort();
    expect(recipients).toEqual(['brand-new@example.org', 'known-pending@example.org', 'known-unsub@example.org']);
    expect((await store.getByAddress('known-unsub@example.org'))?.status).toBe('pending');
    expect((await store.getByAddress('known-confirmed@example.org'))?.status).toBe('confirmed');
  });

  it('keeps a suppressed address suppressed, and mails it nothing, however often the form is sent', async () => {
    await store.subscribe({ address: 'bounced@example.org', consentSource: 'web-form', topics: [] }, now);
    await store.suppress(subscriberId(SECRET, 'bounced@example.org'), 'bounce:General', now);
    for (let i = 0; i < 3; i++) expect((await subscribeThroughForm('Bounced@example.org')).status).toBe(200);
    expect(await store.getByAddress('bounced@example.org')).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'bounce:General',
    });
    expect(await emulators.sentMail()).toEqual([]);
  });

  it('sends a pending reader one confirmation per ten minutes, not one per form submission', async () => {
    await subscribeThroughForm('impatient@example.org');
    await subscribeThroughForm('impatient@example.org');
    expect(await emulators.sentMail()).toHaveLength(1);
    now = new Date(now.getTime() + 11 * 60 * 1000);
    await subscribeThroughForm('impatient@example.org');
    expect(await emulators.sentMail()).toHaveLength(2);
  });

  it('refuses an invalid address with a 400 page that says what is wrong and offers the form again, escaped', async () => {
    const hostile = '"><script>alert(1)</script>@x';
    const answer = await post('/subscribe', form({ email: hostile, source: '<img src=x onerror=alert(2)>' }));
    expect(answer.status).toBe(400);
    expect(xpath(answer.body, 'string(//h1)')).toBe('That address does not look right');
    expect(xpath(answer.body, 'string(//main/p[1])')).toBe('The part before the @ is not a valid mailbox name.');
    expect(xpath(answer.body, 'string(//input[@name="email"]/@value)')).toBe(hostile);
    expect(xpath(answer.body, 'string(//input[@name="source"]/@value)')).toBe('<img src=x onerror=alert(2)>');
    expect(xpath(answer.body, 'count(//script)')).toBe('0');
    expect(xpath(answer.body, 'count(//img)')).toBe('0');
    expect(await emulators.sentMail()).toEqual([]);
  });

  it('shows the form on GET and refuses other methods', async () => {
    const page = await get('/subscribe');
    expect(page.status).toBe(200);
    expect(xpath(page.body, 'count(//form[@method="post"]//input[@name="email"])')).toBe('1');
    const put = await fetch(`${server.url}/subscribe`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});

describe('links that do not work', () => {
  const id = () => subscriberId(SECRET, 'victim@example.org');

  beforeEach(async () => {
    await store.subscribe({ address: 'victim@example.org', consentSource: 'web-form', topics: [] }, now);
  });

  it('refuses forged, tampered, truncated, expired and other-purpose confirm tokens with a page that says what to do', async () => {
    const good = signConfirmToken(SECRET, id(), new Date(now.getTime() + 1000));
    const [prefix, sid, expiry, mac] = good.split('.') as [string, string, string, string];
    const bad = {
      forged: signConfirmToken('some-other-secret-0123456789-abcdefgh', id(), new Date(now.getTime() + 60_000)),
      tampered: `${prefix}.${subscriberId(SECRET, 'someone@example.org')}.${expiry}.${mac}`,
      'later expiry': `${prefix}.${sid}.${Number(expiry) + 86_400}.${mac}`,
      truncated: good.slice(0, -1),
      expired: signConfirmToken(SECRET, id(), new Date(now.getTime() - 1000)),
      'other purpose': signUnsubscribeToken(SECRET, id()),
      empty: '',
    };
    for (const [what, token] of Object.entries(bad)) {
      for (const answer of [
        await get(`/confirm?token=${encodeURIComponent(token)}`),
        await post(`/confirm`, form({ token })),
      ]) {
        expect(answer.status, what).toBe(400);
        expect(xpath(answer.body, 'string(//h1)'), what).toBe('This confirmation link does not work');
        expect(xpath(answer.body, 'string(//main//a/@href)'), what).toBe(`${config.publication.siteUrl}/subscribe`);
        expect(xpath(answer.body, 'count(//form)'), what).toBe('0');
      }
    }
    expect(
      xpath((await get(`/confirm?token=${encodeURIComponent(bad.expired)}`)).body, 'string(//main/p[1])'),
    ).toContain('expired');
    expect((await store.get(id()))?.status).toBe('pending');
  });

  it('refuses forged, tampered and other-purpose unsubscribe tokens, one-click included', async () => {
    await store.confirm(id(), now);
    const good = signUnsubscribeToken(SECRET, id());
    const [prefix, , mac] = good.split('.');
    const bad = [
      signUnsubscribeToken('some-other-secret-0123456789-abcdefgh', id()),
      `${prefix}.${subscriberId(SECRET, 'someone@example.org')}.${mac}`,
      good.slice(0, 30),
      signConfirmToken(SECRET, id(), new Date(now.getTime() + 60_000)),
    ];
    for (const token of bad) {
      const query = `?token=${encodeURIComponent(token)}`;
      expect((await get(`/unsubscribe${query}`)).status).toBe(400);
      expect((await post(`/unsubscribe${query}`, 'List-Unsubscribe=One-Click')).status).toBe(400);
      const fromPage = await post(`/unsubscribe${query}`, form({ token }));
      expect(fromPage.status).toBe(400);
      expect(xpath(fromPage.body, 'string(//h1)')).toBe('This unsubscribe link does not work');
    }
    expect((await store.get(id()))?.status).toBe('confirmed');
  });
});

describe('unsubscribe', () => {
  const address = 'leaving@example.org';
  const id = () => subscriberId(SECRET, address);

  beforeEach(async () => {
    await store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
    await store.confirm(id(), now);
  });

  it('unsubscribes with an RFC 8058 one-click POST, urlencoded or multipart, as often as it is sent', async () => {
    const link = local(unsubscribeUrl(config, SECRET, id(), await nonceOf(id())));
    const first = await post(link, 'List-Unsubscribe=One-Click');
    expect(first.status).toBe(200);
    expect(first.body.length).toBeLessThan(100);
    expect(await store.get(id())).toMatchObject({ status: 'unsubscribed', unsubscribedAt: now.toISOString() });

    const boundary = '----mailbox-provider-7d3a';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const again = await post(link, multipart, `multipart/form-data; boundary=${boundary}`);
    expect(again.status).toBe(200);
    expect((await store.get(id()))?.status).toBe('unsubscribed');
  });

  it('accepts the links the dispatch workers sign', async () => {
    const link = `${new URL(config.unsubscribe.url).pathname}?token=${encodeURIComponent(signUnsubscribeToken(SECRET, id(), await nonceOf(id())))}`;
    expect((await post(link, 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect((await store.get(id()))?.status).toBe('unsubscribed');
  });

  it('shows a page with an Unsubscribe button on GET, which unsubscribes when pressed', async () => {
    const link = local(unsubscribeUrl(config, SECRET, id(), await nonceOf(id())));
    const page = await get(link);
    expect(page.status).toBe(200);
    expect(xpath(page.body, 'string(//form[@method="post"]//button)')).toBe('Unsubscribe');
    expect((await store.get(id()))?.status).toBe('confirmed');
    const token = xpath(page.body, 'string(//form//input[@name="token"]/@value)');
    const done = await post(link, form({ token }));
    expect(done.status).toBe(200);
    expect(xpath(done.body, 'string(//h1)')).toBe("You're unsubscribed");
    expect((await store.get(id()))?.status).toBe('unsubscribed');
    expect((await post(link, form({ token }))).status).toBe(200);
  });

  it('lets an unsubscribed reader come back only through double opt-in', async () => {
    await post(local(unsubscribeUrl(config, SECRET, id(), await nonceOf(id()))), 'List-Unsubscribe=One-Click');
    await subscribeThroughForm(address);
    expect((await store.get(id()))?.status).toBe('pending');
    const [mail] = await emulators.sentMail();
    const link = /https:\/\/\S+\/confirm\?token=\S+/.exec(mail!.body.text ?? '')![0];
    await post(local(link), form({ token: new URL(link).searchParams.get('token')! }));
    expect((await store.get(id()))?.status).toBe('confirmed');
  });
});

describe('SES bounces and complaints', () => {
  const mail = (to: string) => ({
    timestamp: '2026-06-10T10:00:00.000Z',
    messageId: '0100018f-aaaa-bbbb-cccc-000000000001-000000',
    source: 'Monexus Desk <desk@monexus.example>',
    sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/monexus.example',
    sendingAccountId: '123456789012',
    destination: [to],
    headersTruncated: false,
    tags: { 'ses:configuration-set': ['broadsheet'] },
  });
  const bounce = (to: string, bounceType: string, bounceSubType: string, feedbackId: string) => ({
    eventType: 'Bounce',
    bounce: {
      feedbackId,
      bounceType,
      bounceSubType,
      bouncedRecipients: [
        {
          emailAddress: to,
          action: 'failed',
          status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-06-10T10:00:01.000Z',
      reportingMTA: 'dns; a8-50.smtp-out.amazonses.com',
    },
    mail: mail(to),
  });
  /** How Lambda receives a configuration set's SNS event destination. */
  const viaSns = (message: unknown) => ({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:ses-events:0c4c-11',
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
          Subject: null,
          Message: JSON.stringify(message),
          Timestamp: '2026-06-10T10:00:02.000Z',
          SignatureVersion: '1',
          MessageAttributes: {},
        },
      },
    ],
  });
  /** How Lambda receives the same through EventBridge. */
  const viaEventBridge = (detail: unknown, detailType: string) => ({
    version: '0',
    id: 'e3c2-8a6f',
    'detail-type': detailType,
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-06-10T10:00:02Z',
    region: 'us-east-1',
    resources: ['arn:aws:ses:us-east-1:123456789012:configuration-set/broadsheet'],
    detail,
  });

  async function confirmedReader(address: string) {
    await store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
    await store.confirm(subscriberId(SECRET, address), now);
    return subscriberId(SECRET, address);
  }

  it('suppresses a reader whose mail bounced permanently (SNS)', async () => {
    const id = await confirmedReader('gone@example.org');
    const summary = await handleSesEvent(deps, viaSns(bounce('gone@example.org', 'Permanent', 'General', 'fb-perm-1')));
    expect(summary).toMatchObject({ suppressed: 1, malformed: 0 });
    expect(await store.get(id)).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce:General' });
  });

  it('counts transient bounces (EventBridge) and suppresses at the third, counting a redelivered event once', async () => {
    const id = await confirmedReader('full-mailbox@example.org');
    const event = (n: number) =>
      viaEventBridge(
        bounce('"Full Mailbox" <full-mailbox@example.org>', 'Transient', 'MailboxFull', `fb-soft-${n}`),
        'Email Bounced',
      );
    await handleSesEvent(deps, event(1));
    await handleSesEvent(deps, event(1));
    expect(await store.get(id)).toMatchObject({ status: 'confirmed', softBounces: 1 });
    await handleSesEvent(deps, event(2));
    expect(await store.get(id)).toMatchObject({ status: 'confirmed', softBounces: 2 });
    const summary = await handleSesEvent(deps, event(3));
    expect(summary.suppressed).toBe(1);
    expect(await store.get(id)).toMatchObject({
      status: 'suppressed',
      softBounces: 3,
      suppressedReason: 'soft-bounces',
    });
  });

  it('suppresses a reader who complained, in either shape, also from an identity notification', async () => {
    const complaint = (to: string) => ({
      eventType: 'Complaint',
      complaint: {
        feedbackId: 'fb-complaint-1',
        complaintSubType: null,
        complainedRecipients: [{ emailAddress: to }],
        timestamp: '2026-06-10T10:05:00.000Z',
        userAgent: 'ExampleCorp Feedback Loop (V0.01)',
        complaintFeedbackType: 'abuse',
        arrivalDate: '2026-06-10T10:04:00.000Z',
      },
      mail: mail(to),
    });
    const a = await confirmedReader('angry-a@example.org');
    const b = await confirmedReader('angry-b@example.org');
    const c = await confirmedReader('angry-c@example.org');
    await handleSesEvent(deps, viaSns(complaint('angry-a@example.org')));
    await handleSesEvent(deps, viaEventBridge(complaint('angry-b@example.org'), 'Email Complaint Received'));
    const { eventType: _ignored, ...identity } = complaint('angry-c@example.org');
    await handleSesEvent(deps, viaSns({ notificationType: 'Complaint', ...identity }));
    for (const id of [a, b, c])
      expect(await store.get(id)).toMatchObject({ status: 'suppressed', suppressedReason: 'complaint' });
  });

  it('ignores deliveries, opens and unknown recipients, and reports messages it cannot read', async () => {
    const id = await confirmedReader('happy@example.org');
    const summary = await handleSesEvent(deps, {
      Records: [
        viaSns({
          eventType: 'Delivery',
          mail: mail('happy@example.org'),
          delivery: { recipients: ['happy@example.org'] },
        }).Records[0],
        viaSns(bounce('stranger@example.org', 'Permanent', 'General', 'fb-x')).Records[0],
        { EventSource: 'aws:sns', Sns: { Message: 'not json' } },
      ],
    });
    expect(summary).toEqual({
      suppressed: 0,
      softBounces: 0,
      unknownRecipients: 1,
      ignored: 1,
      malformed: 1,
      suppressedByDispatch: {},
    });
    expect((await store.get(id))?.status).toBe('confirmed');
    expect(await store.getByAddress('stranger@example.org')).toBeUndefined();
  });
});

describe('the functions Lambda runs', () => {
  it('subscribe, confirm, unsubscribe and ses-events work from their environment alone', async () => {
    onTestFinished(
      setEnv({
        TOKEN_SECRET: SECRET,
        ...FUNCTION_ENV,
        BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(emulators.endpoints),
      }),
    );
    // Each function module reads its environment when it is first evaluated, as at a Lambda cold start: evaluated
    // afresh here, not as another file of this worker left it.
    vi.resetModules();
    const subscribeFn = await import('../../functions/subscribe.ts');
    const confirmFn = await import('../../functions/confirm.ts');
    const unsubscribeFn = await import('../../functions/unsubscribe.ts');
    const sesEventsFn = await import('../../functions/ses-events.ts');
    const event = (method: string, path: string, query: string, body?: string) => ({
      rawPath: path,
      rawQueryString: query,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requestContext: { http: { method } },
      ...(body !== undefined && { body: Buffer.from(body).toString('base64') }),
      isBase64Encoded: body !== undefined,
    });

    const subscribed = await subscribeFn.handler(
      event('POST', '/subscribe', '', form({ email: 'lambda-reader@example.org', source: 'x' })),
    );
    expect(subscribed.statusCode).toBe(200);
    const [sent] = await emulators.sentMail();
    const link = new URL(/https:\/\/\S+\/confirm\?token=\S+/.exec(sent!.body.text ?? '')![0]);
    const confirmed = await confirmFn.handler(event('POST', '/confirm', link.search.slice(1), form({})));
    expect(confirmed.statusCode).toBe(200);
    const id = subscriberId(SECRET, 'lambda-reader@example.org');
    expect((await store.get(id))?.status).toBe('confirmed');

    const query = new URL(unsubscribeUrl(config, SECRET, id, await nonceOf(id))).search.slice(1);
    expect(
      (await unsubscribeFn.handler(event('POST', '/unsubscribe', query, 'List-Unsubscribe=One-Click'))).statusCode,
    ).toBe(200);
    expect((await store.get(id))?.status).toBe('unsubscribed');

    const complaint = {
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'lambda-reader@example.org' }] },
      mail: {},
    };
    const summary = await sesEventsFn.handler({
      Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(complaint) } }],
    });
    expect(summary).toMatchObject({ suppressed: 1 });

    // From the configuration set's EventBridge rule through the queue: a batch, each event counted for its dispatch.
    const bridge = (eventType: string, detail: Record<string, unknown>) => ({
      source: 'aws.ses',
      'detail-type': eventType === 'Delivery' ? 'Email Delivered' : 'Email Complaint Received',
      detail: {
        eventType,
        mail: { messageId: 'ses-1', destination: ['lambda-reader@example.org'], tags: { dispatch: ['2026-06-01-x'] } },
        ...detail,
      },
    });
    const records = [
      bridge('Delivery', { delivery: { recipients: ['lambda-reader@example.org'] } }),
      bridge('Complaint', { complaint: { complainedRecipients: [{ emailAddress: 'lambda-reader@example.org' }] } }),
      bridge('Delivery', { delivery: { recipients: ['lambda-reader@example.org'] } }),
    ].map((body, n) => ({
      eventSource: 'aws:sqs',
      messageId: `q${n}`,
      receiptHandle: `r${n}`,
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1' },
    }));
    expect(await sesEventsFn.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    const { pairTable } = await import('../../src/app/adapters.ts');
    const { readFigures } = await import('../../src/pipeline/dispatch/figures.ts');
    expect(await readFigures(pairTable(emulators, 'ledger'), '2026-06-01-x')).toMatchObject({
      delivered: 1,
      complained: 1,
    });
  });
});

describe('logs', () => {
  it('never contain an address, in any line written during these tests', () => {
    expect(logLines.length).toBeGreaterThan(20);
    for (const line of logLines) expect(line).not.toMatch(/@/);
    expect(logLines.some((line) => line.includes('"subscriberId"'))).toBe(true);
  });
});
