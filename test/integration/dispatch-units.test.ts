import { build } from 'esbuild';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { dispatchTag, readFigures } from '../../src/pipeline/dispatch/figures.ts';
import { createLogger } from '../../src/log.ts';
import {
  MessageRejectedError,
  ThrottledError,
  type Clock,
  type Item,
  type Mailer,
  type OutgoingEmail,
} from '../../src/ports.ts';
import { claimLease, finishLease, renewLease } from '../../src/pipeline/dispatch/shard-lease.ts';
import { planForScale } from '../../src/pipeline/dispatch/scale-plan.ts';
import { MalformedShardError, parseShard } from '../../src/pipeline/dispatch/shard-message.ts';
import { createTokenBucket, workerTokenBucket } from '../../src/pipeline/dispatch/token-bucket.ts';
import { MAX_UNRECORDED, processShards, tagValue, type WorkerDeps } from '../../src/pipeline/dispatch/worker.ts';
import { sendKey, shardLeaseKey, templateItemKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { TemplateCache } from '../../src/pipeline/dispatch/dispatch-template.ts';
import { unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { config } from '../helpers/dispatch-harness.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { MemoryTable } from '../helpers/memory-table.ts';
import { setEnv } from '../helpers/function-env.ts';

/** Time that moves only when every sleeper so far has been scheduled: sleeps wake in time order. */
class FakeClock implements Clock {
  private t = Date.parse('2026-06-04T06:00:00Z');
  private timers: { at: number; wake: () => void }[] = [];
  now = () => new Date(this.t);
  sleep = (ms: number) => new Promise<void>((wake) => this.timers.push({ at: this.t + Math.max(0, ms), wake }));
  advance(ms: number) {
    this.t += ms;
  }
  /** Runs until nothing sleeps any more. */
  async run(done: () => boolean) {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (done() && this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) continue;
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
  }
}

const TEMPLATE = {
  subject: 'Subject',
  html: '<a href="PLACEHOLDER">Unsubscribe</a>',
  text: 'Unsubscribe: PLACEHOLDER',
  placeholder: 'PLACEHOLDER',
  from: '"Monexus Desk" <desk@monexus.example>',
  pageUrl: 'https://monexus.example/editorials/x/',
  slug: 'x',
  dispatchId: 'x~1780000000',
};

function unitDeps(overrides: Partial<WorkerDeps> = {}): WorkerDeps & { ledger: MemoryTable; lines: string[] } {
  const lines: string[] = [];
  const clock = new FakeClock();
  clock.sleep = async (ms: number) => clock.advance(ms);
  const ledger = new MemoryTable();
  void ledger.put({ ...templateItemKey(TEMPLATE.dispatchId), body: JSON.stringify(TEMPLATE) });
  return {
    ledger,
    subscribers: readers,
    mailer: { send: async () => ({ messageId: 'm' }) },
    clock,
    log: createLogger({}, (line) => lines.push(line)),
    rate: createTokenBucket({ ratePerSecond: Infinity, clock }),
    config,
    unsubscribeUrl: (id: string, nonce?: string) =>
      unsubscribeUrl(config, 'unit-secret-0123456789-0123456789-abc', id, nonce),
    lines,
    ...overrides,
  } as WorkerDeps & { ledger: MemoryTable; lines: string[] };
}

/** A subscriber id of the table's shape: 22 base64url characters. */
const sid = (name: string) => name.padEnd(22, '_');

/** The subscribers table the workers read addresses from: every reader a shard below names, confirmed. */
const readers = new MemoryTable({ partitionKey: 'id' });

/** A shard of these readers (ids alone, as the planner writes them), each confirmed in `readers`. */
const shardBody = (recipients: { id: string; email: string }[]) => {
  for (const r of recipients)
    readers.items.set(readers.id({ id: sid(r.id) }), { id: sid(r.id), email: r.email, status: 'confirmed' });
  return JSON.stringify({
    v: 2,
    dispatchId: TEMPLATE.dispatchId,
    slug: 'x',
    templateKey: 'rendered/x/x~1780000000/email.json',
    shard: 0,
    recipients: recipients.map((r) => ({ id: sid(r.id) })),
  });
};

describe('token bucket', () => {
  it('lets a burst through, then holds concurrent callers to the rate in every second', async () => {
    const clock = new FakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 10, clock });
    const start = clock.now().getTime();
    const times: number[] = [];
    let finished = 0;
    for (let i = 0; i < 100; i++)
      void bucket.take().then(() => (times.push(clock.now().getTime() - start), finished++));
    await clock.run(() => finished === 100);
    expect(times).toHaveLength(100);
    expect(times.filter((t) => t === 0)).toHaveLength(10);
    expect(Math.max(...times)).toBe(9_000);
    // In any one-second window, at most rate + burst sends.
    for (const from of times) expect(times.filter((t) => t >= from && t < from + 1000).length).toBeLessThanOrEqual(20);
  });

  it('gives each of N workers 1/N of the account rate, so together they never pass it', async () => {
    const clock = new FakeClock();
    const workers = Array.from({ length: 4 }, () => workerTokenBucket(14, 4, clock));
    let finished = 0;
    const start = clock.now().getTime();
    const times: number[] = [];
    for (const bucket of workers)
      for (let i = 0; i < 35; i++)
        void bucket.take().then(() => (times.push(clock.now().getTime() - start), finished++));
    await clock.run(() => finished === 140);
    // 140 sends at 14/s, after a first burst of 4 x 3.5 tokens: nine seconds, and never more than the account's
    // rate plus that burst in any one second.
    expect(Math.max(...times)).toBe(9_000);
    for (const from of times) expect(times.filter((t) => t >= from && t < from + 1000).length).toBeLessThanOrEqual(28);
  });
});

