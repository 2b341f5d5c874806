// What a daily digest lists, as the publish stage leaves the editorials bucket: the period's editorials, newest first,
// corrections of earlier ones marked, nothing withdrawn or silently re-published (src/pipeline/digest/collect.ts).
import { describe, expect, it } from 'vitest';
import { collectDigest } from '../../src/pipeline/digest/collect.ts';
import { periodEndingOn } from '../../src/pipeline/digest/period.ts';
import { config, digestStage } from '../helpers/digest-stage.ts';

// The built-in configuration: daily digests at 07:00 UTC. The digest of 7 December: 6 December 07:00 to 7 December 07:00.
const settings = config.subscription.digests;
const period = (id: string) => periodEndingOn('daily', id, settings);
const DEC_7 = period('2026-12-07');

async function collected(stage: ReturnType<typeof digestStage>, id = '2026-12-07') {
  stage.at('2026-12-08T08:00:00Z');
  return collectDigest(stage.deps, period(id));
}

describe('the editorials of a daily digest', () => {
  it('lists those published in the period, newest first, with summary or lead, topics and source count', async () => {
    const stage = digestStage('2026-12-06T06:30:00Z');
    await stage.publish('2026-12-06-before', { title: 'Before the period', published: '2026-12-06T06:30:00Z' });
    stage.at('2026-12-06T09:00:00Z');
    await stage.publish(
      '2026-12-06-port-talks',
      {
        title: 'Port talks resume',
        published: '2026-12-06T09:00:00Z',
        summary: 'The harbour authority met the unions again.',
        topics: '[ports, labour]',
      },
      { sources: 3 },
    );
    stage.at('2026-12-06T15:00:00Z');
    await stage.publish(
      '2026-12-06-grid',
      { title: 'Grid repairs', published: '2026-12-06T15:00:00Z' },
      { body: 'Crews restored the northern line before dusk.\n\nA second paragraph follows.' },
    );
    stage.at('2026-12-07T07:00:00Z');
    await stage.publish('2026-12-07-after', { title: 'After the period', published: '2026-12-07T07:00:00Z' });

    const entries = await collected(stage);

    expect(entries.map((e) => e.slug)).toEqual(['2026-12-06-grid', '2026-12-06-port-talks']);
    expect(entries[1]).toMatchObject({
      title: 'Port talks resume',
      summary: 'The harbour authority met the unions again.',
      topics: ['ports', 'labour'],
      sources: 3,
      publishedAt: new Date('2026-12-06T09:00:00Z'),
    });
    expect(entries[1]!.correction).toBeUndefined();
    expect(entries[0]).toMatchObject({ title: 'Grid repairs', topics: [], sources: 1 });
    expect(entries[0]!.summary).toContain('Crews restored the northern line before dusk.');
    expect(entries[0]!.summary).not.toContain('A second paragraph');
    // The editorials either side are in the digests either side.
    expect((await collected(stage, '2026-12-06')).map((e) => e.slug)).toEqual(['2026-12-06-before']);
    expect((await collected(stage, '2026-12-08')).map((e) => e.slug)).toEqual(['2026-12-07-after']);
  });

  it('lists one published before and corrected in the period, marked with its correction', async () => {
    const stage = digestStage('2026-12-05T10:00:00Z');
    const fields = { title: 'Harbour count', published: '2026-12-05T10:00:00Z', topics: '[ports]' };
    await stage.publish('2026-12-05-harbour-count', fields);
    stage.at('2026-12-06T12:00:00Z');
    const outcome = await stage.publish('2026-12-05-harbour-count', {
      ...fields,
      title: 'Harbour count, corrected',
      updated: '2026-12-06T12:00:00Z',
      correction: '"An earlier version gave the wrong number of berths."',
    });
    expect(outcome.outcome).toBe('corrected');

    const entries = await collected(stage);

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      slug: '2026-12-05-harbour-count',
      title: 'Harbour count, corrected',
      correction: 'An earlier version gave the wrong number of berths.',
      publishedAt: new Date('2026-12-06T12:00:00Z'),
    });
    // The day it first went out, it was new and unmarked.
    const first = await collected(stage, '2026-12-06');
    expect(first.map((e) => [e.slug, e.correction])).toEqual([['2026-12-05-harbour-count', undefined]]);
  });

  it('leaves out a silent re-publish of an earlier editorial', async () => {
    const stage = digestStage('2026-12-05T10:00:00Z');
    const fields = { title: 'Grain corridor', published: '2026-12-05T10:00:00Z' };
    await stage.publish('2026-12-05-grain', fields);
    stage.at('2026-12-06T12:00:00Z');
    const outcome = await stage.publish('2026-12-05-grain', { ...fields, updated: '2026-12-06T12:00:00Z' });
    expect(outcome.outcome).toBe('corrected');
    expect(await collected(stage)).toEqual([]);
  });

  it('leaves out one withdrawn since, by status or by removing its file', async () => {
    const stage = digestStage('2026-12-06T09:00:00Z');
    const pulled = { title: 'Pulled', published: '2026-12-06T09:00:00Z' };
    await stage.publish('2026-12-06-pulled', pulled);
    await stage.publish('2026-12-06-removed', { title: 'Removed', published: '2026-12-06T09:00:00Z' });
    await stage.publish('2026-12-06-kept', { title: 'Kept', published: '2026-12-06T09:00:00Z' });
    stage.at('2026-12-06T11:00:00Z');
    await stage.publish('2026-12-06-pulled', { ...pulled, status: 'withdrawn', updated: '2026-12-06T11:00:00Z' });
    expect((await stage.remove('2026-12-06-removed')).outcome).toBe('withdrawn');

    expect((await collected(stage)).map((e) => e.slug)).toEqual(['2026-12-06-kept']);
  });

  it('lists an embargoed one in the period its embargo ends in, not the one it was approved in', async () => {
    const stage = digestStage('2026-12-06T05:00:00Z');
    await stage.publish('2026-12-06-summit', {
      title: 'Summit terms',
      published: '2026-12-06T05:00:00Z',
      embargo: '2026-12-06T09:00:00Z',
    });
    stage.at('2026-12-06T06:00:00Z');
    expect(await stage.release()).toEqual([]);
    stage.at('2026-12-06T09:05:00Z');
    expect(await stage.release()).toEqual(['2026-12-06-summit']);

    expect(await collected(stage, '2026-12-06')).toEqual([]);
    const entries = await collected(stage);
    expect(entries.map((e) => [e.slug, e.publishedAt.toISOString()])).toEqual([
      ['2026-12-06-summit', '2026-12-06T09:05:00.000Z'],
    ]);
  });

  it('lists an editorial once when its S3 event is delivered twice', async () => {
    const stage = digestStage('2026-12-06T09:00:00Z');
    await stage.publish('2026-12-06-twice', { title: 'Twice', published: '2026-12-06T09:00:00Z' });
    stage.at('2026-12-06T09:00:30Z');
    expect((await stage.redeliver('2026-12-06-twice')).outcome).toBe('duplicate');
    expect((await collected(stage)).map((e) => e.slug)).toEqual(['2026-12-06-twice']);
  });

  it('reads only the period’s days of the public log, however many editorials came before', async () => {
    const stage = digestStage('2026-11-01T09:00:00Z');
    // One editorial on every day of the five weeks before: each earlier day of the log holds one, so a collector that
    // read any day but the period's would list it or read an editorial in it. More per day would prove nothing more
    // (the listed prefixes and the reads are compared exactly) and every publish rebuilds the archive.
    for (let n = 0; n < 35; n++) {
      const at = new Date(Date.parse('2026-11-01T09:00:00Z') + n * 24 * 3_600_000).toISOString();
      stage.at(at);
      await stage.publish(`2026-11-earlier-${n}`, { title: `Earlier ${n}`, published: at });
    }
    expect(stage.clock.now() < DEC_7.start).toBe(true);
    stage.at('2026-12-06T10:00:00Z');
    await stage.publish('2026-12-06-in-period', { title: 'In the period', published: '2026-12-06T10:00:00Z' });

    stage.editorials.listed.splice(0);
    const reads: string[] = [];
    const get = stage.editorials.get.bind(stage.editorials);
    stage.editorials.get = (key, options) => {
      reads.push(key);
      return get(key, options);
    };
    const entries = await collected(stage);

    expect(entries.map((e) => e.slug)).toEqual(['2026-12-06-in-period']);
    expect(stage.editorials.listed).toEqual(['public-log/2026-12-06', 'public-log/2026-12-07']);
    expect(reads.filter((key) => key.includes('earlier'))).toEqual([]);
  });
});
