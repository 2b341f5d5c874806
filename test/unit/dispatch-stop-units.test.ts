// The stop as one worker sees it, on the ledger in memory and a clock that moves only as the worker sleeps: how soon a
// stop recorded mid-shard is read does not depend on the emulators. The stop end to end (the publish stage, the real
// workers on the emulators) is in test/integration/dispatch-stop.test.ts.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import type { Clock } from '../../src/ports.ts';
import { stopDispatch } from '../../src/pipeline/dispatch/dispatch-stop.ts';
import { shardLeaseKey, templateItemKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { createTokenBucket } from '../../src/pipeline/dispatch/token-bucket.ts';
import { processShards } from '../../src/pipeline/dispatch/worker.ts';
import { unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { config } from '../helpers/dispatch-world.ts';
import { confirmedReaders, MemoryTable } from '../helpers/memory-table.ts';

const TOKEN_SECRET = 'stop-test-secret-0123456789-abcdefghij';

describe('a worker', () => {
  it('reads the stop at every lease renewal, however seldom it is told to look otherwise, and sends nothing after it', async () => {
    // Time moves only as the worker sleeps (for its send-rate tokens): 10 sends a second, the lease renewed every second.
    let t = Date.parse('2026-07-05T06:00:00Z');
    const clock: Clock = { now: () => new Date(t), sleep: async (ms) => void (t += Math.max(0, ms)) };
    const table = new MemoryTable();
    const dispatchId = '2026-07-05-quiet';
    const template = {
      subject: 'Quiet',
      html: '<a href="URL">Unsubscribe</a>',
      text: 'Unsubscribe: URL',
      placeholder: 'URL',
      from: 'desk@monexus.example',
      pageUrl: 'https://monexus.example/editorials/q/',
      slug: dispatchId,
      dispatchId,
    };
    await table.put({ ...templateItemKey(dispatchId), body: JSON.stringify(template) });
    const log = createLogger({}, () => {});
    let sends = 0;
    let sendsAtStop = 0;
    const recipients = Array.from({ length: 100 }, (_, i) => ({
      id: `r${i}`.padEnd(22, '_'),
      email: `r${i}@example.org`,
    }));
    const deps = {
      ledger: table,
      subscribers: confirmedReaders(recipients),
      clock,
      log,
      config,
      rate: createTokenBucket({ ratePerSecond: 10, burst: 1, clock }),
      unsubscribeUrl: (id: string, nonce?: string) => unsubscribeUrl(config, TOKEN_SECRET, id, nonce),
      leaseMs: 3_000,
      stopCheckMs: 3_600_000,
      mailer: {
        send: async () => {
          if (++sends === 5) {
            await stopDispatch({ ledger: table, clock, log }, { dispatchId, slug: dispatchId, reason: 'removed' });
            sendsAtStop = sends;
          }
          return { messageId: `m${sends}` };
        },
      },
    };
    const body = JSON.stringify({
      v: 1,
      dispatchId,
      slug: dispatchId,
      templateKey: 'rendered/q/email.json',
      shard: 0,
      recipients,
    });
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }])).toEqual({ batchItemFailures: [] });

    // The stop came in during the fifth send; the next renewal, a second of sends later at most, saw it.
    expect(sendsAtStop).toBe(5);
    expect(sends).toBeGreaterThan(sendsAtStop);
    expect(sends).toBeLessThanOrEqual(sendsAtStop + 10);
    expect(await table.get(shardLeaseKey(dispatchId, 0))).toMatchObject({
      status: 'stopped',
      sent: sends,
      unsent: 100 - sends,
    });
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sends).toBeLessThanOrEqual(sendsAtStop + 10);
  });
});
