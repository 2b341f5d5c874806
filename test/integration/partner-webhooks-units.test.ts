import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SafePoster } from '../../src/adapters/http-poster.ts';
import { configFrom } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  webhookEventId,
  webhookKey,
  webhookSignature,
} from '../../src/partners/webhooks.ts';
import type { QueueRecord } from '../../src/batch.ts';
import { deliverWebhooks, type WebhookDeps } from '../../src/pipeline/webhooks/deliver.ts';
import type { HttpPoster } from '../../src/ports.ts';

const SECRET = 'the partner secret of the webhook units, over 32 characters';
const NOW = new Date('2026-07-01T12:00:00Z');
const config = configFrom(
  {
    partners: [
      { id: 'wire-east', name: 'Wire East', formats: ['ninjs'], webhook: 'https://wire-east.example/hook' },
      { id: 'quiet', name: 'Quiet', formats: ['atom'] },
    ],
  },
  'test',
);

function record(id: string, message: unknown): QueueRecord {
  return { messageId: id, body: typeof message === 'string' ? message : JSON.stringify(message), receiveCount: 1 };
}

function deps(poster: HttpPoster): WebhookDeps {
  return {
    config,
    webhookSecret: SECRET,
    poster,
    clock: { now: () => NOW, sleep: async () => {} },
    log: createLogger({ fn: 'test' }, () => {}),
  };
}

describe('webhook signatures', () => {
  it('derive a key per partner and rotation, and sign "<t>.<event id>.<body>", Stripe-style', () => {
    const key = webhookKey(SECRET, 'wire-east');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(webhookKey(SECRET, 'other'));
    // A rotation (a leaked path) gives the partner a new key as well.
    expect(webhookKey(SECRET, 'wire-east', 1)).not.toBe(key);
    const delivery = { eventId: 'e1', body: '{"a":1}' };
    const header = webhookSignature(key, delivery, NOW);
    expect(header).toMatch(new RegExp(`^t=${NOW.getTime() / 1000},v2=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature(key, delivery, header, NOW)).toBe(true);
    expect(verifyWebhookSignature(key, { ...delivery, body: '{"a":2}' }, header, NOW)).toBe(false);
    // The event id is signed: a captured body replayed under another id fails.
    expect(verifyWebhookSignature(key, { ...delivery, eventId: 'e2' }, header, NOW)).toBe(false);
    expect(verifyWebhookSignature(webhookKey(SECRET, 'wire-east', 1), delivery, header, NOW)).toBe(false);
    // Too old: a replay of a captured delivery.
    expect(verifyWebhookSignature(key, delivery, header, new Date(NOW.getTime() + 301_000))).toBe(false);
    expect(webhookEventId('wire-east', 's', 'live|x')).toBe(webhookEventId('wire-east', 's', 'live|x'));
    expect(webhookEventId('wire-east', 's', 'live|x')).not.toBe(webhookEventId('wire-east', 's', 'withdrawn|x'));
  });
});

describe('deliverWebhooks', () => {
  it('signs a rotated partner’s delivery with its new key, the rotation the message carries', async () => {
    const posted: Record<string, string>[] = [];
    const poster: HttpPoster = { post: async (_url, _body, headers) => (posted.push(headers), { status: 200 }) };
    const message = {
      partner: 'wire-east',
      eventId: 'rot-1',
      body: '{"n":1}',
      webhook: 'https://wire-east.example/hook',
      rotation: 2,
    };
    expect(await deliverWebhooks(deps(poster), [record('r', message)])).toEqual({ batchItemFailures: [] });
    const signature = posted[0]![SIGNATURE_HEADER]!;
    expect(verifyWebhookSignature(webhookKey(SECRET, 'wire-east', 2), message, signature, NOW)).toBe(true);
    expect(verifyWebhookSignature(webhookKey(SECRET, 'wire-east', 0), message, signature, NOW)).toBe(false);
  });

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
    const result = await deliverWebhooks(deps(poster), [
      record('1', message(1)),
      record('2', message(2)),
      record('3', message(3)),
    ]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3']);
    const first = posted.find((p) => p.body === '{"n":1}')!;
    expect(first.url).toBe('https://wire-east.example/hook');
    expect(first.headers['Content-Type']).toBe('application/json');
    expect(first.headers[EVENT_ID_HEADER]).toBe('e1');
    expect(
      verifyWebhookSignature(
        webhookKey(SECRET, 'wire-east'),
        { eventId: 'e1', body: first.body },
        first.headers[SIGNATURE_HEADER]!,
        NOW,
      ),
    ).toBe(true);
  });

  it('drops what cannot be delivered ever: not a message, or a partner without a webhook now', async () => {
    const poster: HttpPoster = { post: async () => expect.fail('nothing to post') };
    const result = await deliverWebhooks(deps(poster), [
      record('1', 'not json'),
      record('2', { partner: 'quiet', eventId: 'e', body: '{}' }),
      record('3', { partner: 'gone', eventId: 'e', body: '{}' }),
    ]);
    expect(result.batchItemFailures).toEqual([]);
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const poster = new SafePoster({ timeoutMs: 50, allowLocal: true });
      await expect(
        poster.post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, '{}', {}),
      ).rejects.toThrow(/within 50 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('checks the partner URL again before every POST, whatever the configuration said', async () => {
    const poster: HttpPoster = { post: async () => expect.fail('nothing to post') };
    const lines: string[] = [];
    const edited = {
      ...config,
      partners: [
        {
          id: 'meta',
          name: 'Meta',
          formats: ['ninjs' as const],
          webhook: 'https://169.254.169.254/latest/meta-data/',
          rotation: 0,
        },
        {
          id: 'plain',
          name: 'Plain',
          formats: ['ninjs' as const],
          webhook: 'http://partner.example/hook',
          rotation: 0,
        },
      ],
    };
    const result = await deliverWebhooks(
      { ...deps(poster), config: edited, log: createLogger({ fn: 'test' }, (line) => lines.push(line)) },
      [
        record('1', { partner: 'meta', eventId: 'e1', body: '{}' }),
        record('2', { partner: 'plain', eventId: 'e2', body: '{}' }),
        // The publish stage may name the webhook in the message (from the partner registry).
        record('3', { partner: 'wire-east', eventId: 'e3', body: '{}', webhook: 'https://[::ffff:10.0.0.5]/hook' }),
      ],
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['1', '2', '3']);
    expect(lines.filter((l) => l.includes('webhook URL refused'))).toHaveLength(3);
  });

  it('refuses, without connecting, a webhook whose name resolves to a private address, and says so', async () => {
    const lines: string[] = [];
    const poster = new SafePoster({ timeoutMs: 1_000, resolve: async () => [{ address: '10.0.0.5', family: 4 }] });
    const result = await deliverWebhooks(
      { ...deps(poster), log: createLogger({ fn: 'test' }, (line) => lines.push(line)) },
      [record('1', { partner: 'wire-east', eventId: 'e1', body: '{}' })],
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
    expect(lines.find((l) => l.includes('webhook URL refused'))).toMatch(/10\.0\.0\.5/);
  });
});