describe('scale plan', () => {
  it('plans 1,000,000 subscribers at 1,000/s', () => {
    const plan = planForScale({ subscribers: 1_000_000, ratePerSecond: 1000, shardSize: 500, workerRatePerSecond: 25 });
    expect(plan).toMatchObject({
      shards: 2000,
      concurrency: 40,
      perWorkerRatePerSecond: 25,
      shardSeconds: 20,
      wallSeconds: 1000,
    });
  });
});

describe('shard messages', () => {
  it('rejects malformed bodies without echoing an address', () => {
    const bad = [
      'nope',
      '[]',
      '{"v":2}',
      '{"v":1,"dispatchId":"d","slug":"s","templateKey":"k","shard":-1,"recipients":[{"id":"aaaaaaaaaaaaaaaaaaaaaa","email":"a@b.example"}]}',
      '{"v":1,"dispatchId":"d","slug":"s","templateKey":"k","shard":0,"recipients":[{"id":"short","email":"a@b.example"}]}',
      '{"v":1,"dispatchId":"d","slug":"s","templateKey":"k","shard":0,"recipients":[]}',
      '{"v":1,"dispatchId":"d","slug":"s","templateKey":"k","shard":0,"recipients":[{"id":"","email":"secret@b.example"}]}',
    ];
    for (const body of bad) {
      expect(() => parseShard(body)).toThrow(MalformedShardError);
      try {
        parseShard(body);
      } catch (err) {
        expect((err as Error).message).not.toContain('@');
      }
    }
  });

  it('makes a correction dispatch id a valid SES tag value', () => {
    expect(tagValue('2026-06-04-harbour-talks~1780000000')).toBe('2026-06-04-harbour-talks_1780000000');
  });
});

