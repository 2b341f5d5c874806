import { describe, expect, it } from 'vitest';
import type { QueueRecord } from '../../src/batch.ts';
import type { ScopeHead } from '../../src/catalogue/head.ts';
import type { CatalogueItem } from '../../src/catalogue/item.ts';
import { configFrom } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { partnerKey } from '../../src/partners/paths.ts';
import { killsToCheck, partnersWithUnseenKills, unseenKills } from '../../src/partners/unseen-kills.ts';
import { webhookRecordsSince } from '../../src/partners/webhook-records.ts';
import { UNSEEN_KILLS_METRIC, watchKills } from '../../src/pipeline/pickup/kill-watch.ts';
import { deliverWebhooks } from '../../src/pipeline/webhooks/deliver.ts';
import type { HttpPoster, SiteFetch } from '../../src/ports.ts';
import { MemoryTable } from '../helpers/memory-table.ts';
import { markdown, memoryStage } from '../helpers/publish-harness.ts';

/*
 * The alarm's measure: a partner that has not fetched a kill (a withdrawal) an hour after it. And the records the
 * webhook worker leaves of each delivery attempt, which the pickup report reads.
 */

const HOUR = 3_600_000;
const NOW = new Date('2026-07-02T12:00:00Z');
const shape = { windowSize: 3, pageSize: 3 };
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);

function item(slug: string, seq: number, kind: 'current' | 'withdrawn', changed: Date): CatalogueItem {
  return {
    slug,
    seq,
    published: '2026-06-01T06:00:00.000Z',
    updated: '2026-06-01T06:00:00.000Z',
    title: slug,
    lang: 'en',
    url: `https://example.org/editorials/${slug}/`,
    topics: [],
    fragments: { rss: '', atom: '', json: '', card: '' },
    partner: { kind, changed: changed.toISOString(), fragments: {} },
  };
}

function head(items: CatalogueItem[], open: CatalogueItem[] = []): ScopeHead {
  return { format: 1, gen: 1, nextSeq: 10, boundary: open.length ? 3 : 0, window: items, open, recent: [] };
}

const partner = { id: 'wire-east', formats: ['atom' as const, 'ninjs' as const] };
const other = { id: 'digest-co', formats: ['json' as const] };
const atom = partnerKey('east-path', 'atom');
const ninjs = partnerKey('east-path', 'ninjs');

/** One partner taking Atom, and one editorial published then withdrawn (a kill) at the stage clock's time. */
async function killedForOnePartner() {
  const config = configFrom({ partners: [{ id: 'wire-east', name: 'Wire East', formats: ['atom'] }] }, 'test');
  const stage = await memoryStage({ config, now: new Date() });
  const partnerSecret = 'the partner secret of the kill watch, over 32 characters';
  stage.deps.partnerSecret = partnerSecret;
  const body = markdown({ title: '"Killed"', slug: '2026-06-20-killed', published: '2026-06-20T06:00:00Z' });
  await stage.publish(await stage.upload('2026-06-20-killed.md', body));
  await stage.remove('approved/2026-06-20-killed.md');
  await stage.publish('approved/2026-06-20-killed.md', 'removed');
  return { config, stage, partnerSecret };
}

describe('unseen kills', () => {
  const heads = [
    {
      partner,
      path: 'east-path',
      head: head([
        item('killed-2h', 9, 'withdrawn', ago(2)),
        item('killed-30m', 8, 'withdrawn', ago(0.5)),
        item('killed-2d', 7, 'withdrawn', ago(48)),
        item('corrected-3h', 6, 'current', ago(3)),
      ]),
    },
    { partner: other, path: 'digest-path', head: head([item('killed-5h', 5, 'withdrawn', ago(5))]) },
  ];

  it('looks only at kills between an hour and a day old', () => {
    expect(killsToCheck(heads, shape, NOW).map((k) => [k.partner, k.slug])).toEqual([
      ['wire-east', 'killed-2h'],
      ['digest-co', 'killed-5h'],
    ]);
  });

  it('counts a partner until it fetches a document holding the kill after it (a 304 counts, a 404 does not)', () => {
    const kills = killsToCheck(heads, shape, NOW);
    const fetch = (path: string, hours: number, status = 200): SiteFetch => ({ at: ago(hours), path, status });
    const none = unseenKills(kills, []);
    expect(none.map((u) => u.slug)).toEqual(['killed-2h', 'killed-5h']);
    expect(partnersWithUnseenKills(none)).toBe(2);
    // Before the kill, a 404 after it, another partner's document: still unseen.
    const missed = unseenKills(kills, [
      fetch(atom, 3),
      fetch(ninjs, 1, 404),
      fetch(partnerKey('digest-path', 'json'), 6),
    ]);
    expect(partnersWithUnseenKills(missed)).toBe(2);
    const seen = unseenKills(kills, [fetch(ninjs, 1.5, 304), fetch(partnerKey('digest-path', 'json'), 1)]);
    expect(seen).toEqual([]);
    expect(partnersWithUnseenKills(seen)).toBe(0);
  });

  it('counts, for a kill pushed to the archive page still filling, only a fetch of that page', () => {
    const pushed = [
      {
        partner,
        path: 'east-path',
        head: head(
          [item('a', 12, 'current', ago(1.2)), item('b', 11, 'current', ago(1.1)), item('c', 10, 'current', ago(1.05))],
          [item('killed-3h', 9, 'withdrawn', ago(3))],
        ),
      },
    ];
    const kills = killsToCheck(pushed, shape, NOW);
    expect(kills.map((k) => k.slug)).toEqual(['killed-3h']);
    expect(unseenKills(kills, [{ at: ago(0.1), path: atom, status: 200 }])).toHaveLength(1);
    expect(unseenKills(kills, [{ at: ago(0.1), path: partnerKey('east-path', 'atom', 2), status: 200 }])).toEqual([]);
  });

  it("goes out on the publish function's schedule as a CloudWatch metric in Embedded Metric Format", async () => {
    const { config, stage, partnerSecret } = await killedForOnePartner();
    stage.clock.set(new Date(stage.clock.now().getTime() + 2 * HOUR));
    const lines: Record<string, unknown>[] = [];
    const asked: [Date, Date][] = [];
    const unseen = await watchKills({
      editorials: stage.editorials,
      fetches: {
        async *fetchesSince(since, until) {
          asked.push([since, until]);
          yield* [];
        },
      },
      config,
      clock: stage.clock,
      log: createLogger({}, (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
      partnerSecret,
      functionName: 'BroadsheetPipeline-Publish',
    });
    expect(unseen.map((u) => u.slug)).toEqual(['2026-06-20-killed']);
    // The logs are read from the kill on, not further back.
    expect(asked[0]![0].getTime()).toBe(stage.clock.now().getTime() - 2 * HOUR);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      FunctionName: 'BroadsheetPipeline-Publish',
      [UNSEEN_KILLS_METRIC]: 1,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Broadsheet',
            Dimensions: [['FunctionName']],
            Metrics: [{ Name: UNSEEN_KILLS_METRIC, Unit: 'Count' }],
          },
        ],
      },
    });
  });
});

