import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queue } from '../../src/app/adapters.ts';
import { configFrom, type PartnerConfig } from '../../src/config.ts';
import { localPickupReport } from '../../src/local/pickup.ts';
import { LOCAL_NAMES, startLocalPipeline, type LocalPipeline } from '../../src/local/pipeline.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature, webhookKey } from '../../src/partners/webhooks.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';

/*
 * Partner webhooks end to end on the local pipeline: a receiver that refuses the first two deliveries gets the
 * item on the third, signed with its derived key; a withdrawal reaches it as a canceled item; a receiver that refuses
 * the first five leaves that delivery in the dead-letter queue after five receives, and takes the next change at once
 * (no five more refusals, each a second of visibility timeout, before the queue is settled).
 */

const SAMPLES = join(import.meta.dirname, '../../samples');
const SAMPLE = '2026-06-03-energy-grid.md';
const SECRET = 'the partner secret of the webhook test, over 32 characters';

interface Delivery {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/** A plain-http receiver on 127.0.0.1 that answers 503 to the first `refusals` requests, then 200. */
async function receiver(refusals: number): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = deliveries.length < refusals ? 503 : 200;
      deliveries.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries, server };
}

let local: LocalPipeline;
let flaky: Awaited<ReturnType<typeof receiver>>;
let broken: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  [flaky, broken] = await Promise.all([receiver(2), receiver(5)]);
  // Plain-http receivers on this machine: the configuration refuses them (https only), the local pipeline's poster
  // takes them (allowLocal), so the partners are given as configFrom would return them.
  const partners: PartnerConfig[] = [
    { id: 'wire-east', name: 'Wire East', formats: ['ninjs'], webhook: flaky.url, rotation: 0 },
    { id: 'dead-end', name: 'Dead End', formats: ['atom'], webhook: broken.url, rotation: 0 },
  ];
  const functionLogFile = join(mkdtempSync(join(tmpdir(), 'broadsheet-webhooks-')), 'functions.jsonl');
  local = await startLocalPipeline({ partners, partnerSecret: SECRET, webhookRetrySeconds: 1, functionLogFile });
  await local.editorials.put(`approved/${SAMPLE}`, readFileSync(join(SAMPLES, SAMPLE)), {
    contentType: 'text/markdown; charset=utf-8',
  });
  await local.settled();
}, 120_000);

afterAll(async () => {
  await local?.stop();
  for (const r of [flaky, broken]) await new Promise((resolve) => r?.server.close(resolve));
});