describe('shard leases', () => {
  it('lets one worker send a shard, makes a second wait, and a third take over only after the lease', async () => {
    const ledger = new MemoryTable();
    const clock = new FakeClock();
    const key = shardLeaseKey('d', 3);
    expect((await claimLease(ledger, clock, 60_000, key, 'claim-a')).kind).toBe('claimed');
    expect((await claimLease(ledger, clock, 60_000, key, 'claim-b')).kind).toBe('busy');
    // A retry of the first worker's own call recognises its lease.
    expect((await claimLease(ledger, clock, 60_000, key, 'claim-a')).kind).toBe('claimed');
    // Renewing keeps it: a minute after the claim, but not after the renewal, it is still busy for others.
    clock.advance(40_000);
    expect(await renewLease(ledger, clock, key, 'claim-a')).toBeDefined();
    clock.advance(40_000);
    expect((await claimLease(ledger, clock, 60_000, key, 'claim-b')).kind).toBe('busy');
    clock.advance(20_000);
    const [c, d] = await Promise.all([
      claimLease(ledger, clock, 60_000, key, 'claim-c'),
      claimLease(ledger, clock, 60_000, key, 'claim-d'),
    ]);
    expect([c.kind, d.kind].sort()).toEqual(['busy', 'claimed']);
    // The first worker's late writes are fenced off: it learns it lost the shard.
    expect(await renewLease(ledger, clock, key, 'claim-a')).toBeUndefined();
    expect(await finishLease(ledger, clock, key, 'claim-a')).toBeUndefined();
    const winner = c.kind === 'claimed' ? 'claim-c' : 'claim-d';
    expect(await finishLease(ledger, clock, key, winner)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await claimLease(ledger, clock, 60_000, key, 'claim-e')).toEqual({ kind: 'done' });
  });
});

