// The subscribe form's limits past one inbox: a client's IPv6 /64 counted as one client, pending records that expire
// with their link, a daily ceiling on confirmations as a whole, and no confirmation to any spelling of an inbox that
// bounced or complained.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientAddress, clientNetwork } from '../../src/http/request.ts';
import { handleSubscribeRequest } from '../../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../src/http/types.ts';
import type { Logger, LogFields } from '../../src/log.ts';
import {
  CONFIRMATIONS_PER_DAY,
  confirmationsOfDayCounterId,
  deliverOwedConfirmation,
} from '../../src/subscribers/confirmations.ts';
import { handleSesEvent, sendConfirmation, type SubscriberDeps } from '../../src/subscribers/flows.ts';
import { mailboxDigest, suppressedMailboxId } from '../../src/subscribers/mailbox.ts';
import { pendingExpiry, type SubscriberStore } from '../../src/subscribers/store.ts';
import { CONFIRM_TOKEN_LIFETIME_MS, subscriberId, verifyToken } from '../../src/subscribers/tokens.ts';
import { windowStart } from '../../src/subscribers/window-counter.ts';
import type { MemoryMailer } from '../helpers/memory-mailer.ts';
import { subscriberDepsInMemory } from '../helpers/subscriber-deps-memory.ts';

const SECRET = 'abuse-limits-secret-0123456789-abcdefghij';
const DAY_MS = 24 * 60 * 60 * 1000;
// The limits are the flows' logic: a table and a mailer in memory (test/integration/subscribe-abuse.test.ts runs the form's
// limits end to end on the emulators).
let mailer: MemoryMailer;
let deps: SubscriberDeps;
let store: SubscriberStore;
// Each test starts on a new day at 10:00:30, so no counter of an earlier test applies.
let now = new Date('2026-07-01T10:00:30Z');
const logLines: { level: string; message: string; fields: LogFields }[] = [];

function recordingLogger(): Logger {
  const emit =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void logLines.push({ level, message, fields });
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: () => recordingLogger(),
  };
}

beforeAll(() => {
  // No queue: the confirmation is sent within the request, by the same code the confirmation sender runs.
  ({ deps, store, mailer } = subscriberDepsInMemory(SECRET, () => now, recordingLogger()));
});

beforeEach(async () => {
  now = new Date(windowStart(new Date(now.getTime() + 2 * DAY_MS), DAY_MS) + 10 * 60 * 60 * 1000 + 30 * 1000);
  deps.subscribeRatePerMinute = 1000;
  logLines.length = 0;
  await mailer.clearMail();
});

/** A subscribe POST as the Function URL receives it behind CloudFront: the viewer named by CloudFront's header. */
function subscribeEvent(email: string, client: { viewer?: string; sourceIp?: string } = {}): FunctionUrlEvent {
  return {
    rawPath: '/subscribe',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(client.viewer !== undefined && { 'cloudfront-viewer-address': client.viewer }),
    },
    requestContext: { http: { method: 'POST', sourceIp: client.sourceIp ?? '130.176.0.1' } },
    body: new URLSearchParams({ email }).toString(),
    isBase64Encoded: false,
  };
}
const subscribeAs = (email: string, client: { viewer?: string; sourceIp?: string } = {}) =>
  handleSubscribeRequest(deps, subscribeEvent(email, client));
const recipients = async () => (await mailer.sentMail()).map((m) => m.destination.to[0]!).sort();
const rawItem = (address: string) => deps.subscribers.get({ id: subscriberId(SECRET, address) });
const sameAnswer = (answer: FunctionUrlResult) => ({
  status: answer.statusCode,
  headers: answer.headers,
  body: answer.body,
});

