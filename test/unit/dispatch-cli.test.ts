// `broadsheet dispatch`: what the desk reads and types, on the in-memory ledger (the commands' logic; the stack is
// found by src/app/desk-runtime.ts, tested with the local run).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { runDispatchCommand, type DispatchCommandIo } from '../../src/cli/dispatch.ts';
import { dispatchMain } from '../../src/cli/dispatch-main.ts';
import { registerDispatch } from '../../src/pipeline/dispatch/dispatch-register.ts';
import type { DeskDeps } from '../../src/pipeline/dispatch/desk-operations.ts';
import { addFigures, dispatchTag } from '../../src/pipeline/dispatch/figures.ts';
import { dispatchStateKey, shardRecordKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { MemoryTable } from '../helpers/memory-table.ts';

async function desk() {
  const ledger = new MemoryTable();
  const queued: string[] = [];
  const deps: DeskDeps = {
    ledger,
    queue: { sendBatch: async (b) => void queued.push(...b), receive: async () => [], delete: async () => {} },
    clock: { now: () => new Date('2026-12-06T12:00:00Z'), sleep: async () => {} },
    log: createLogger({}, () => {}),
  };
  for (const [id, createdAt, recipients, sent] of [
    ['2026-06-02-grain', '2026-12-06T10:00:00Z', 300, 300],
    ['2026-06-03-grid', '2026-12-06T11:00:00Z', 500, 120],
  ] as const) {
    await registerDispatch(ledger, { dispatchId: id, slug: id, createdAt });
    await ledger.put({ ...dispatchStateKey(id), status: 'planned', slug: id, recipients, startedAt: createdAt });
    await ledger.put({ ...shardRecordKey(id, 0), segment: 0, recipients, body: `${id} shard` });
    await addFigures(
      ledger,
      dispatchTag(id),
      { sent, delivered: sent - 2, bounced: 1, complained: 1 },
      '2026-12-06T11:30:00Z',
      0,
    );
  }
  return { deps, ledger, queued };
}

function io(): DispatchCommandIo & { lines: string[]; errors: string[]; written: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const written: string[] = [];
  return {
    lines,
    errors,
    written,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    write: (t) => written.push(t),
    tty: false,
    sleep: async () => {},
  };
}

describe('broadsheet dispatch', () => {
  it('list prints the newest first, as a table and as JSON', async () => {
    const { deps } = await desk();
    const table = io();
    expect(await runDispatchCommand(['list'], async () => deps, table)).toBe(0);
    expect(table.lines[0]!.split('\n')[0]).toMatch(
      /^SLUG\s+STATE\s+RECIPIENTS\s+SENT\s+DELIVERED\s+BOUNCED\s+COMPLAINED\s+SUPPRESSED\s+STARTED$/,
    );
    expect(
      table.lines[0]!.split('\n')
        .slice(1)
        .map((row) => row.split(/\s+/).slice(0, 4)),
    ).toEqual([
      ['2026-06-03-grid', 'sending', '500', '120'],
      ['2026-06-02-grain', 'finished', '300', '300'],
    ]);
    const json = io();
    await runDispatchCommand(['list', '--json'], async () => deps, json);
    expect(JSON.parse(json.lines[0]!).map((d: { slug: string; state: string }) => [d.slug, d.state])).toEqual([
      ['2026-06-03-grid', 'sending'],
      ['2026-06-02-grain', 'finished'],
    ]);
  });

  it('status --json has every field a script reads', async () => {
    const { deps } = await desk();
    const out = io();
    expect(await runDispatchCommand(['status', '2026-06-03-grid', '--json'], async () => deps, out)).toBe(0);
    const status = JSON.parse(out.lines[0]!);
    for (const key of [
      'slug',
      'dispatchId',
      'state',
      'recipients',
      'sent',
      'failed',
      'delivered',
      'bounced',
      'complained',
      'suppressed',
      'startedAt',
      'finishedAt',
    ])
      expect(status).toHaveProperty(key);
    expect(status).toMatchObject({
      slug: '2026-06-03-grid',
      state: 'sending',
      recipients: 500,
      sent: 120,
      delivered: 118,
      bounced: 1,
      complained: 1,
      finishedAt: null,
    });
  });

  it('pause, resume and cancel say what happened; what cannot be done is a sentence and exit status 1', async () => {
    const { deps, queued } = await desk();
    const run = async (...argv: string[]) => {
      const out = io();
      const code = await runDispatchCommand(argv, async () => deps, out);
      return { code, said: [...out.lines, ...out.errors].join('\n') };
    };
    expect(await run('pause', '2026-06-03-grid', '--reason', 'wrong link in paragraph 2')).toMatchObject({
      code: 0,
      said: expect.stringMatching(/paused\. Every worker stops sending it within a few seconds/),
    });
    expect(await run('status', '2026-06-03-grid')).toMatchObject({
      said: expect.stringMatching(/paused by the desk at .*: wrong link in paragraph 2/),
    });
    expect(await run('resume', '2026-06-03-grid')).toMatchObject({
      code: 0,
      said: expect.stringMatching(/resumed\. 1 shard queued again/),
    });
    expect(queued).toEqual(['2026-06-03-grid shard']);
    expect(await run('resume', '2026-06-03-grid')).toMatchObject({
      code: 1,
      said: expect.stringMatching(/not paused/),
    });
    expect(await run('cancel', '2026-06-03-grid')).toMatchObject({
      code: 0,
      said: expect.stringMatching(/cancelled for good/),
    });
    expect(await run('resume', '2026-06-03-grid')).toMatchObject({
      code: 1,
      said: expect.stringMatching(/cancelled at .* cannot be resumed/),
    });
    expect(await run('pause', '2026-06-02-grain')).toMatchObject({
      code: 1,
      said: expect.stringMatching(/finished at .*nothing left to pause/),
    });
    expect(await run('status', 'no-such-thing')).toMatchObject({
      code: 1,
      said: expect.stringMatching(/no dispatch of that slug or id; npx broadsheet dispatch list/),
    });
  });

  it('status --watch follows a dispatch until it ends, with a progress bar on a terminal', async () => {
    const { deps, ledger } = await desk();
    const out = { ...io(), tty: true };
    let ticks = 0;
    out.sleep = async () => {
      ticks++;
      await addFigures(ledger, dispatchTag('2026-06-03-grid'), { sent: 190 }, '2026-12-06T11:40:00Z', ticks);
    };
    expect(await runDispatchCommand(['status', '2026-06-03-grid', '--watch'], async () => deps, out)).toBe(0);
    expect(ticks).toBe(2);
    expect(out.written.at(-1)).toMatch(/finished\s+\[#{30}\]\s+500\/500 100\.0%/);
    expect(out.written[0]).toMatch(/^\r\x1b\[2Ksending\s+\[#{7}\.{23}\]\s+120\/500 24\.0%/);
    expect(out.lines.at(-1)).toMatch(/2026-06-03-grid: finished/);
  });

  it('usage mistakes are refused before anything is read', async () => {
    for (const argv of [['status'], ['frobnicate', 'x'], ['list', 'x'], ['resume', 'x', '--reason', 'no']]) {
      await expect(
        runDispatchCommand(
          argv,
          async () => {
            throw new Error('must not connect');
          },
          io(),
        ),
      ).rejects.toThrow(/dispatch|slug|reason/);
    }
  });

  it('a stack that cannot be found is one sentence and exit status 1', async () => {
    const out = io();
    const missing = async (name: string) => {
      const { StackNotFoundError } = await import('../../src/adapters/stack-outputs.ts');
      throw new StackNotFoundError(`stack ${name} does not exist in region eu-west-1`);
    };
    expect(await dispatchMain(['list'], {}, { io: out, outputs: missing })).toBe(1);
    expect(out.errors).toEqual(['broadsheet dispatch: stack BroadsheetData does not exist in region eu-west-1']);
    // --stack names the prefix, in either spelling.
    for (const argv of [
      ['list', '--stack', 'Prod'],
      ['list', '--stack=Prod'],
    ]) {
      const named = io();
      expect(await dispatchMain(argv, {}, { io: named, outputs: missing })).toBe(1);
      expect(named.errors).toEqual(['broadsheet dispatch: stack ProdData does not exist in region eu-west-1']);
    }
  });
});
