// Digests through the dispatch stage in memory (planner, queue, worker, mailer), from the readers' side: who gets
// which editorial, alone or in a digest, in which language, and never twice (src/pipeline/dispatch/digest-*.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { cadenceChange, type Cadence } from '../../src/cadence.ts';
import { createLogger } from '../../src/log.ts';
import type { Item } from '../../src/ports.ts';
import { periodEndingOn } from '../../src/pipeline/digest/period.ts';
import { sendDigest, type DigestDeps } from '../../src/pipeline/digest/send-digest.ts';
import { digestWithdrawnKey, sendKey } from '../../src/pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../../src/pipeline/dispatch/plan.ts';
import { processShards } from '../../src/pipeline/dispatch/worker.ts';
import type { DispatchRequest } from '../../src/pipeline/publish/dispatch-request.ts';
import { config, digestStage, type DigestStage } from '../helpers/digest-stage.ts';
import { header, planDeps, subscriberId, workerDeps, type SentMail } from '../helpers/dispatch-world.ts';
import { htmlXPath } from '../helpers/html.ts';
import { drainMemoryQueue, startMemoryWorld, type MemoryWorld } from '../helpers/memory-dispatch.ts';

const PERIOD = periodEndingOn('daily', '2026-12-07', config.subscription.digests);
const DIGEST_ID = 'digest-daily-2026-12-07';

interface Reader {
  email: string;
  cadence: Cadence;
  topics: string[];
  language?: string;
}

let world: MemoryWorld;
let stage: DigestStage;
/** Every batch of shards queued, by dispatch id. */
let shards: Map<string, string[]>;

beforeEach(async () => {
  stage = digestStage('2026-12-06T08:00:00Z', { planDispatch: (request) => planAndSend(request) });
  world = await startMemoryWorld({ readers: 0, editorials: stage.editorials });
  // Every batch of shards the planner queues, by dispatch id.
  shards = new Map();
  const send = world.queue.sendBatch.bind(world.queue);
  world.queue.sendBatch = async (bodies) => {
    for (const body of bodies) {
      const { dispatchId } = JSON.parse(body) as { dispatchId: string };
      shards.set(dispatchId, [...(shards.get(dispatchId) ?? []), body]);
    }
    return send(bodies);
  };
});

async function planAndSend(request: DispatchRequest): Promise<void> {
  await planDispatch(planDeps(world), request);
  await drain();
}

const drain = () => drainMemoryQueue(world.queue, (records) => processShards(workerDeps(world), records));

async function seed(readers: Reader[]): Promise<void> {
  await world.subscribers.putMany(
    readers.map((r) => ({
      id: subscriberId(r.email),
      email: r.email,
      status: 'confirmed',
      topics: r.topics,
      consentAt: '2026-06-01T00:00:00.000Z',
      confirmedAt: '2026-06-01T00:00:00.000Z',
      ...(r.language && { language: r.language }),
      ...(r.cadence !== 'each' && { cadence: r.cadence }),
    })),
  );
}

/** The reader changes cadence at the clock's time, as the preference page records it. */
async function switchCadence(email: string, next: Cadence): Promise<void> {
  const item = (await world.subscribers.get({ id: subscriberId(email) })) as Item;
  await world.subscribers.put({ ...item, ...cadenceChange(item, next, stage.clock.now()) });
}

async function publishAt(at: string, slug: string, title: string, topics: string[]): Promise<void> {
  stage.at(at);
  await stage.publish(slug, { title, published: at, topics: `[${topics.join(', ')}]` });
}

function digestDeps(): DigestDeps {
  return {
    editorials: stage.editorials,
    config,
    clock: stage.clock,
    log: createLogger({}, () => {}),
    planDispatch: (request) => planAndSend(request),
  };
}

/** Just after the period ends, as the scheduled run does. */
async function sendTheDigest(period = PERIOD) {
  stage.at(new Date(period.end.getTime() + 5 * 60_000).toISOString());
  return sendDigest(digestDeps(), period);
}

const mailOf = (mail: SentMail[], email: string) => mail.filter((m) => m.destination.to.includes(email));
const isDigest = (m: SentMail) => header(m, 'Feedback-ID')?.startsWith('digest-daily-') === true;
const TITLES = ['Port talks', 'Grain corridor', 'Grid repairs'];
const titlesIn = (m: SentMail) => TITLES.filter((t) => m.body.html?.includes(t) && m.body.text?.includes(t));