describe('the client network', () => {
  it('is an IPv4 address itself, an IPv6 address its /64 however written, an IPv4-mapped address its IPv4 address', () => {
    expect(clientNetwork('198.51.100.7')).toBe('198.51.100.7');
    for (const written of [
      '2001:db8:0:7::1',
      '2001:DB8:0000:0007:ffff:1:2:3',
      '[2001:db8:0:7:a:b:c:d]',
      '2001:db8:0:7::9%eth0',
      '2001:0db8:0:7:0:0:0:1',
    ]) {
      expect(clientNetwork(written), written).toBe('2001:db8:0:7::/64');
    }
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(clientNetwork('::ffff:c633:6407')).toBe('198.51.100.7');
    expect(clientNetwork('0:0:0:0:0:ffff:198.51.100.7')).toBe('198.51.100.7');
    // Not an address: as given (it is only ever a key of a counter).
    expect(clientNetwork('2001:db8:::1')).toBe('2001:db8:::1');
    expect(clientNetwork('')).toBe('');
  });

  it('takes the network of a request’s client, from CloudFront’s header or the Function URL’s caller', () => {
    const counted = (client: { viewer?: string; sourceIp?: string }) =>
      clientNetwork(clientAddress(subscribeEvent('x@example.org', client)));
    expect(counted({ viewer: '2001:db8:0:7:1234:5678:9abc:def0:46532' })).toBe('2001:db8:0:7::/64');
    expect(counted({ viewer: '198.51.100.10:46532' })).toBe('198.51.100.10');
    expect(counted({ viewer: '::ffff:198.51.100.10:46532' })).toBe('198.51.100.10');
    expect(counted({ sourceIp: '2001:db8:0:9::5' })).toBe('2001:db8:0:9::/64');
  });
});

describe('per-client limit over IPv6', () => {
  it('counts every interface id of one /64 as one client: 20 of 40 rotating posts pass, then 429', async () => {
    delete deps.subscribeRatePerMinute;
    const answers: FunctionUrlResult[] = [];
    for (let n = 0; n < 40; n++) {
      const viewer = `2001:db8:aa:1:${(0x1000 + n).toString(16)}:${n.toString(16)}:beef:${(n * 7).toString(16)}:${40000 + n}`;
      answers.push(await subscribeAs(`v6-${n}@example.org`, { viewer }));
    }
    expect(answers.slice(0, 20).map((a) => a.statusCode)).toEqual(Array(20).fill(200));
    expect(answers.slice(20).map((a) => a.statusCode)).toEqual(Array(20).fill(429));
    expect(answers[20]!.headers['retry-after']).toBe('30');
    expect(await rawItem('v6-39@example.org')).toBeUndefined();

    // The next /64 is another client; so is the Function URL's caller when CloudFront names none.
    expect((await subscribeAs('v6-other@example.org', { viewer: '2001:db8:aa:2::1:443' })).statusCode).toBe(200);
    expect((await subscribeAs('v6-direct@example.org', { sourceIp: '2001:db8:aa:3::1' })).statusCode).toBe(200);
    // The next minute, the /64 is welcome again.
    now = new Date(now.getTime() + 60 * 1000);
    expect((await subscribeAs('v6-next@example.org', { viewer: '2001:db8:aa:1::77:443' })).statusCode).toBe(200);
  });

  it('counts an IPv4-mapped IPv6 client as its IPv4 address', async () => {
    delete deps.subscribeRatePerMinute;
    for (let n = 0; n < 20; n++)
      expect(
        (await subscribeAs(`mapped-${n}@example.org`, { viewer: `::ffff:198.51.100.77:${50000 + n}` })).statusCode,
      ).toBe(200);
    expect((await subscribeAs('mapped-plain@example.org', { viewer: '198.51.100.77:51000' })).statusCode).toBe(429);
    expect((await subscribeAs('mapped-neighbour@example.org', { viewer: '198.51.100.78:51000' })).statusCode).toBe(200);
  });
});

