// Handing a period's digest to the planner: once per period whoever asks, nothing for an empty period, never before
// the period ends, and the same dispatch after a crash (src/pipeline/digest/send-digest.ts).
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { CATALOGUES } from '../../src/i18n/index.ts';
import { createLogger } from '../../src/log.ts';
import { periodEndingOn, PeriodError } from '../../src/pipeline/digest/period.ts';
import { digestMarkerKey, planDueDigests, sendDigest, type DigestDeps } from '../../src/pipeline/digest/send-digest.ts';
import type { StoredDigest } from '../../src/pipeline/dispatch/digest-template.ts';
import type { DispatchRequest } from '../../src/pipeline/publish/dispatch-request.ts';
import { config, digestStage, type DigestStage } from '../helpers/digest-stage.ts';

/** Daily digests only, so the scheduled run has one period to look at. */
const dailyOnly: Config = {
  ...config,
  subscription: {
    ...config.subscription,
    digests: { ...config.subscription.digests, cadences: ['each', 'daily'] },
  },
};
const daily = (id: string) => periodEndingOn('daily', id, config.subscription.digests);

/** Two editorials in the period of 7 December (06:00 to 07:00 UTC), then the clock just after it ends. */
async function twoEditorials(topics: [string, string] = ['[ports]', '[energy, ports]']): Promise<DigestStage> {
  const stage = digestStage('2026-12-06T09:00:00Z');
  await stage.publish('2026-12-06-port', { title: 'Port talks', published: '2026-12-06T09:00:00Z', topics: topics[0] });
  stage.at('2026-12-06T15:00:00Z');
  await stage.publish('2026-12-06-grid', {
    title: 'Grid repairs',
    published: '2026-12-06T15:00:00Z',
    topics: topics[1],
  });
  stage.at('2026-12-07T07:05:00Z');
  return stage;
}

function digestDeps(stage: DigestStage, publication: Config = config, fail = 0) {
  const requests: DispatchRequest[] = [];
  let failures = fail;
  const deps: DigestDeps = {
    editorials: stage.editorials,
    config: publication,
    clock: stage.clock,
    log: createLogger({}, () => {}),
    planDispatch: async (request) => {
      requests.push(request);
      if (failures-- > 0) throw new Error('the planner went away');
    },
  };
  return { deps, requests };
}

const stored = (stage: DigestStage, key: string) => JSON.parse(stage.editorials.text(key) ?? 'null') as StoredDigest;

describe('sending a daily digest', () => {
  it('plans it once: a second call and the scheduled run after it answer already and plan nothing more', async () => {
    const stage = await twoEditorials();
    const { deps, requests } = digestDeps(stage, dailyOnly);

    const first = await sendDigest(deps, daily('2026-12-07'));
    expect(first).toMatchObject({ outcome: 'planned', dispatchId: 'digest-daily-2026-12-07', editorials: 2 });
    expect(await sendDigest(deps, daily('2026-12-07'))).toMatchObject({ outcome: 'already', editorials: 2 });
    const due = await planDueDigests(deps);
    expect(due.map((o) => [o.outcome, o.dispatchId])).toEqual([['already', 'digest-daily-2026-12-07']]);
    expect(requests).toHaveLength(1);
  });

  it('hands the planner the period’s dispatch id, its topics and a template in every catalogue language', async () => {
    const stage = await twoEditorials();
    const { deps, requests } = digestDeps(stage);
    await sendDigest(deps, daily('2026-12-07'));

    const [request] = requests;
    expect(request).toMatchObject({
      dispatchId: 'digest-daily-2026-12-07',
      slug: 'digest-daily-2026-12-07',
      digest: {
        cadence: 'daily',
        period: { id: '2026-12-07', start: '2026-12-06T07:00:00.000Z', end: '2026-12-07T07:00:00.000Z' },
      },
    });
    expect([...request!.topics].sort()).toEqual(['energy', 'ports']);
    const digest = stored(stage, request!.templateKey);
    expect(digest).toMatchObject({ kind: 'digest', dispatchId: 'digest-daily-2026-12-07', cadence: 'daily' });
    expect(Object.keys(digest.variants).sort()).toEqual(Object.keys(CATALOGUES).sort());
    for (const variant of Object.values(digest.variants)) {
      expect(variant.entries.map((e) => e.slug)).toEqual(['2026-12-06-grid', '2026-12-06-port']);
    }
  });

  it('gives the digest no topics when one editorial has none: it goes to every reader on the cadence', async () => {
    const stage = await twoEditorials(['[ports]', '[]']);
    const { deps, requests } = digestDeps(stage);
    await sendDigest(deps, daily('2026-12-07'));
    expect(requests[0]!.topics).toEqual([]);
  });

  it('sends nothing for a period where nothing became public, and remembers that', async () => {
    const stage = await twoEditorials();
    stage.at('2026-12-09T08:00:00Z');
    const { deps, requests } = digestDeps(stage);

    expect(await sendDigest(deps, daily('2026-12-08'))).toMatchObject({ outcome: 'empty', editorials: 0 });
    expect(stage.editorials.keys('digests/')).toEqual([digestMarkerKey('digest-daily-2026-12-08')]);
    expect(await sendDigest(deps, daily('2026-12-08'))).toMatchObject({ outcome: 'empty' });
    expect(stage.editorials.keys('rendered/digests/')).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('refuses a period that is not over, and plans nothing', async () => {
    const stage = await twoEditorials();
    stage.at('2026-12-07T06:59:00Z');
    const { deps, requests } = digestDeps(stage);
    await expect(sendDigest(deps, daily('2026-12-07'))).rejects.toThrow(PeriodError);
    await expect(sendDigest(deps, daily('2026-12-07'))).rejects.toThrow(
      'the daily period 2026-12-07 ends at 2026-12-07T07:00:00.000Z',
    );
    await expect(sendDigest(deps, daily('2026-12-07'))).rejects.toThrow('not over yet');
    expect(requests).toEqual([]);
    expect(stage.editorials.keys('digests/')).toEqual([]);
  });

  it('after a crash between planning and its marker, plans the same dispatch with the same template again', async () => {
    const stage = await twoEditorials();
    const { deps, requests } = digestDeps(stage, config, 1);

    await expect(sendDigest(deps, daily('2026-12-07'))).rejects.toThrow('the planner went away');
    const template = stage.editorials.text(requests[0]!.templateKey);
    expect(stage.editorials.keys('digests/')).toEqual([]);

    // Later, a correction lands in the next period: the digest of 7 December stays as first written.
    stage.at('2026-12-07T08:00:00Z');
    await stage.publish('2026-12-06-port', {
      title: 'Port talks, corrected',
      published: '2026-12-06T09:00:00Z',
      updated: '2026-12-07T08:00:00Z',
      topics: '[ports]',
      correction: '"An earlier version named the wrong port."',
    });
    expect(await sendDigest(deps, daily('2026-12-07'))).toMatchObject({ outcome: 'planned', editorials: 2 });

    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual(requests[0]);
    expect(stage.editorials.text(requests[1]!.templateKey)).toBe(template);
    expect(await sendDigest(deps, daily('2026-12-07'))).toMatchObject({ outcome: 'already' });
    expect(requests).toHaveLength(2);
  });
});
