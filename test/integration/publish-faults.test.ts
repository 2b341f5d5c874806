// Every S3 event delivered more than once, late and out of order, through the S3 event relay of the emulators: each
// editorial ends in every feed once, with one send. test/unit/publishing-faults.test.ts covers races and failed writes.
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey, type S3NotificationEvent } from '../../src/adapters/s3-event.ts';
import { useEmulators } from '../helpers/emulators.ts';
import {
  decodeIndexEntry,
  expectEveryFeed,
  markdown,
  newStage,
  pageUrl,
  plannedSends,
  publishObject,
  samples,
  sorted,
  type ObjectEvent,
} from '../helpers/publish-harness.ts';

const emulators = useEmulators();

function objectEvents(event: S3NotificationEvent, bucket: string): ObjectEvent[] {
  return event.Records.filter((r) => r.s3.bucket.name === bucket && r.s3.object.key.startsWith('approved/')).map(
    (r) => ({
      kind: r.eventName.startsWith('ObjectRemoved') ? 'removed' : 'created',
      key: decodeS3EventKey(r.s3.object.key),
    }),
  );
}

const editorial = (title: string, published: string, extra: Record<string, string> = {}) =>
  markdown({ title: `"${title}"`, published, ...extra });

describe('every S3 event delivered three times', () => {
  it('at once, through the S3 event relay: one index entry each, each feed item once, one dispatch id per send', async () => {
    const stage = await newStage(emulators.s3);
    const stop = emulators.onObjectEvent(async (event) => {
      for (const objectEvent of objectEvents(event, stage.buckets.editorials)) {
        await Promise.all([1, 2, 3].map(() => publishObject(stage.deps, objectEvent)));
      }
    });
    const grid = '2026-06-03-energy-grid';
    try {
      for (const sample of samples()) await stage.upload(sample.name, sample.bytes);
      await emulators.objectEventsSettled();
      await stage.upload(
        'energy-grid-correction.md',
        markdown({
          title: '"Europe\'s grid, corrected"',
          slug: grid,
          published: '2026-06-03T06:00:00Z',
          updated: '2026-06-04T08:00:00Z',
          resend: 'true',
        }),
      );
      await emulators.objectEventsSettled();
      await stage.remove('approved/2026-06-05-sahel-ceasefire.md');
      await emulators.objectEventsSettled();
    } finally {
      stop();
    }

    expect(await stage.keys(stage.editorials, 'index/')).toEqual([
      'index/2026-06-02-grain-corridor.json',
      `index/${grid}.json`,
      'index/2026-06-05-sahel-ceasefire.json',
    ]);
    await expectEveryFeed(stage, ['2026-06-02-grain-corridor', grid]);
    const feeds = await stage.feeds();
    expect(feeds.atom.entries.find((e) => e.link === pageUrl(grid))?.title).toBe("Europe's grid, corrected");
    // The Arabic sample's notice is in Arabic.
    expect(await stage.text(stage.site, 'editorials/2026-06-05-sahel-ceasefire/index.html')).toContain(
      'سحبت Monexus هذه الافتتاحية',
    );

    const sends = plannedSends(stage.planned);
    const resendId = `${grid}~${Date.parse('2026-06-04T08:00:00Z') / 1000}`;
    expect(sorted([...sends.keys()])).toEqual(
      sorted(['2026-06-02-grain-corridor', grid, '2026-06-05-sahel-ceasefire', resendId]),
    );
    expect(stage.planned.length).toBeGreaterThanOrEqual(4);
    expect(sends.get(resendId)?.templateKey).toBe(`rendered/${grid}/${resendId}/email.json`);
  });

  it('late and out of order, ends where delivery in order ends', async () => {
    const stage = await newStage(emulators.s3);
    const events: ObjectEvent[] = [];
    const stop = emulators.onObjectEvent((event) => void events.push(...objectEvents(event, stage.buckets.editorials)));
    const slug = '2026-06-27-port';
    try {
      await stage.upload('2026-06-27-port.md', editorial('Port reopens', '2026-06-27T06:00:00Z'));
      await stage.upload(
        '2026-06-27-port-fix.md',
        markdown({
          title: 'Port reopens, corrected',
          slug,
          published: '2026-06-27T06:00:00Z',
          updated: '2026-06-27T09:00:00Z',
        }),
      );
      await stage.upload('2026-06-27-pulled.md', editorial('Pulled', '2026-06-27T07:00:00Z'));
      await stage.remove('approved/2026-06-27-pulled.md');
      await stage.upload('2026-06-27-kept.md', editorial('Kept', '2026-06-27T08:00:00Z'));
      await emulators.objectEventsSettled();
    } finally {
      stop();
    }
    expect(events).toHaveLength(5);

    const late = [...events].reverse();
    for (const event of [...late, ...late, ...late]) await publishObject(stage.deps, event);

    await expectEveryFeed(stage, [slug, '2026-06-27-kept']);
    const feeds = await stage.feeds();
    expect(feeds.atom.entries.find((e) => e.link === pageUrl(slug))?.title).toBe('Port reopens, corrected');
    expect(await stage.text(stage.site, `editorials/${slug}/index.html`)).toContain('Port reopens, corrected');
    expect(decodeIndexEntry((await stage.text(stage.editorials, `index/${slug}.json`))!).sourceKey).toBe(
      'approved/2026-06-27-port-fix.md',
    );
    expect(await stage.keys(stage.editorials, 'index/2026-06-27-pulled')).toEqual([]);
    expect(sorted([...plannedSends(stage.planned).keys()])).toEqual(sorted([slug, '2026-06-27-kept']));
  });
});