describe('pending subscribers expire with their link', () => {
  it('carries expiresAt (epoch seconds) no earlier than the link it was sent, and loses it when confirmed', async () => {
    await subscribeAs('expiring@example.org');
    const item = await rawItem('expiring@example.org');
    expect(item).toMatchObject({ status: 'pending', expiresAt: pendingExpiry(now) });
    expect(item!.expiresAt).toBe(Math.ceil((now.getTime() + CONFIRM_TOKEN_LIFETIME_MS) / 1000));
    const [mail] = await mailer.sentMail();
    const token = new URL(/https:\/\/\S+\/confirm\?token=\S+/.exec(mail!.body.text ?? '')![0]).searchParams.get(
      'token',
    )!;
    const check = verifyToken(SECRET, 'confirm', token, now);
    expect(check.ok && check.expiresAt!.getTime() <= Number(item!.expiresAt) * 1000).toBe(true);

    // A request after the cooldown sends a new link and moves the expiry with it.
    now = new Date(now.getTime() + 11 * 60 * 1000);
    await subscribeAs('expiring@example.org');
    expect((await rawItem('expiring@example.org'))!.expiresAt).toBe(pendingExpiry(now));

    await store.confirm(subscriberId(SECRET, 'expiring@example.org'), now);
    const confirmed = await rawItem('expiring@example.org');
    expect(confirmed).toMatchObject({ status: 'confirmed' });
    expect(confirmed).not.toHaveProperty('expiresAt');
  });

  it('never leaves expiresAt on a record that leaves pending otherwise (unsubscribed, suppressed)', async () => {
    for (const address of ['leaves-unsub@example.org', 'leaves-supp@example.org']) await subscribeAs(address);
    await store.unsubscribe(subscriberId(SECRET, 'leaves-unsub@example.org'), now);
    await store.suppress(subscriberId(SECRET, 'leaves-supp@example.org'), 'bounce:General', now);
    expect(await rawItem('leaves-unsub@example.org')).not.toHaveProperty('expiresAt');
    expect(await rawItem('leaves-supp@example.org')).not.toHaveProperty('expiresAt');
  });

  it('treats an expired record DynamoDB has not deleted yet as absent: a new request starts afresh', async () => {
    await subscribeAs('lapsed@example.org', { viewer: '203.0.113.1:1' });
    const id = subscriberId(SECRET, 'lapsed@example.org');
    now = new Date(now.getTime() + CONFIRM_TOKEN_LIFETIME_MS + 1000);
    expect(await rawItem('lapsed@example.org')).toMatchObject({ status: 'pending' });
    expect(await store.get(id, now)).toBeUndefined();
    expect(await store.confirm(id, now)).toMatchObject({ outcome: 'unknown' });
    expect(await deliverOwedConfirmation(deps, id)).toBe('nothing-owed');

    await mailer.clearMail();
    const again = await store.subscribe(
      { address: 'lapsed@example.org', consentSource: 'web-form:again', topics: ['energy'] },
      now,
    );
    expect(again).toMatchObject({ outcome: 'created', confirmationDue: true });
    const item = await rawItem('lapsed@example.org');
    expect(item).toMatchObject({
      status: 'pending',
      consentSource: 'web-form:again',
      topics: ['energy'],
      expiresAt: pendingExpiry(now),
    });
    expect(item).not.toHaveProperty('confirmationSentAt');
    expect(await deliverOwedConfirmation(deps, id)).toBe('sent');
    expect(await recipients()).toEqual(['lapsed@example.org']);
  });
});

describe('a daily ceiling on confirmations as a whole', () => {
  it('withholds every confirmation past the ceiling, with the same answer, and sends again the next day', async () => {
    const day = windowStart(now, DAY_MS);
    await subscribeAs('before-ceiling@example.org');
    expect(await deps.subscribers.get({ id: confirmationsOfDayCounterId(day) })).toMatchObject({ count: 1 });
    const allowed = sameAnswer(await subscribeAs('also-before@example.org'));
    expect(await recipients()).toEqual(['also-before@example.org', 'before-ceiling@example.org']);

    // Everything the day allows has gone.
    await deps.subscribers.update({ id: confirmationsOfDayCounterId(day) }, { set: { count: CONFIRMATIONS_PER_DAY } });
    await mailer.clearMail();
    const withheld = sameAnswer(await subscribeAs('past-ceiling@example.org'));
    expect(withheld).toEqual(allowed);
    expect(await mailer.sentMail()).toEqual([]);
    expect(logLines.some((l) => l.message === 'confirmation withheld: confirmations had their ceiling for today')).toBe(
      true,
    );
    expect(logLines.filter((l) => l.message === 'confirmation ceiling reached for today')).toHaveLength(1);

    now = new Date(day + DAY_MS + 60 * 60 * 1000);
    await subscribeAs('past-ceiling@example.org');
    expect(await recipients()).toEqual(['past-ceiling@example.org']);
  });

  it('is a counter that deletes itself (TTL) after the day', async () => {
    await subscribeAs('counted@example.org');
    const day = windowStart(now, DAY_MS);
    expect(await deps.subscribers.get({ id: confirmationsOfDayCounterId(day) })).toMatchObject({
      expiresAt: (day + 2 * DAY_MS) / 1000,
    });
  });
});