describe('worker', () => {
  it('marks a rejected recipient failed, sends the others, and never retries the rejected one', async () => {
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = {
      async send(email) {
        if (email.to === 'bad@example.org')
          throw new MessageRejectedError('Email address is not verified: bad@example.org');
        sent.push(email);
        return { messageId: `m${sent.length}` };
      },
    };
    const deps = unitDeps({ mailer });
    const body = shardBody([
      { id: 'a', email: 'a@example.org' },
      { id: 'bad', email: 'bad@example.org' },
      { id: 'c', email: 'c@example.org' },
    ]);
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }])).toEqual({ batchItemFailures: [] });
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sent.map((e) => e.to)).toEqual(['a@example.org', 'c@example.org']);
    expect((await deps.ledger.get(sendKey(TEMPLATE.dispatchId, sid('bad'))))?.status).toBe('failed');
    expect(sent[0]).toMatchObject({
      tags: { dispatch: 'x_1780000000', slug: 'x' },
      subject: 'Subject',
      from: TEMPLATE.from,
    });
    expect(sent[0]!.headers.map((h) => h.name)).toEqual([
      'List-Id',
      'List-Unsubscribe',
      'List-Unsubscribe-Post',
      'Feedback-ID',
    ]);
    // Feedback-ID names the dispatch by its SES tag, as the event destination's `dispatch` dimension does.
    expect(sent[0]!.headers.find((h) => h.name === 'Feedback-ID')?.value).toMatch(
      /^x_1780000000:editorial:[a-z0-9-]+:[a-z0-9.-]+$/,
    );
    expect(deps.lines.join('\n')).not.toContain('bad@example.org');
  });

  it('reads each address when it sends: a reader who left or was erased after planning is skipped and recorded so', async () => {
    const sent: string[] = [];
    const deps = unitDeps({ mailer: { send: async (email) => (sent.push(email.to), { messageId: 'm' }) } });
    const body = shardBody([
      { id: 'stays', email: 'stays@example.org' },
      { id: 'left', email: 'left@example.org' },
      { id: 'erased', email: 'erased@example.org' },
    ]);
    await readers.update({ id: sid('left') }, { set: { status: 'unsubscribed' } });
    await readers.delete({ id: sid('erased') });
    // The queue message itself names no address.
    expect(body).not.toContain('@');
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }])).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual(['stays@example.org']);
    expect(await deps.ledger.get(sendKey(TEMPLATE.dispatchId, sid('left')))).toMatchObject({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    expect(await deps.ledger.get(sendKey(TEMPLATE.dispatchId, sid('erased')))).toMatchObject({
      status: 'skipped',
      reason: 'erased',
    });
    expect(await readFigures(deps.ledger, dispatchTag(TEMPLATE.dispatchId))).toMatchObject({
      sent: 1,
      skipped: 2,
      failed: 0,
    });
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual(['stays@example.org']);
  });

  it('gives up on a shard still throttled after its retries, gives its lease back, and finishes on redelivery', async () => {
    let throttle = true;
    const sent: string[] = [];
    const mailer: Mailer = {
      async send(email) {
        if (throttle) throw new ThrottledError('Maximum sending rate exceeded.');
        sent.push(email.to);
        return { messageId: 'm' };
      },
    };
    const deps = unitDeps({ mailer, throttleBackoff: { attempts: 3, baseMs: 10, capMs: 100 } });
    const body = shardBody([
      { id: 'a', email: 'a@example.org' },
      { id: 'b', email: 'b@example.org' },
    ]);
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }])).toEqual({
      batchItemFailures: [{ itemIdentifier: 'q1' }],
    });
    expect(deps.lines.filter((l) => l.includes('send throttled'))).toHaveLength(3);
    throttle = false;
    // The lease was released: the redelivery sends at once, with no lease to wait out.
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual(['a@example.org', 'b@example.org']);
  });

  it('leaves a shard another worker holds alone and reports it, then skips it once it is done', async () => {
    const deps = unitDeps();
    await claimLease(deps.ledger, deps.clock, 600_000, shardLeaseKey(TEMPLATE.dispatchId, 0), 'other-worker');
    const sent: string[] = [];
    deps.mailer = { send: async (e) => (sent.push(e.to), { messageId: 'm' }) };
    const body = shardBody([
      { id: 'a', email: 'a@example.org' },
      { id: 'b', email: 'b@example.org' },
    ]);
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }])).toEqual({
      batchItemFailures: [{ itemIdentifier: 'q1' }],
    });
    expect(sent).toEqual([]);
    await finishLease(deps.ledger, deps.clock, shardLeaseKey(TEMPLATE.dispatchId, 0), 'other-worker');
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([]);
  });

  it("taking over a dead worker's shard, sends only the recipients the ledger has no record of", async () => {
    const deps = unitDeps({ leaseMs: 60_000 });
    await claimLease(deps.ledger, deps.clock, 60_000, shardLeaseKey(TEMPLATE.dispatchId, 0), 'dead-worker');
    await deps.ledger.putMany([{ ...sendKey(TEMPLATE.dispatchId, sid('a')), status: 'sent', messageId: 'earlier' }]);
    (deps.clock as FakeClock).advance(60_000);
    const sent: string[] = [];
    deps.mailer = { send: async (e) => (sent.push(e.to), { messageId: `m-${e.to}` }) };
    const body = shardBody([
      { id: 'a', email: 'a@example.org' },
      { id: 'b', email: 'b@example.org' },
      { id: 'c', email: 'c@example.org' },
    ]);
    expect(await processShards(deps, [{ messageId: 'q1', body, receiveCount: 2 }])).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual(['b@example.org', 'c@example.org']);
    expect(await deps.ledger.get(sendKey(TEMPLATE.dispatchId, sid('c')))).toMatchObject({
      status: 'sent',
      messageId: 'm-c@example.org',
      shard: 0,
    });
    expect(deps.lines.some((l) => l.includes('took over an expired shard lease'))).toBe(true);
  });

  it('never has more than MAX_UNRECORDED sends accepted and unrecorded, however slow the ledger', async () => {
    const deps = unitDeps({ recipientConcurrency: 8 });
    const table = deps.ledger;
    let releaseWrites!: () => void;
    let writesHeld = new Promise<void>((resolve) => (releaseWrites = resolve));
    const recordedIds = new Set<string>();
    let worst = 0;
    const accepted = new Set<string>();
    deps.ledger = Object.assign(Object.create(table) as MemoryTable, {
      putMany: async (items: Item[]) => {
        await writesHeld;
        await table.putMany(items);
        for (const item of items) recordedIds.add(String(item.sk));
      },
    });
    deps.mailer = {
      async send(email) {
        accepted.add(email.to);
        worst = Math.max(worst, accepted.size - recordedIds.size);
        return { messageId: 'm' };
      },
    };
    const recipients = Array.from({ length: 120 }, (_, i) => ({ id: `r${i}`, email: `r${i}@example.org` }));
    const done = processShards(deps, [{ messageId: 'q1', body: shardBody(recipients), receiveCount: 1 }]);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // With every write held back, sending stops at the bound.
    expect(accepted.size).toBe(MAX_UNRECORDED);
    releaseWrites();
    writesHeld = Promise.resolve();
    const outcome = await done;
    expect(outcome).toEqual({ batchItemFailures: [] });
    expect(accepted.size).toBe(120);
    expect(recordedIds.size).toBe(120);
    expect(worst).toBeLessThanOrEqual(MAX_UNRECORDED);
  });
});

