// The desk's hold on a send, and the figures SES events give it: pause, resume, cancel, status, the counters and the
// automatic pause, on the in-memory table (held to the same contract as DynamoDB by key-value-table.contract.test.ts).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Clock, KeyValueTable, Queue } from '../../src/ports.ts';
import { countDeliveryEvents, figureOf } from '../../src/pipeline/dispatch/delivery-figures.ts';
import { registerDispatch } from '../../src/pipeline/dispatch/dispatch-register.ts';
import {
  cancelDispatch,
  dispatchStatus,
  listDispatches,
  pauseDispatch,
  resumeDispatch,
  type DeskDeps,
} from '../../src/pipeline/dispatch/desk-operations.ts';
import { addFigures, dispatchTag, readFigures } from '../../src/pipeline/dispatch/figures.ts';
import {
  dispatchScheduleKey,
  dispatchStateKey,
  FIGURE_SHARDS,
  shardLeaseKey,
  shardRecordKey,
} from '../../src/pipeline/dispatch/ledger-keys.ts';
import type { SesMessageEvent } from '../../src/subscribers/ses-events.ts';
import { parseSesEvent } from '../../src/subscribers/ses-events.ts';
import { MemoryTable } from '../helpers/memory-table.ts';

const clock: Clock = { now: () => new Date('2026-12-06T10:00:00Z'), sleep: async () => {} };
// A minimum of 100 judged messages, so a test needs a hundred events, not a thousand.
const sending = { ...loadConfig().sending, autoPause: { ...loadConfig().sending.autoPause, minimumDeliveries: 100 } };

function world() {
  const ledger = new MemoryTable();
  const queued: string[] = [];
  const queue: Queue = {
    sendBatch: async (bodies) => void queued.push(...bodies),
    receive: async () => [],
    delete: async () => {},
  };
  const logs: string[] = [];
  const log = createLogger({ fn: 'test' }, (line) => logs.push(line));
  const deps: DeskDeps = { ledger, queue, clock, log };
  return { ledger, queued, logs, deps, figures: { ledger, clock, log, sending } };
}

/** A planned dispatch of `recipients` in shards of 10; `done` shards finished. */
async function planned(ledger: KeyValueTable, dispatchId: string, recipients: number, done = 0) {
  await registerDispatch(ledger, {
    dispatchId,
    slug: dispatchId.split('~')[0]!,
    createdAt: `2026-12-06T09:${String(dispatchId.length).padStart(2, '0')}:00Z`,
  });
  await ledger.put({
    ...dispatchStateKey(dispatchId),
    status: 'planned',
    slug: dispatchId.split('~')[0],
    recipients,
    startedAt: '2026-12-06T09:00:00Z',
  });
  const shards = Math.ceil(recipients / 10);
  for (let n = 0; n < shards; n++) {
    await ledger.put({ ...shardRecordKey(dispatchId, n), segment: 0, recipients: 10, body: `shard ${n}` });
    if (n < done) await ledger.put({ ...shardLeaseKey(dispatchId, n), status: 'done' });
  }
}

const delivery = (
  tag: string,
  messageId: string,
  eventType = 'Delivery',
  extra: Partial<SesMessageEvent> = {},
): SesMessageEvent => ({ eventType, messageId, dispatchTag: tag, ...extra });

