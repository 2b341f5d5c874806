import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchStateKey } from '../src/pipeline/dispatch/ledger-keys.ts';
import {
  config,
  drainQueue,
  expectCleanLogs,
  expectExactlyOnce,
  expectedRecipients,
  header,
  planOnce,
  storeTemplate,
  TOKEN_SECRET,
  workerDeps,
  workerHandler,
  type World,
  startWorld,
} from './dispatch-harness.ts';
import { signUnsubscribeToken } from '../src/subscribers/tokens.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(async () => {
  await world.emulators.clearMail();
  world.logs.length = 0;
});

describe('dispatch through the local SQS, DynamoDB and SES', () => {
  it('sends every confirmed subscriber of the topic one email, with their own one-click unsubscribe', async () => {
    const request = await storeTemplate(world, 'dispatch-topics', ['harbours']);
    const plan = await planOnce(world, request);
    const expected = expectedRecipients(world, ['harbours']);
    expect(plan).toEqual({ status: 'planned', recipients: expected.length, shards: Math.ceil(expected.length / 50) });
    // pending, unsubscribed, suppressed and other-topic subscribers are not among them
    expect(expected.length).toBe(1200);

    await drainQueue(world, workerHandler(workerDeps(world)));
    const mail = await expectExactlyOnce(world, request);

    const state = await world.ledger.get(dispatchStateKey(request.dispatchId));
    expect(state).toMatchObject({ status: 'planned', recipients: 1200, shards: 24 });

    // The whole message as a mail client sees it, read back by an independent MIME parser.
    for (const sent of mail.slice(0, 3)) {
      const parsed = await simpleParser(await world.emulators.sentMailMime(sent.messageId));
      const to = sent.destination.to[0]!;
      const subscriber = world.seeded.find((s) => s.email === to)!;
      const url = `${config.unsubscribe.url}?token=${signUnsubscribeToken(TOKEN_SECRET, subscriber.id)}`;
      expect(parsed.subject).toBe('The harbour talks that were not');
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe(to);
      const list = parsed.headers.get('list') as { unsubscribe?: { url?: string; mail?: string }; 'unsubscribe-post'?: { name?: string } };
      expect(list.unsubscribe?.url).toBe(url);
      expect(list.unsubscribe?.mail).toBe(`${config.unsubscribe.mailto}?subject=unsubscribe`);
      expect(list['unsubscribe-post']?.name).toBe('List-Unsubscribe=One-Click');
      expect(header(sent, 'List-Unsubscribe')).toBe(`<${url}>, <mailto:${config.unsubscribe.mailto}?subject=unsubscribe>`);
      expect(parsed.text).toContain(url);
      expect(parsed.html || '').toContain(url);
      expect(parsed.html || '').not.toContain('bsunsub');
    }
    expectCleanLogs(world);
  });

  it('sends an editorial without topics to every confirmed subscriber, whatever their topics', async () => {
    const request = await storeTemplate(world, 'dispatch-all', []);
    const plan = await planOnce(world, request);
    expect(plan.recipients).toBe(1210);
    await drainQueue(world, workerHandler(workerDeps(world, { recipientConcurrency: 1 })));
    await expectExactlyOnce(world, request);
    expectCleanLogs(world);
  });
});