describe('the kill watch across scheduled runs', () => {
  it('reads about an hour of logs a run while a kill is unseen, and none once every kill is seen', async () => {
    const { config, stage, partnerSecret } = await killedForOnePartner();
    const killedAt = stage.clock.now().getTime();
    const asked: [Date, Date][] = [];
    const fetched: SiteFetch[] = [];
    const run = () =>
      watchKills({
        editorials: stage.editorials,
        fetches: {
          async *fetchesSince(since, until) {
            asked.push([since, until]);
            yield* fetched.filter((f) => f.at >= since && f.at <= until);
          },
        },
        config,
        clock: stage.clock,
        log: createLogger({}, () => {}),
        partnerSecret,
        functionName: 'BroadsheetPipeline-Publish',
      });

    stage.clock.set(new Date(killedAt + 2 * HOUR));
    expect((await run()).map((u) => u.slug)).toEqual(['2026-06-20-killed']);
    expect(asked[0]![0].getTime()).toBe(killedAt);
    // Five minutes on, still unseen: an hour before where the last run stopped, not back to the kill.
    stage.clock.set(new Date(killedAt + 2 * HOUR + 5 * 60_000));
    expect(await run()).toHaveLength(1);
    expect(asked[1]![0].getTime()).toBe(killedAt + HOUR);
    // The partner fetches its feed; the next run sees it, and the one after reads no log at all.
    const path = (await stage.keys(stage.site, 'partners/')).find((key) => key.endsWith('/atom.xml'))!;
    fetched.push({ at: new Date(killedAt + 2 * HOUR + 6 * 60_000), path, status: 200 });
    stage.clock.set(new Date(killedAt + 2 * HOUR + 10 * 60_000));
    expect(await run()).toEqual([]);
    stage.clock.set(new Date(killedAt + 2 * HOUR + 15 * 60_000));
    expect(await run()).toEqual([]);
    expect(asked).toHaveLength(3);
  });
});

describe('webhook delivery records', () => {
  const config = configFrom(
    { partners: [{ id: 'wire-east', name: 'Wire East', formats: ['ninjs'], webhook: 'https://wire-east.example/h' }] },
    'test',
  );
  const message = (eventId: string) => JSON.stringify({ partner: 'wire-east', eventId, body: '{}' });
  const record = (id: string, eventId: string, receiveCount: number): QueueRecord => ({
    messageId: id,
    body: message(eventId),
    receiveCount,
  });

  it('record each attempt: acknowledged, retrying, and dead-lettered on the last receive the queue allows', async () => {
    const answers: Record<string, () => Promise<{ status: number }>> = {
      ok: async () => ({ status: 202 }),
      refused: async () => ({ status: 500 }),
      silent: async () => {
        throw new Error('no answer within 10 s');
      },
    };
    const poster: HttpPoster = { post: (_url, _body, headers) => answers[headers['Broadsheet-Event-Id']!]!() };
    const ledger = new MemoryTable();
    const response = await deliverWebhooks(
      {
        config,
        webhookSecret: 'the webhook secret of the record test, 32 characters',
        poster,
        clock: { now: () => NOW, sleep: async () => {} },
        log: createLogger({}, () => {}),
        records: ledger,
        maxReceiveCount: 3,
      },
      [record('1', 'ok', 1), record('2', 'refused', 1), record('3', 'silent', 3)],
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['2', '3']);
    const records = await webhookRecordsSince(ledger, 'wire-east', ago(1));
    expect(
      records
        .map((r) => [r.eventId, r.outcome, r.attempt, r.status ?? r.error])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['ok', 'acknowledged', 1, 202],
      ['refused', 'retrying', 1, 500],
      ['silent', 'dead-lettered', 3, 'no answer within 10 s'],
    ]);
  });

  it('still delivers when the record cannot be written', async () => {
    const ledger = new MemoryTable();
    ledger.put = async () => {
      throw new Error('throttled');
    };
    const response = await deliverWebhooks(
      {
        config,
        webhookSecret: 'the webhook secret of the record test, 32 characters',
        poster: { post: async () => ({ status: 200 }) },
        clock: { now: () => NOW, sleep: async () => {} },
        log: createLogger({}, () => {}),
        records: ledger,
      },
      [record('1', 'ok', 1)],
    );
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