describe('a suppressed inbox gets no confirmation, however spelt', () => {
  const complaint = (to: string) => ({
    notificationType: 'Complaint',
    complaint: { feedbackId: 'fb-1', complainedRecipients: [{ emailAddress: to }], complaintFeedbackType: 'abuse' },
    mail: { messageId: 'ses-1', destination: [to] },
  });
  const hardBounce = (to: string) => ({
    notificationType: 'Bounce',
    bounce: {
      feedbackId: 'fb-2',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: to }],
    },
    mail: { messageId: 'ses-2', destination: [to] },
  });
  const viaSns = (message: unknown) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(message) } }],
  });

  async function confirmedReader(address: string) {
    await store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
    await store.confirm(subscriberId(SECRET, address), now);
  }

  it('after a complaint, victim+1@, victim+2@ … get nothing, with the answer every address gets', async () => {
    await confirmedReader('victim@example.org');
    expect(await handleSesEvent(deps, viaSns(complaint('victim@example.org')))).toMatchObject({ suppressed: 1 });
    const marker = await deps.subscribers.get({ id: suppressedMailboxId(mailboxDigest(SECRET, 'victim@example.org')) });
    expect(marker).toBeDefined();
    // A keyed digest only: nothing in it names the address.
    expect(JSON.stringify(marker)).not.toMatch(/victim|example\.org|@/);

    const neighbour = sameAnswer(await subscribeAs('neighbour@example.org'));
    await mailer.clearMail();
    for (let day = 0; day < 3; day++) {
      for (const email of [
        'victim+1@example.org',
        'victim+2@example.org',
        'Victim+news@Example.org',
        'victim@example.org',
      ]) {
        expect(sameAnswer(await subscribeAs(email))).toEqual(neighbour);
      }
      now = new Date(now.getTime() + DAY_MS);
    }
    expect(await mailer.sentMail()).toEqual([]);
    expect(
      logLines.filter((l) => l.message === 'confirmation withheld: the inbox is suppressed (a bounce or a complaint)')
        .length,
    ).toBeGreaterThanOrEqual(9);
    // The variants are pending records like any other; they expire with their link.
    expect(await rawItem('victim+1@example.org')).toMatchObject({ status: 'pending' });

    // Another inbox of the domain is not held back.
    await subscribeAs('victimised@example.org');
    expect(await recipients()).toEqual(['victimised@example.org']);
  });

  it('after a hard bounce of a Gmail address, its dotted and googlemail spellings get nothing, nor an import’s confirmation', async () => {
    await confirmedReader('bounced.reader@gmail.com');
    await handleSesEvent(deps, viaSns(hardBounce('bounced.reader@gmail.com')));
    await mailer.clearMail();
    for (const email of ['bouncedreader@gmail.com', 'b.o.u.n.c.e.d.reader+x@googlemail.com'])
      expect((await subscribeAs(email)).statusCode).toBe(200);
    const imported = 'bounced.r.eader@gmail.com';
    await store.upsertImported({ address: imported, status: 'pending', defaultSource: 'import:test' }, now);
    expect(await sendConfirmation(deps, store, subscriberId(SECRET, imported), imported, now)).toBe(false);
    expect(await mailer.sentMail()).toEqual([]);
  });

  it('outlives erasure of the suppressed subscriber', async () => {
    await confirmedReader('erased@example.org');
    await handleSesEvent(deps, viaSns(complaint('erased@example.org')));
    expect(await store.erase(subscriberId(SECRET, 'erased@example.org'), now)).toBe('kept-suppression');
    await mailer.clearMail();
    await subscribeAs('erased+back@example.org');
    expect(await mailer.sentMail()).toEqual([]);
  });
});