describe('what the desk sees of a dispatch', () => {
  it('status reads two items groups whatever the size: the same requests for 10 and for 100,000 recipients', async () => {
    const requests = async (recipients: number) => {
      const { ledger } = world();
      await planned(ledger, `d${recipients}`, Math.min(recipients, 20));
      await ledger.update(dispatchStateKey(`d${recipients}`), { set: { recipients } });
      for (let n = 0; n < 40; n++)
        await addFigures(ledger, dispatchTag(`d${recipients}`), { sent: recipients / 40 }, '2026-12-06T09:30:00Z', n);
      let calls = 0;
      const counting = new Proxy(ledger, {
        get: (target, prop, receiver) => {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function'
            ? (...args: unknown[]) => {
                calls++;
                return value.apply(target, args);
              }
            : value;
        },
      });
      const status = await dispatchStatus(counting, `d${recipients}`);
      expect(status).toMatchObject({ state: 'finished', recipients, sent: recipients });
      return calls;
    };
    expect(await requests(10)).toBe(await requests(100_000));
    expect(await requests(10)).toBe(2);
  });

  it('names every state: scheduled, planning, sending, paused, cancelled, finished', async () => {
    const { ledger, deps } = world();
    await ledger.put({ ...dispatchScheduleKey('later'), slug: 'later', sendAt: '2026-12-07T08:00:00Z' });
    expect(await dispatchStatus(ledger, 'later')).toMatchObject({
      state: 'scheduled',
      sendAt: '2026-12-07T08:00:00Z',
      recipients: null,
    });
    await ledger.put({
      ...dispatchStateKey('mid'),
      status: 'planning',
      slug: 'mid',
      startedAt: '2026-12-06T09:00:00Z',
    });
    expect(await dispatchStatus(ledger, 'mid')).toMatchObject({
      state: 'planning',
      startedAt: '2026-12-06T09:00:00Z',
      finishedAt: null,
    });
    await planned(ledger, 'busy', 30, 1);
    await addFigures(ledger, dispatchTag('busy'), { sent: 12, failed: 1 }, '2026-12-06T09:10:00Z', 3);
    expect(await dispatchStatus(ledger, 'busy')).toMatchObject({
      state: 'sending',
      recipients: 30,
      sent: 12,
      failed: 1,
    });
    expect((await pauseDispatch(deps, 'busy', 'wrong link')).outcome).toBe('done');
    expect(await dispatchStatus(ledger, 'busy')).toMatchObject({
      state: 'paused',
      pausedBecause: 'wrong link',
      pausedBy: 'desk',
    });
    expect((await cancelDispatch(deps, 'busy', 'sent a fixed version')).status).toMatchObject({
      state: 'cancelled',
      cancelledBecause: 'cancelled',
      cancelledNote: 'sent a fixed version',
    });
    await addFigures(ledger, dispatchTag('busy'), { sent: 17 }, '2026-12-06T09:20:00Z', 4);
    expect(await dispatchStatus(ledger, 'busy')).toMatchObject({
      state: 'finished',
      finishedAt: '2026-12-06T09:20:00Z',
    });
    expect(await dispatchStatus(ledger, 'nothing')).toBeUndefined();
  });

  it('lists the newest dispatches first, found by slug or by dispatch id', async () => {
    const { ledger, deps } = world();
    await planned(ledger, 'a', 10);
    await planned(ledger, 'bb', 10);
    await planned(ledger, 'bb~1790000000', 10);
    expect((await listDispatches(ledger)).map((d) => d.dispatchId)).toEqual(['bb~1790000000', 'bb', 'a']);
    // The slug names its newest send; the id names any.
    expect((await pauseDispatch(deps, 'bb')).status?.dispatchId).toBe('bb~1790000000');
    expect((await pauseDispatch(deps, 'bb')).outcome).toBe('already');
    expect((await pauseDispatch(deps, 'a')).status?.dispatchId).toBe('a');
    expect((await pauseDispatch(deps, 'no-such-slug')).outcome).toBe('unknown');
  });
});

describe('pause, resume, cancel', () => {
  it('a resume queues again exactly the shards that are not finished, and only after a pause', async () => {
    const { ledger, deps, queued } = world();
    await planned(ledger, 'send', 50, 2);
    await ledger.put({ ...shardLeaseKey('send', 4), status: 'stopped' });
    expect((await resumeDispatch(deps, 'send')).outcome).toBe('not paused');
    expect(queued).toEqual([]);
    await pauseDispatch(deps, 'send');
    const resumed = await resumeDispatch(deps, 'send');
    expect(resumed).toMatchObject({
      outcome: 'done',
      requeued: 2,
      status: { state: 'sending', resumedAt: clock.now().toISOString() },
    });
    expect(queued).toEqual(['shard 2', 'shard 3']);
  });

  it('cancel is final: a later resume is refused and says why; a finished dispatch cannot be paused or cancelled', async () => {
    const { ledger, deps, queued } = world();
    await planned(ledger, 'gone', 20);
    await pauseDispatch(deps, 'gone');
    expect((await cancelDispatch(deps, 'gone')).outcome).toBe('done');
    expect((await cancelDispatch(deps, 'gone')).outcome).toBe('already');
    expect((await resumeDispatch(deps, 'gone')).outcome).toBe('cancelled');
    expect(queued).toEqual([]);
    await planned(ledger, 'over', 10, 1);
    await addFigures(ledger, dispatchTag('over'), { sent: 10 }, '2026-12-06T09:05:00Z', 0);
    expect((await pauseDispatch(deps, 'over')).outcome).toBe('finished');
    expect((await cancelDispatch(deps, 'over')).outcome).toBe('finished');
  });
});