describe('a daily digest among readers of every cadence', () => {
  const readers: Reader[] = [
    { email: 'each.en@example.org', cadence: 'each', topics: [], language: 'en' },
    { email: 'each.fr@example.org', cadence: 'each', topics: ['ports'], language: 'fr' },
    { email: 'daily.en@example.org', cadence: 'daily', topics: ['ports'], language: 'en' },
    { email: 'daily.fr@example.org', cadence: 'daily', topics: ['energy'], language: 'fr' },
    { email: 'daily.ar@example.org', cadence: 'daily', topics: [], language: 'ar' },
    { email: 'daily.sports@example.org', cadence: 'daily', topics: ['sports'], language: 'en' },
    { email: 'weekly.en@example.org', cadence: 'weekly', topics: [], language: 'en' },
    // Follows grain; moves to the daily digest after the grain editorial went out on its own.
    { email: 'late.daily@example.org', cadence: 'each', topics: ['grain'], language: 'en' },
  ];

  async function dayOfEditorials(): Promise<SentMail[]> {
    await seed(readers);
    await publishAt('2026-12-06T09:00:00Z', '2026-12-06-port', 'Port talks', ['ports']);
    await publishAt('2026-12-06T10:00:00Z', '2026-12-06-grain', 'Grain corridor', ['grain']);
    stage.at('2026-12-06T12:00:00Z');
    await switchCadence('late.daily@example.org', 'daily');
    await publishAt('2026-12-06T15:00:00Z', '2026-12-06-grid', 'Grid repairs', ['energy']);
    return world.sentMail();
  }

  it('each editorial on its own reaches only the readers on each, from its public time', async () => {
    const mail = await dayOfEditorials();

    expect(stage.planned.map((r) => [r.dispatchId, r.publicAt])).toEqual([
      ['2026-12-06-port', '2026-12-06T09:00:00.000Z'],
      ['2026-12-06-grain', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06-grid', '2026-12-06T15:00:00.000Z'],
    ]);
    const got = Object.fromEntries(readers.map((r) => [r.email, mailOf(mail, r.email).flatMap(titlesIn)]));
    expect(got).toEqual({
      'each.en@example.org': ['Port talks', 'Grain corridor', 'Grid repairs'],
      'each.fr@example.org': ['Port talks'],
      'daily.en@example.org': [],
      'daily.fr@example.org': [],
      'daily.ar@example.org': [],
      'daily.sports@example.org': [],
      'weekly.en@example.org': [],
      'late.daily@example.org': ['Grain corridor'],
    });
  });

  it('the digest reaches each daily reader once, with their topics’ items only, in their language', async () => {
    await dayOfEditorials();
    world.clearMail();
    expect(await sendTheDigest()).toMatchObject({ outcome: 'planned', dispatchId: DIGEST_ID, editorials: 3 });
    const mail = await world.sentMail();

    expect(mail.every((m) => header(m, 'Feedback-ID')?.startsWith(`${DIGEST_ID}:digest:`))).toBe(true);
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([
      'daily.ar@example.org',
      'daily.en@example.org',
      'daily.fr@example.org',
    ]);
    const [en] = mailOf(mail, 'daily.en@example.org');
    const [fr] = mailOf(mail, 'daily.fr@example.org');
    const [ar] = mailOf(mail, 'daily.ar@example.org');
    expect(titlesIn(en!)).toEqual(['Port talks']);
    expect(titlesIn(fr!)).toEqual(['Grid repairs']);
    expect(titlesIn(ar!)).toEqual(['Port talks', 'Grain corridor', 'Grid repairs']);

    expect(en!.subject).toContain('daily digest');
    expect(fr!.subject).toContain('Résumé quotidien');
    expect(ar!.subject).toContain('الموجز اليومي');
    expect(htmlXPath(en!.body.html!, 'string(/html/@lang)')).toBe('en');
    expect(htmlXPath(fr!.body.html!, 'string(/html/@lang)')).toBe('fr');
    expect(htmlXPath(ar!.body.html!, 'string(/html/@lang)')).toBe('ar');
    expect(htmlXPath(ar!.body.html!, 'string(/html/@dir)')).toBe('rtl');

    for (const m of mail) {
      const unsubscribe = header(m, 'List-Unsubscribe') ?? '';
      const url = unsubscribe.slice(unsubscribe.indexOf('<') + 1, unsubscribe.indexOf('>'));
      expect(url).toMatch(/^https:\/\//);
      expect(m.body.html).toContain(url.replaceAll('&', '&amp;'));
      expect(m.body.text).toContain(url);
      expect(header(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header(m, 'List-Id')).toBeTruthy();
      expect(header(m, 'Feedback-ID')).toContain(':digest:');
    }
  });

  it('a daily reader left with nothing new gets no digest, and the ledger says skipped, nothing new', async () => {
    await dayOfEditorials();
    world.clearMail();
    await sendTheDigest();
    const mail = await world.sentMail();

    expect(mailOf(mail, 'late.daily@example.org')).toEqual([]);
    expect(await world.ledger.get(sendKey(DIGEST_ID, subscriberId('late.daily@example.org')))).toMatchObject({
      status: 'skipped',
      reason: 'nothing new',
    });
    // A reader whose topics are in none of the digest's editorials is not even planned.
    expect(mailOf(mail, 'daily.sports@example.org')).toEqual([]);
    expect(await world.ledger.get(sendKey(DIGEST_ID, subscriberId('daily.sports@example.org')))).toBeUndefined();
    expect(mailOf(mail, 'weekly.en@example.org')).toEqual([]);
  });

  it('planning the same digest again and redelivering its shards sends nothing twice', async () => {
    await dayOfEditorials();
    world.clearMail();
    await sendTheDigest();
    const once = (await world.sentMail()).length;
    expect(once).toBe(3);

    expect(await sendTheDigest()).toMatchObject({ outcome: 'already' });
    const request = stage.editorials.keys('rendered/digests/')[0]!;
    await planAndSend({
      dispatchId: DIGEST_ID,
      slug: DIGEST_ID,
      templateKey: request,
      topics: [],
      digest: {
        cadence: 'daily',
        period: { id: PERIOD.id, start: PERIOD.start.toISOString(), end: PERIOD.end.toISOString() },
      },
    });
    await world.queue.sendBatch(shards.get(DIGEST_ID) ?? []);
    await drain();

    expect(shards.get(DIGEST_ID)?.length).toBeGreaterThan(0);
    expect((await world.sentMail()).length).toBe(once);
  });
});

describe('a reader who changes cadence in the middle of the period', () => {
  const titles = ['Morning note', 'Port talks', 'Evening note', 'Grid repairs'];
  const titlesOf = (m: SentMail) => titles.filter((t) => m.body.text?.includes(t));

  // A day of its own (the digest of 10 December): a worker keeps a dispatch's template for its life, as in production.
  async function dayWithSwitch(): Promise<SentMail[]> {
    await seed([
      { email: 'to.daily@example.org', cadence: 'each', topics: [] },
      { email: 'to.each@example.org', cadence: 'daily', topics: [] },
    ]);
    await publishAt('2026-12-09T09:00:00Z', '2026-12-09-morning', 'Morning note', []);
    await publishAt('2026-12-09T11:00:00Z', '2026-12-09-port', 'Port talks', ['ports']);
    stage.at('2026-12-09T12:00:00Z');
    await switchCadence('to.daily@example.org', 'daily');
    await switchCadence('to.each@example.org', 'each');
    await publishAt('2026-12-09T15:00:00Z', '2026-12-09-evening', 'Evening note', []);
    await publishAt('2026-12-09T18:00:00Z', '2026-12-09-grid', 'Grid repairs', ['energy']);
    expect(await sendTheDigest(periodEndingOn('daily', '2026-12-10', config.subscription.digests))).toMatchObject({
      outcome: 'planned',
      editorials: 4,
    });
    return world.sentMail();
  }

  it('from each to daily: the editorials before on their own, the ones after in the digest, each exactly once', async () => {
    const mail = mailOf(await dayWithSwitch(), 'to.daily@example.org');
    const alone = mail.filter((m) => !isDigest(m)).flatMap(titlesOf);
    const digest = mail.filter(isDigest).flatMap(titlesOf);
    expect(alone).toEqual(['Morning note', 'Port talks']);
    expect(digest.sort()).toEqual(['Evening note', 'Grid repairs']);
  });

  it('from daily to each: the ones before in the digest, the ones after on their own, each exactly once', async () => {
    const mail = mailOf(await dayWithSwitch(), 'to.each@example.org');
    const alone = mail.filter((m) => !isDigest(m)).flatMap(titlesOf);
    const digest = mail.filter(isDigest).flatMap(titlesOf);
    expect(alone).toEqual(['Evening note', 'Grid repairs']);
    expect(digest.sort()).toEqual(['Morning note', 'Port talks']);
  });

  it('an embargoed editorial released a while after its embargo goes one way to a reader who switched in between', async () => {
    await seed([
      { email: 'to.daily@example.org', cadence: 'each', topics: [] },
      { email: 'to.each@example.org', cadence: 'daily', topics: [] },
    ]);
    stage.at('2026-12-11T08:00:00Z');
    await stage.publish('2026-12-11-summit', {
      title: 'Summit terms',
      published: '2026-12-11T08:00:00Z',
      embargo: '2026-12-11T09:00:00Z',
    });
    // The embargo ends at 09:00; both readers change cadence before the scheduled release finds it at 09:10.
    stage.at('2026-12-11T09:05:00Z');
    await switchCadence('to.daily@example.org', 'daily');
    await switchCadence('to.each@example.org', 'each');
    stage.at('2026-12-11T09:10:00Z');
    expect(await stage.release()).toEqual(['2026-12-11-summit']);
    await sendTheDigest(periodEndingOn('daily', '2026-12-12', config.subscription.digests));

    const mail = await world.sentMail();
    const summit = (email: string) =>
      mailOf(mail, email)
        .filter((m) => m.body.text?.includes('Summit terms'))
        .map((m) => (isDigest(m) ? 'digest' : 'alone'));
    expect(summit('to.daily@example.org')).toEqual(['digest']);
    expect(summit('to.each@example.org')).toEqual(['alone']);
  });

  it('an editorial withdrawn while its digest is sending is left out of the copies not yet sent', async () => {
    await seed([
      { email: 'both@example.org', cadence: 'daily', topics: [] },
      { email: 'grain.only@example.org', cadence: 'daily', topics: ['grain'] },
    ]);
    await publishAt('2026-12-08T09:00:00Z', '2026-12-08-port', 'Port talks', ['ports']);
    await publishAt('2026-12-08T10:00:00Z', '2026-12-08-grain', 'Grain corridor', ['grain']);
    stage.deps.withdrawFromDigest = ({ dispatchId, slug }) =>
      world.ledger.put({ ...digestWithdrawnKey(dispatchId, slug), at: stage.clock.now().toISOString() });
    // Planned and queued, not yet sent: the grain editorial is withdrawn before the workers take the shards.
    // A day of its own: the worker keeps each digest's template for the life of the process.
    const period = periodEndingOn('daily', '2026-12-09', config.subscription.digests);
    stage.at(new Date(period.end.getTime() + 5 * 60_000).toISOString());
    await sendDigest(
      { ...digestDeps(), planDispatch: async (request) => void (await planDispatch(planDeps(world), request)) },
      period,
    );
    await stage.remove('2026-12-08-grain');
    await drain();

    const mail = await world.sentMail();
    expect(mailOf(mail, 'both@example.org').map(titlesIn)).toEqual([['Port talks']]);
    // Nothing is left for the reader of grain alone: no email, and a record that says why.
    expect(mailOf(mail, 'grain.only@example.org')).toEqual([]);
    expect(
      await world.ledger.get(sendKey('digest-daily-2026-12-09', subscriberId('grain.only@example.org'))),
    ).toMatchObject({
      status: 'skipped',
      reason: 'nothing new',
    });
  });

  it('a digest planned again after a crash leaves out an editorial withdrawn in between', async () => {
    await seed([{ email: 'reader@example.org', cadence: 'daily', topics: [] }]);
    await publishAt('2026-12-19T09:00:00Z', '2026-12-19-port', 'Port talks', ['ports']);
    await publishAt('2026-12-19T10:00:00Z', '2026-12-19-grain', 'Grain corridor', ['grain']);
    // A day of its own: the worker keeps each digest's template for the life of the process.
    const period = periodEndingOn('daily', '2026-12-20', config.subscription.digests);
    stage.at(new Date(period.end.getTime() + 5 * 60_000).toISOString());
    const crashing: DigestDeps = {
      ...digestDeps(),
      planDispatch: async () => {
        throw new Error('the function stopped before planning');
      },
    };
    await expect(sendDigest(crashing, period)).rejects.toThrow('stopped before planning');
    // Withdrawn while no digest was planned, where nothing could tell the digest: the stored template still lists it.
    await stage.remove('2026-12-19-grain');

    const withdrawn: string[] = [];
    const retry: DigestDeps = {
      ...digestDeps(),
      withdrawFromDigest: async ({ dispatchId, slug }) => {
        withdrawn.push(slug);
        await world.ledger.put({ ...digestWithdrawnKey(dispatchId, slug), at: stage.clock.now().toISOString() });
      },
    };
    expect(await sendDigest(retry, period)).toMatchObject({ outcome: 'planned' });
    expect(withdrawn).toEqual(['2026-12-19-grain']);
    expect(mailOf(await world.sentMail(), 'reader@example.org').map(titlesIn)).toEqual([['Port talks']]);
  });
});