describe('the dispatch template in the ledger', () => {
  it('fails a shard whose dispatch has no template in the ledger, sending nothing, with a clear log', async () => {
    const sent: OutgoingEmail[] = [];
    const deps = unitDeps({
      mailer: { send: async (email) => (sent.push(email), { messageId: 'm' }) },
      templates: new TemplateCache(),
    });
    deps.ledger.items.clear();
    const out = await processShards(deps, [
      { messageId: 'no-template', body: shardBody([{ id: 't1', email: 't1@example.org' }]), receiveCount: 1 },
    ]);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'no-template' }] });
    expect(sent).toEqual([]);
    const errors = deps.lines
      .map((l) => JSON.parse(l) as { level: string; message: string; error?: { name: string; message: string } })
      .filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: expect.stringMatching(/template missing/),
      error: { name: 'TemplateError', message: expect.stringMatching(/template#x~1780000000: no such template/) },
    });
  });
});

describe('the dispatch worker function', () => {
  it('bundles without mjml, Handlebars or the S3 client, under 1 MB', async () => {
    const result = await build({
      entryPoints: ['functions/dispatch-worker.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      metafile: true,
      write: false,
      outfile: 'dispatch-worker.mjs',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.filter((i) => /node_modules\/(mjml[^/]*|handlebars|html-minifier[^/]*|js-beautify)\//.test(i)),
    ).toEqual([]);
    // The template comes from the ledger: loading the S3 client would add most of a cold start.
    // (metafile.inputs also lists files parsed then shaken out; the output's own inputs are what ships.)
    const shipped = Object.keys(Object.values(result.metafile.outputs)[0]!.inputs);
    expect(shipped.filter((i) => /node_modules\/@aws-sdk\/client-s3\/|src\/adapters\/s3-store\.ts/.test(i))).toEqual(
      [],
    );
    expect(shipped).toContain('src/adapters/dynamo-table.ts');
    expect(Buffer.from(result.outputFiles[0]!.contents).toString('utf8')).not.toMatch(/GetObjectCommand|client-s3/);
    expect(inputs).not.toContain('src/render/email/render.ts');
    expect(inputs).not.toContain('src/render/email/template.ts');
    expect(inputs).toContain('src/render/email/personalize.ts');
    expect(result.outputFiles[0]!.contents.length).toBeLessThan(1024 * 1024);
  });

  describe('against the emulators', () => {
    const emulators = useEmulators({
      tables: [
        { tableName: 'handler-ledger', partitionKey: 'pk', sortKey: 'sk' },
        { tableName: 'handler-subscribers', partitionKey: 'id' },
      ],
    });

    it('turns an SQS event into sends and a partial batch response', async () => {
      const env = {
        EDITORIALS_BUCKET: 'handler-editorials',
        PUBLIC_BUCKET: 'unused',
        SUBSCRIBERS_TABLE: 'handler-subscribers',
        LEDGER_TABLE: 'handler-ledger',
        DISPATCH_QUEUE_URL: 'http://127.0.0.1/unused',
        TOKEN_SECRET: 'handler-secret-0123456789-0123456789',
        SEND_RATE_PER_SECOND: '1000',
        CONFIGURATION_SET: 'broadsheet',
        BROADSHEET_LOCAL_ENDPOINTS: JSON.stringify(emulators.endpoints),
      };
      onTestFinished(setEnv(env));
      // The worker reads the template the planner copied into the ledger; it has no S3 client.
      const { createDynamoClient, DynamoTable } = await import('../../src/adapters/dynamo-table.ts');
      const documents = createDynamoClient(emulators.clientConfigs.dynamodb);
      const ledger = new DynamoTable(documents, { tableName: 'handler-ledger', partitionKey: 'pk', sortKey: 'sk' });
      await ledger.put({ ...templateItemKey(TEMPLATE.dispatchId), body: JSON.stringify(TEMPLATE) });
      // The shard names ids; the worker reads each address and status from the subscribers table. h3 left after planning.
      const subscribers = new DynamoTable(documents, { tableName: 'handler-subscribers', partitionKey: 'id' });
      // Each record's link nonce: the worker binds the unsubscribe link to it.
      for (const [id, status] of [
        ['h1', 'confirmed'],
        ['h2', 'confirmed'],
        ['h3', 'unsubscribed'],
      ] as const)
        await subscribers.put({
          id: id.padEnd(22, '_'),
          email: `${id}@example.org`,
          status,
          linkNonce: `n${id}`.padEnd(22, '-'),
        });
      documents.destroy();
      await emulators.clearMail();

      // Read from this environment at its first evaluation, as at a Lambda cold start, whatever another file left.
      vi.resetModules();
      const { handler } = await import('../../functions/dispatch-worker.ts');
      const record = (messageId: string, body: string) => ({
        messageId,
        receiptHandle: `rh-${messageId}`,
        body,
        attributes: { ApproximateReceiveCount: '1' },
      });
      const out = await handler({
        Records: [
          record(
            'good',
            shardBody([
              { id: 'h1', email: 'h1@example.org' },
              { id: 'h2', email: 'h2@example.org' },
              { id: 'h3', email: 'h3@example.org' },
            ]),
          ),
          record('poison', '{"v":1}'),
        ],
      });
      expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
      const mail = await emulators.sentMail();
      expect(mail.map((m) => m.destination.to[0]).sort()).toEqual(['h1@example.org', 'h2@example.org']);
      expect(mail[0]!.body.text).toMatch(
        /Unsubscribe: https:\/\/monexus\.example\/unsubscribe\?token=unsubscribe\.0\.(h[12])_{20}\.n\1-{19}\.[A-Za-z0-9_-]{32}$/,
      );
    });
  });
});

describe('what the ledger keeps of a reader', () => {
  it('every send record and lease expires after the retention; the dispatch state and figures do not', async () => {
    const { LEDGER_RETENTION_DAYS } = await import('../../src/pipeline/dispatch/ledger-keys.ts');
    const deps = unitDeps();
    const body = shardBody([{ id: 'kept', email: 'kept@example.org' }]);
    await processShards(deps, [{ messageId: 'q1', body, receiveCount: 1 }]);
    const now = Math.floor(deps.clock.now().getTime() / 1000);
    const named = [...deps.ledger.items.values()].filter(
      (item) => String(item.pk).startsWith('send#') || String(item.pk).startsWith('lease#'),
    );
    expect(named).toHaveLength(2);
    for (const item of named) expect(item.expiresAt).toBe(now + LEDGER_RETENTION_DAYS * 86_400);
    const figures = [...deps.ledger.items.values()].filter((item) => String(item.pk).startsWith('figures#'));
    expect(figures.length).toBeGreaterThan(0);
    for (const item of figures) expect(item.expiresAt).toBeUndefined();
  });
});
