import { beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { partnerKey, partnerPath } from '../../src/partners/paths.ts';
import type { PickupReport } from '../../src/partners/pickup-report.ts';
import { webhookOutcome, webhookRecordItem, type WebhookRecord } from '../../src/partners/webhook-records.ts';
import { partnerPickups, type PickupDeps } from '../../src/pipeline/pickup/report.ts';
import type { PartnerFetchLog, SiteFetch } from '../../src/ports.ts';
import { MemoryTable } from '../helpers/memory-table.ts';
import { markdown, memoryStage, type Stage } from '../helpers/publish-harness.ts';

/*
 * The pickup report over the partner catalogue the publish stage itself writes (in memory): a partner's documents,
 * which change of each item it fetched after the change, and its webhook deliveries.
 */

const SECRET = 'the partner secret of the pickup test, over 32 characters';
const PARTNERS = [
  { id: 'wire-east', name: 'Wire East', formats: ['atom', 'ninjs'], webhook: 'https://wire-east.example/hook' },
  { id: 'digest-co', name: 'Digest Co-op', formats: ['json'] },
];
const config = configFrom({ partners: PARTNERS }, 'test');
const [east, digest] = config.partners as [(typeof config.partners)[0], (typeof config.partners)[0]];
const HOUR = 3_600_000;

const fetchLog = (fetches: SiteFetch[]): PartnerFetchLog => ({
  async *fetchesSince(since, until) {
    for (const f of fetches) if (f.at >= since && f.at <= until) yield f;
  },
});

const text = (slug: string, fields: Record<string, string> = {}) =>
  markdown({ title: `"Editorial ${slug}"`, slug, published: '2026-06-20T06:00:00Z', topics: '[ports]', ...fields });

let stage: Stage;
/** When the changes were made: the upload times (the store's real clock). */
let t0: Date;
let afterCorrection: Date;
let afterKill: Date;

beforeAll(async () => {
  t0 = new Date();
  stage = await memoryStage({ config, now: t0 });
  stage.deps.partnerSecret = SECRET;
  for (const slug of ['2026-06-20-kept', '2026-06-20-killed'])
    await stage.publish(await stage.upload(`${slug}.md`, text(slug)));
  await stage.nextUploadSecond();
  // The desk's `updated` is weeks before the upload: the documents took the correction at the upload.
  await stage.publish(
    await stage.upload(
      '2026-06-20-kept.md',
      text('2026-06-20-kept', { updated: '2026-06-25T06:00:00Z', correction: '"A figure was wrong."' }),
    ),
  );
  afterCorrection = new Date(Date.now() + 1_500);
  stage.clock.set(new Date(afterCorrection.getTime() + 1_000));
  await stage.remove('approved/2026-06-20-killed.md');
  await stage.publish('approved/2026-06-20-killed.md', 'removed');
  afterKill = new Date(stage.clock.now().getTime() + 1_000);
  stage.clock.set(new Date(afterKill.getTime() + 5 * HOUR));
});

function deps(fetches: SiteFetch[], ledger = new MemoryTable()): PickupDeps {
  return {
    editorials: stage.editorials,
    ledger,
    fetches: fetchLog(fetches),
    config,
    clock: stage.clock,
    partnerSecret: SECRET,
  };
}

const key = (partner: typeof east, format: 'atom' | 'ninjs' | 'json') =>
  partnerKey(partnerPath(SECRET, partner), format);
const item = (report: PickupReport, slug: string) => report.items.find((i) => i.slug === slug);

describe('the pickup report', () => {
  it('shows a kill as seen once a document holding it was fetched after it, and a change fetched only before as not seen', async () => {
    const before = new Date(t0.getTime() - HOUR);
    const fetches: SiteFetch[] = [
      { at: before, path: key(east, 'atom'), status: 200 },
      // A 304 after the kill: the partner's copy was the document holding the tombstone.
      { at: afterKill, path: key(east, 'ninjs'), status: 304 },
    ];
    const [report] = await partnerPickups(deps(fetches), [east], new Date(t0.getTime() - 2 * HOUR));
    expect(item(report!, '2026-06-20-killed')).toMatchObject({ change: 'tombstone', seen: true, seenAt: afterKill });
    expect(item(report!, '2026-06-20-kept')).toMatchObject({
      change: 'correction',
      version: '2026-06-25T06:00:00.000Z',
      seen: true,
      seenAt: afterKill,
    });
    expect(report!.documents).toEqual([
      { key: key(east, 'atom'), format: 'atom', fetches: 1, lastFetched: before },
      { key: key(east, 'ninjs'), format: 'ninjs', fetches: 1, lastFetched: afterKill },
    ]);
  });

  it('counts no fetch made before the upload of a correction, whatever `updated` the desk wrote', async () => {
    // After the desk's `updated` (June) but before the upload: the document then held the old version.
    const fetches = [{ at: new Date(t0.getTime() - 1), path: key(east, 'atom'), status: 200 }];
    const [report] = await partnerPickups(deps(fetches), [east], new Date(t0.getTime() - HOUR));
    expect(item(report!, '2026-06-20-kept')).toMatchObject({ seen: false });
    expect(item(report!, '2026-06-20-killed')).toMatchObject({ seen: false });
  });

  it("counts only the partner's own documents answered 200 or 304", async () => {
    const fetches: SiteFetch[] = [
      { at: afterKill, path: key(digest, 'json'), status: 200 },
      { at: afterKill, path: key(east, 'atom'), status: 404 },
      { at: afterKill, path: key(east, 'atom').replace('atom.xml', 'other.xml'), status: 200 },
    ];
    const [eastReport, digestReport] = await partnerPickups(
      deps(fetches),
      [east, digest],
      new Date(t0.getTime() - HOUR),
    );
    expect(eastReport!.items.map((i) => i.seen)).toEqual([false, false]);
    expect(eastReport!.documents.map((d) => d.lastFetched)).toEqual([undefined, undefined]);
    // The other partner takes no topic filter: it has both items, and fetched them after the kill.
    expect(digestReport!.items.every((i) => i.seen)).toBe(true);
  });

  it('leaves out changes older than --since', async () => {
    const [report] = await partnerPickups(deps([]), [east], new Date(afterCorrection.getTime() + 500));
    expect(report!.items.map((i) => i.slug)).toEqual(['2026-06-20-killed']);
  });

  it("gives each webhook event's latest outcome, with its attempts, from the ledger", async () => {
    const ledger = new MemoryTable();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const records: WebhookRecord[] = [
      {
        partner: 'wire-east',
        eventId: 'ev-a',
        at: at(0),
        outcome: webhookOutcome(false, 1, 5),
        attempt: 1,
        status: 500,
      },
      {
        partner: 'wire-east',
        eventId: 'ev-a',
        at: at(1000),
        outcome: webhookOutcome(true, 2, 5),
        attempt: 2,
        status: 204,
      },
      {
        partner: 'wire-east',
        eventId: 'ev-b',
        at: at(2000),
        outcome: webhookOutcome(false, 5, 5),
        attempt: 5,
        error: 'timeout',
      },
      {
        partner: 'wire-east',
        eventId: 'ev-c',
        at: at(3000),
        outcome: webhookOutcome(false, 2, 5),
        attempt: 2,
        status: 503,
      },
      // Another partner's, and one before --since: neither shows.
      { partner: 'digest-co', eventId: 'ev-d', at: at(3000), outcome: 'acknowledged', attempt: 1, status: 200 },
      { partner: 'wire-east', eventId: 'ev-old', at: at(-3 * HOUR), outcome: 'acknowledged', attempt: 1, status: 200 },
    ];
    await ledger.putMany(records.map(webhookRecordItem));
    const [report] = await partnerPickups(deps([], ledger), [east], new Date(t0.getTime() - HOUR));
    expect(report!.partner).toEqual({ id: 'wire-east', name: 'Wire East', webhook: true });
    expect(report!.webhooks).toEqual([
      { eventId: 'ev-c', outcome: 'retrying', at: at(3000), attempts: 2, status: 503 },
      { eventId: 'ev-b', outcome: 'dead-lettered', at: at(2000), attempts: 5, error: 'timeout' },
      { eventId: 'ev-a', outcome: 'acknowledged', at: at(1000), attempts: 2, status: 204 },
    ]);
    expect(webhookRecordItem(records[0]!)).toMatchObject({
      pk: 'webhook#wire-east',
      sk: `${at(0).toISOString()}#ev-a`,
      expiresAt: Math.floor(at(0).getTime() / 1000) + 90 * 86_400,
    });
  });
});
