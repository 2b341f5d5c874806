// One inbox gets at most three confirmations a day, however its address is spelt: the flows' counters, on a table
// and a mailer in memory so fifty-odd simultaneous requests cost milliseconds. test/integration/subscribe-abuse.test.ts holds
// the family end to end (simultaneous requests through the local server, DynamoDB, SQS and SES).
import { beforeEach, describe, expect, it } from 'vitest';
import { handleSubscribeRequest } from '../../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent } from '../../src/http/types.ts';
import { mailboxOf } from '../../src/subscribers/mailbox.ts';
import { subscriberDepsInMemory } from '../helpers/subscriber-deps-memory.ts';

const SECRET = 'abuse-test-secret-0123456789-abcdefghij';
let now = new Date('2026-06-10T10:00:30Z');
const { deps, mailer } = subscriberDepsInMemory(SECRET, () => now);

beforeEach(async () => {
  now = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  // The bursts below come from one client; the client limit has its own test.
  deps.subscribeRatePerMinute = 1000;
  await mailer.clearMail();
});

/** A form POST as the Function URL receives it from one client. */
function subscribeEvent(email: string): FunctionUrlEvent {
  return {
    rawPath: '/subscribe',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: { http: { method: 'POST', sourceIp: '198.51.100.7' } },
    body: new URLSearchParams({ email }).toString(),
    isBase64Encoded: false,
  };
}
const post = (email: string) => handleSubscribeRequest(deps, subscribeEvent(email));
const recipients = async () => (await mailer.sentMail()).map((m) => m.destination.to[0]!).sort();

describe('one email per request decided once', () => {
  it('sends one inbox at most three confirmations a day, however its address is spelt', async () => {
    const spellings = [
      ...Array.from({ length: 50 }, (_, n) => `victim+${n}@gmail.com`),
      'v.i.c.t.i.m@gmail.com',
      'Victim@googlemail.com',
    ];
    const answers = await Promise.all(spellings.map((email) => post(email)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    const sent = await recipients();
    expect(sent).toHaveLength(3);
    for (const to of sent) expect(mailboxOf(to)).toBe('victim@gmail.com');

    // Another inbox is not held back by it.
    await post('neighbour@gmail.com');
    expect((await recipients()).filter((to) => to === 'neighbour@gmail.com')).toHaveLength(1);
  });
});