describe('partner webhooks', () => {
  it('configures https webhooks only: plain http receivers on this machine are the local pipeline’s alone', () => {
    expect(() =>
      configFrom(
        { partners: [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'http://partner.example/hook' }] },
        'test',
      ),
    ).toThrow(/webhook must be an https/);
    expect(() =>
      configFrom(
        { partners: [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'http://localhost:8080/hook' }] },
        'test',
      ),
    ).toThrow(/webhook must be an https/);
    expect(() =>
      configFrom(
        { partners: [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'http://127.0.0.1:8080/hook' }] },
        'test',
      ),
    ).toThrow(/webhook must be an https/);
  });

  it('delivers the item once the receiver accepts, after two refusals, signed with the derived key', () => {
    expect(flaky.deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
    const [first, , accepted] = flaky.deliveries as [Delivery, Delivery, Delivery];
    expect(accepted.headers['content-type']).toBe('application/json');
    // Every attempt of one change carries the same event id, for the receiver's dedupe.
    expect(new Set(flaky.deliveries.map((d) => d.headers[EVENT_ID_HEADER.toLowerCase()])).size).toBe(1);
    expect(first.body).toBe(accepted.body);
    const signature = String(accepted.headers[SIGNATURE_HEADER.toLowerCase()]);
    expect(signature).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
    const t = Number(/^t=(\d+)/.exec(signature)![1]);
    expect(Math.abs(accepted.at / 1000 - t)).toBeLessThan(30);
    const key = webhookKey(SECRET, 'wire-east');
    const eventId = String(accepted.headers[EVENT_ID_HEADER.toLowerCase()]);
    expect(verifyWebhookSignature(key, { eventId, body: accepted.body }, signature, new Date(accepted.at))).toBe(true);
    expect(
      verifyWebhookSignature(
        webhookKey(SECRET, 'dead-end'),
        { eventId, body: accepted.body },
        signature,
        new Date(accepted.at),
      ),
    ).toBe(false);
    expect(verifyWebhookSignature(key, { eventId, body: `${accepted.body} ` }, signature, new Date(accepted.at))).toBe(
      false,
    );
    const item = JSON.parse(accepted.body);
    expect(ninjsErrors(item)).toEqual([]);
    expect(item.pubStatus).toBe('usable');
  });

  it('parks a delivery no receiver accepts in the dead-letter queue after five receives', async () => {
    expect(broken.deliveries.map((d) => d.status)).toEqual([503, 503, 503, 503, 503]);
    const dlq = queue(local.runtime, local.emulators.queueUrls[`${LOCAL_NAMES.webhooks}-dlq`]!);
    const parked = await dlq.receive(10);
    expect(parked).toHaveLength(1);
    expect(JSON.parse(parked[0]!.body)).toMatchObject({
      partner: 'dead-end',
      eventId: broken.deliveries[0]!.headers[EVENT_ID_HEADER.toLowerCase()],
    });
  });

  it("records each attempt in the local ledger, as the pickup report shows each delivery's outcome", async () => {
    const reports = await localPickupReport(local, new Date(Date.now() - 3_600_000));
    const outcomes = Object.fromEntries(
      reports.map((r) => [r.partner.id, r.webhooks.map((w) => [w.eventId, w.outcome, w.attempts, w.status])]),
    );
    const id = (r: typeof flaky) => r.deliveries[0]!.headers[EVENT_ID_HEADER.toLowerCase()];
    expect(outcomes).toEqual({
      'wire-east': [[id(flaky), 'acknowledged', 3, 200]],
      'dead-end': [[id(broken), 'dead-lettered', 5, 503]],
    });
  });

  it('sends nothing again for the same editorial uploaded again: no change', async () => {
    const before = [flaky.deliveries.length, broken.deliveries.length];
    await local.editorials.put(`approved/${SAMPLE}`, readFileSync(join(SAMPLES, SAMPLE)), {
      contentType: 'text/markdown; charset=utf-8',
    });
    await local.settled();
    expect([flaky.deliveries.length, broken.deliveries.length]).toEqual(before);
  }, 60_000);

  it('delivers a withdrawal as a canceled item, a change of its own', async () => {
    const before = flaky.deliveries.length;
    const brokenBefore = broken.deliveries.length;
    await local.editorials.delete(`approved/${SAMPLE}`);
    await local.settled();
    // The partner whose first delivery was dead-lettered still gets the next change.
    expect(broken.deliveries.slice(brokenBefore).map((d) => d.status)).toEqual([200]);
    const withdrawal = flaky.deliveries.slice(before);
    expect(withdrawal.map((d) => d.status)).toEqual([200]);
    const item = JSON.parse(withdrawal[0]!.body);
    expect(ninjsErrors(item)).toEqual([]);
    expect(item.pubStatus).toBe('canceled');
    expect(withdrawal[0]!.headers[EVENT_ID_HEADER.toLowerCase()]).not.toBe(
      flaky.deliveries[0]!.headers[EVENT_ID_HEADER.toLowerCase()],
    );
    const signature = String(withdrawal[0]!.headers[SIGNATURE_HEADER.toLowerCase()]);
    const delivery = {
      eventId: String(withdrawal[0]!.headers[EVENT_ID_HEADER.toLowerCase()]),
      body: withdrawal[0]!.body,
    };
    expect(
      verifyWebhookSignature(webhookKey(SECRET, 'wire-east'), delivery, signature, new Date(withdrawal[0]!.at)),
    ).toBe(true);
  }, 60_000);
});
