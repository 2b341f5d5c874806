import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TemplateCache, TemplateError } from '../../src/pipeline/dispatch/dispatch-template.ts';
import { dispatchStateKey, templateItemKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import {
  config,
  drainQueue,
  expectCleanLogs,
  expectExactlyOnce,
  expectedRecipients,
  header,
  planOnce,
  SHARD_SIZE,
  storeTemplate,
  subscriberId,
  TOKEN_SECRET,
  workerDeps,
  workerHandler,
  type World,
  startWorld,
} from '../helpers/dispatch-harness.ts';
import { signUnsubscribeToken } from '../../src/subscribers/tokens.ts';

/**
 * 240 readers: 5 shards (the last one short) for 3 workers, so shards are sent at once by different workers, and
 * every status and topic the seeding writes is there. What is checked (each reader exactly once, nobody else, each
 * with their own link) is checked per reader, the same for 5 shards as for 500.
 */
const READERS = 240;

let world: World;

beforeAll(async () => {
  world = await startWorld({ readers: READERS });
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
    expect(expected.length).toBe(READERS);

    await drainQueue(world, workerHandler(workerDeps(world)));
    const mail = await expectExactlyOnce(world, request);

    const state = await world.ledger.get(dispatchStateKey(request.dispatchId));
    expect(state).toMatchObject({ status: 'planned', recipients: READERS, shards: Math.ceil(READERS / SHARD_SIZE) });

    // The whole message as a mail client sees it, read back by an independent MIME parser.
    for (const sent of mail.slice(0, 3)) {
      const parsed = await simpleParser(await world.emulators.sentMailMime(sent.messageId));
      const to = sent.destination.to[0]!;
      const subscriber = world.seeded.find((s) => s.email === to)!;
      const url = `${config.unsubscribe.url}?token=${signUnsubscribeToken(TOKEN_SECRET, subscriber.id)}`;
      expect(parsed.subject).toBe('The harbour talks that were not');
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe(to);
      const list = parsed.headers.get('list') as {
        unsubscribe?: { url?: string; mail?: string };
        'unsubscribe-post'?: { name?: string };
      };
      expect(list.unsubscribe?.url).toBe(url);
      expect(list.unsubscribe?.mail).toBe(`${config.unsubscribe.mailto}?subject=unsubscribe`);
      expect(list['unsubscribe-post']?.name).toBe('List-Unsubscribe=One-Click');
      expect(header(sent, 'List-Unsubscribe')).toBe(
        `<${url}>, <mailto:${config.unsubscribe.mailto}?subject=unsubscribe>`,
      );
      expect(parsed.text).toContain(url);
      expect(parsed.html || '').toContain(url);
      expect(parsed.html || '').not.toContain('bsunsub');
    }
    expectCleanLogs(world);
  });

  it('sends an editorial without topics to every confirmed subscriber, whatever their topics', async () => {
    const request = await storeTemplate(world, 'dispatch-all', []);
    const plan = await planOnce(world, request);
    expect(plan.recipients).toBe(READERS + 10);
    await drainQueue(world, workerHandler(workerDeps(world, { recipientConcurrency: 1 })));
    await expectExactlyOnce(world, request);
    expectCleanLogs(world);
  });
});

describe('the template travels from the planner to the workers through the ledger', () => {
  it('reaches every subscriber once even when the S3 copy is gone after planning', async () => {
    const request = await storeTemplate(world, 'dispatch-ledger-template', ['harbours']);
    const stored = await world.editorials.get(request.templateKey);
    await planOnce(world, request);
    const item = await world.ledger.get(templateItemKey(request.dispatchId));
    expect(item?.body).toBe(Buffer.from(stored!.body).toString('utf8'));

    await world.editorials.delete(request.templateKey);
    expect(await world.editorials.get(request.templateKey)).toBeUndefined();
    await drainQueue(world, workerHandler(workerDeps(world, { templates: new TemplateCache() })));
    const mail = await expectExactlyOnce(world, request);
    expect(new Set(mail.map((m) => m.subject))).toEqual(new Set(['The harbour talks that were not']));
    expectCleanLogs(world);
  });

  it('refuses to plan a dispatch whose template is missing or too large, and queues nothing', async () => {
    const missing = {
      dispatchId: 'dispatch-no-template',
      slug: 'nowhere',
      templateKey: 'rendered/nowhere/dispatch-no-template/email.json',
      topics: [],
    };
    await expect(planOnce(world, missing)).rejects.toThrow(TemplateError);
    await expect(planOnce(world, missing)).rejects.toThrow(/no such template/);

    const large = await storeTemplate(world, 'dispatch-huge-template', []);
    const template = JSON.parse(
      Buffer.from((await world.editorials.get(large.templateKey))!.body).toString('utf8'),
    ) as { html: string };
    template.html += 'x'.repeat(360 * 1024);
    await world.editorials.put(large.templateKey, JSON.stringify(template), { contentType: 'application/json' });
    await expect(planOnce(world, large)).rejects.toThrow(/over the ledger's/);

    for (const request of [missing, large]) {
      expect(await world.ledger.get(dispatchStateKey(request.dispatchId))).toBeUndefined();
      expect(await world.ledger.get(templateItemKey(request.dispatchId))).toBeUndefined();
      expect(
        await world.ledger.get({ pk: `send#${request.dispatchId}`, sk: subscriberId(world.seeded[0]!.email) }),
      ).toBeUndefined();
    }
    expect(await world.queue.receive(10, { waitSeconds: 1 })).toEqual([]);
    expect(await world.emulators.sentMail()).toEqual([]);
    const lines = expectCleanLogs(world) as { level?: string; message?: string }[];
    expect(
      lines.filter(
        (l) =>
          l.level === 'error' && l.message === 'dispatch template could not be copied to the ledger; nothing queued',
      ),
    ).toHaveLength(3);
  });
});
