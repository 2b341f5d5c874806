import { describe, expect, it } from 'vitest';
import { FetchPoster } from '../src/adapters/http-poster.ts';
import { configFrom } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature, webhookEventId, webhookKey, webhookSignature } from '../src/partners/webhooks.ts';
import type { SqsEventRecord } from '../src/pipeline/dispatch/sqs-event.ts';
import { deliverWebhooks, type WebhookDeps } from '../src/pipeline/webhooks/deliver.ts';
import type { HttpPoster } from '../src/ports.ts';

const SECRET = 'the partner secret of the webhook units, over 32 characters';
const NOW = new Date('2026-07-01T12:00:00Z');
const config = configFrom({ partners: [{ id: 'wire-east', name: 'Wire East', formats: ['ninjs'], webhook: 'https://wire-east.example/hook' }, { id: 'quiet', name: 'Quiet', formats: ['atom'] }] }, 'test');

function record(id: string, message: unknown): SqsEventRecord {
  return { messageId: id, receiptHandle: `r-${id}`, body: typeof message === 'string' ? message : JSON.stringify(message), attributes: { ApproximateReceiveCount: '1' } };
}

function deps(poster: HttpPoster): WebhookDeps {
  return { config, partnerSecret: SECRET, poster, clock: { now: () => NOW, sleep: async () => {} }, log: createLogger({ fn: 'test' }, () => {}) };
}

describe('webhook signatures', () => {
  it('derive a key per partner and sign "<t>.<body>", Stripe-style', () => {
    const key = webhookKey(SECRET, 'wire-east');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(webhookKey(SECRET, 'other'));
    const header = webhookSignature(key, '{"a":1}', NOW);
    expect(header).toMatch(new RegExp(`^t=${NOW.getTime() / 1000},v1=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature(key, '{"a":1}', header, NOW)).toBe(true);
    expect(verifyWebhookSignature(key, '{"a":2}', header, NOW)).toBe(false);
    // Too old: a replay of a captured delivery.
    expect(verifyWebhookSignature(key, '{"a":1}', header, new Date(NOW.getTime() + 301_000))).toBe(false);
    expect(webhookEventId('wire-east', 's', 'live|x')).toBe(webhookEventId('wire-east', 's', 'live|x'));
    expect(webhookEventId('wire-east', 's', 'live|x')).not.toBe(webhookEventId('wire-east', 's', 'withdrawn|x'));
  });
});

describe('deliverWebhooks', () => {
  it('POSTs the body signed, and names refused and unanswered deliveries for another try', async () => {
    const posted: { url: string; body: string; headers: Record<string, string> }[] = [];
    const answers = [200, 503, 'boom'];
    const poster: HttpPoster = {
      post: async (url, body, headers) => {
        posted.push({ url, body, headers });
        const answer = answers[posted.length - 1];
        if (answer === 'boom') throw new Error('connection reset');
        return { status: answer as number };
      },
    };
    const message = (n: number) => ({ partner: 'wire-east', eventId: `e${n}`, body: `{"n":${n}}` });
    const result = await deliverWebhooks(deps(poster), { Records: [record('1', message(1)), record('2', message(2)), record('3', message(3))] });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3']);
    const first = posted.find((p) => p.body === '{"n":1}')!;
    expect(first.url).toBe('https://wire-east.example/hook');
    expect(first.headers['Content-Type']).toBe('application/json');
    expect(first.headers[EVENT_ID_HEADER]).toBe('e1');
    expect(verifyWebhookSignature(webhookKey(SECRET, 'wire-east'), first.body, first.headers[SIGNATURE_HEADER]!, NOW)).toBe(true);
  });

  it('drops what cannot be delivered ever: not a message, or a partner without a webhook now', async () => {
    const poster: HttpPoster = { post: async () => expect.fail('nothing to post') };
    const result = await deliverWebhooks(deps(poster), {
      Records: [record('1', 'not json'), record('2', { partner: 'quiet', eventId: 'e', body: '{}' }), record('3', { partner: 'gone', eventId: 'e', body: '{}' })],
    });
    expect(result.batchItemFailures).toEqual([]);
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const hanging = (_url: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const poster = new FetchPoster({ timeoutMs: 50, fetch: hanging as typeof fetch });
    await expect(poster.post('https://x.example/', '{}', {})).rejects.toThrow();
  });
});