describe('figures from SES events', () => {
  it('each event counts once, however often it is delivered; mail of no dispatch and machine opens count nothing', async () => {
    const { figures, ledger } = world();
    const tag = dispatchTag('2026-06-03-energy-grid~1790000000');
    const events = [
      delivery(tag, 'm1'),
      delivery(tag, 'm2'),
      delivery(tag, 'm3', 'Bounce', { bounceType: 'Permanent', bounceSubType: 'General' }),
      delivery(tag, 'm4', 'Bounce', { bounceType: 'Transient', bounceSubType: 'MailboxFull' }),
      delivery(tag, 'm5', 'Bounce', { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' }),
      delivery(tag, 'm1', 'Complaint'),
      delivery(tag, 'm2', 'DeliveryDelay'),
      delivery(tag, 'm2', 'Open'),
      delivery(tag, 'm1', 'Open', { machine: true }),
      { eventType: 'Delivery', messageId: 'confirmation' },
    ];
    const first = await countDeliveryEvents(figures, events, { [tag]: 2 });
    const again = await countDeliveryEvents(figures, events);
    expect(first).toMatchObject({ counted: 8, repeated: 0, ignored: 2 });
    expect(again).toMatchObject({ counted: 0, repeated: 8 });
    expect(await readFigures(ledger, tag)).toMatchObject({
      delivered: 2,
      bounced: 1,
      softBounced: 1,
      suppressed: 3,
      complained: 1,
      delayed: 1,
      opened: 1,
      clicked: 0,
    });
    expect(figureOf({ eventType: 'Send', messageId: 'x' })).toBeUndefined();
  });

  it('counters are spread over a fixed number of items', async () => {
    const { figures, ledger } = world();
    const tag = dispatchTag('wide');
    for (let n = 0; n < 200; n++) await countDeliveryEvents(figures, [delivery(tag, `m${n}`)]);
    const items = (await ledger.query(`figures#${tag}`)).items;
    expect(items.length).toBeGreaterThan(1);
    expect(items.length).toBeLessThanOrEqual(FIGURE_SHARDS);
    expect((await readFigures(ledger, tag)).delivered).toBe(200);
  });

  it('a dispatch whose bounces pass the limit pauses itself once, says why, and is judged afresh after a resume', async () => {
    const { figures, ledger, deps, logs } = world();
    await planned(ledger, 'bad-list', 1000);
    const tag = dispatchTag('bad-list');
    const deliveries = Array.from({ length: 94 }, (_, n) => delivery(tag, `ok${n}`));
    await countDeliveryEvents(figures, deliveries);
    // 5 of 99 is under 5% of what was judged, and under the minimum of 100 anyway.
    await countDeliveryEvents(
      figures,
      Array.from({ length: 5 }, (_, n) => delivery(tag, `b${n}`, 'Bounce', { bounceType: 'Permanent' })),
    );
    expect((await dispatchStatus(ledger, 'bad-list'))?.state).toBe('sending');
    const summary = await countDeliveryEvents(figures, [delivery(tag, 'b5', 'Bounce', { bounceType: 'Permanent' })]);
    expect(summary.paused).toEqual(['bad-list']);
    const status = await dispatchStatus(ledger, 'bad-list');
    expect(status).toMatchObject({ state: 'paused', pausedBy: 'auto' });
    expect(status?.pausedBecause).toMatch(/bounce rate 6\.0% \(6 of 100\) passed 5\.0%/);
    expect(logs.map((l) => JSON.parse(l)).filter((l) => l.message === 'dispatch paused automatically')).toHaveLength(1);

    // The desk resumes: what was judged is the baseline, so one more bounce does not pause it again.
    expect((await resumeDispatch(deps, 'bad-list')).outcome).toBe('done');
    expect(
      (await countDeliveryEvents(figures, [delivery(tag, 'b6', 'Bounce', { bounceType: 'Permanent' })])).paused,
    ).toEqual([]);
    expect((await dispatchStatus(ledger, 'bad-list'))?.state).toBe('sending');
  });

  it('complaints pause at 0.1%', async () => {
    const { figures, ledger } = world();
    await planned(ledger, 'annoyed', 5000);
    const tag = dispatchTag('annoyed');
    await countDeliveryEvents(
      figures,
      Array.from({ length: 500 }, (_, n) => delivery(tag, `d${n}`)),
    );
    const summary = await countDeliveryEvents(figures, [delivery(tag, 'd1', 'Complaint')]);
    expect(summary.paused).toEqual(['annoyed']);
    expect((await dispatchStatus(ledger, 'annoyed'))?.pausedBecause).toMatch(
      /complaint rate 0\.20% \(1 of 500\) passed 0\.10%/,
    );
  });

  it('reads the dispatch tag and message id from EventBridge events, also inside an SQS record', () => {
    const detail = {
      eventType: 'Delivery',
      mail: { messageId: 'abc', tags: { dispatch: ['grain'], 'ses:configuration-set': ['set'] } },
      delivery: {},
    };
    const bridge = { source: 'aws.ses', 'detail-type': 'Email Delivered', detail };
    const viaSqs = { Records: [{ eventSource: 'aws:sqs', messageId: 'q1', body: JSON.stringify(bridge) }] };
    for (const event of [bridge, viaSqs])
      expect(parseSesEvent(event).events).toEqual([{ eventType: 'Delivery', messageId: 'abc', dispatchTag: 'grain' }]);
  });
});
