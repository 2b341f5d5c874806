import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startHttpServer } from '../http/local-server.ts';
import { urls } from '../render/urls.ts';
import {
  CORRECTED_SAMPLE,
  correctedMarkdown,
  embargoedEditorial,
  embargoedSlug,
  WITHDRAWN_SAMPLE,
} from './lifecycle-desk.ts';
import { partnerFeeds, polledDocuments, type PolledDocument } from './lifecycle-parties.ts';
import {
  changesBetween,
  comparisonParagraph,
  mergeRound,
  timelineLine,
  type Observation,
} from './lifecycle-timeline.ts';
import { mailboxView, type ItemState, type View } from './lifecycle-views.ts';
import type { LocalPipeline } from './pipeline.ts';

/*
 * After the samples are published, the desk corrects one, withdraws another and approves a new one under embargo,
 * through the same `approved/` objects and S3 events as any publish, while every party polls as it would: a feed
 * reader the public feeds (conditional GETs through the local site server), each partner its own feeds, a reader the
 * pages, and the subscribers' mailbox (the local SES store). Each change a party sees becomes a line of the timeline.
 */

export interface LifecycleOptions {
  /** Where the project's sample editorials are (the corrected and the withdrawn one come from there). */
  samplesDir: string;
  /** How far ahead of its approval the new editorial's embargo ends. Default 8 s. */
  embargoSeconds?: number;
  /** Pause between two polling rounds. Default 400 ms. */
  pollEveryMs?: number;
  /** Each line of the timeline, as it happens. */
  say?: (line: string) => void;
}

/** One answer with a body that a party got, kept so that what each party saw can be read again. */
export interface SeenDocument {
  /** Milliseconds since the lifecycle began. */
  at: number;
  time: Date;
  party: string;
  format: string;
  key: string;
  status: number;
  body: string;
}

export interface LifecycleReport {
  slugs: { corrected: string; withdrawn: string; embargoed: string };
  embargoUntil: Date;
  startedAt: Date;
  timeline: Observation[];
  /** Every 200 answer each party got, in order; a 304 carries nothing new and is only counted. */
  seen: SeenDocument[];
  /** The editorial emails in the mailbox at the end, by slug. */
  mail: { slug: string; emails: number; recipients: number }[];
  requests: Record<string, { requests: number; notModified: number }>;
  /** Polling rounds that failed and were polled again, with the last reason: none is expected, so it is shown. */
  failedRounds: { count: number; last?: string };
  paragraph: string;
}

/** How long a step may take to show before the run gives up: a hang guard, far above the second a step takes. */
const STEP_GUARD_MS = 60_000;
/** Polling rounds that may fail one after another before the run stops with the last failure. */
const MAX_FAILED_ROUNDS = 5;

/** The sample's slug: its file name without the extension (both samples name no other). */
const slugOfSample = (name: string) => name.slice(0, name.lastIndexOf('.'));

export async function runLifecycle(pipeline: LocalPipeline, options: LifecycleOptions): Promise<LifecycleReport> {
  const say = options.say ?? (() => {});
  const startedAt = new Date();
  const since = () => Date.now() - startedAt.getTime();
  const slugs = {
    corrected: slugOfSample(CORRECTED_SAMPLE),
    withdrawn: slugOfSample(WITHDRAWN_SAMPLE),
    embargoed: embargoedSlug(startedAt),
  };
  // Without `--serve` nothing listens yet: the parties read through a site server of their own, as through the CDN.
  const own = pipeline.http
    ? undefined
    : await startHttpServer({ routes: {}, static: pipeline.site, onRequest: pipeline.requests.record });
  const siteUrl = (pipeline.http ?? own)!.url;
  const timeline: Observation[] = [];
  const note = (o: Observation) => {
    timeline.push(o);
    say(timelineLine(o));
  };
  const polling = startPolling(
    pipeline,
    siteUrl,
    polledDocuments(pipeline, [slugs.corrected, slugs.withdrawn, slugs.embargoed]),
    slugs,
    since,
    note,
    options.pollEveryMs ?? 400,
  );
  const desk = (slug: string, what: string) =>
    note({ at: since(), party: 'desk', slug, kind: 'desk', formats: [], note: what });
  const feed = () => polling.latest('public feed', 'atom');
  /** Polls until the public feed shows the step, so a publish that fails stops the run with its reason, not a hang. */
  const seenInFeed = async (shows: (view: View) => boolean, what: string, byMs: number) => {
    while (!shows(feed())) {
      if (Date.now() > byMs) throw new Error(`the public feed never showed ${what}: see the functions' logs`);
      await polling.afterNextRound();
    }
  };
  try {
    await polling.afterNextRound();
    const firstVersion = feed().get(slugs.corrected)?.version;

    const corrected = correctedMarkdown(await readFile(join(options.samplesDir, CORRECTED_SAMPLE), 'utf8'), new Date());
    desk(slugs.corrected, `corrects ${slugs.corrected}: the same slug again, a later "updated" and a correction note`);
    await pipeline.editorials.put(`approved/${CORRECTED_SAMPLE}`, corrected, {
      contentType: 'text/markdown; charset=utf-8',
    });
    await pipeline.emulators.objectEventsSettled();
    await seenInFeed(
      (view) => view.get(slugs.corrected)?.version !== firstVersion,
      `the correction of ${slugs.corrected}`,
      Date.now() + STEP_GUARD_MS,
    );

    desk(slugs.withdrawn, `withdraws ${slugs.withdrawn}: deletes approved/${WITHDRAWN_SAMPLE}`);
    await pipeline.editorials.delete(`approved/${WITHDRAWN_SAMPLE}`);
    await pipeline.emulators.objectEventsSettled();
    await seenInFeed(
      (view) => !view.has(slugs.withdrawn),
      `the withdrawal of ${slugs.withdrawn}`,
      Date.now() + STEP_GUARD_MS,
    );

    const approvedAt = new Date();
    const embargoUntil = new Date(
      Math.ceil((approvedAt.getTime() + (options.embargoSeconds ?? 8) * 1000) / 1000) * 1000,
    );
    const embargoed = embargoedEditorial(approvedAt, embargoUntil);
    desk(slugs.embargoed, `approves ${slugs.embargoed}, embargoed until ${embargoUntil.toISOString().slice(11, 19)}Z`);
    await pipeline.editorials.put(`approved/${embargoed.name}`, embargoed.text, {
      contentType: 'text/markdown; charset=utf-8',
    });
    await pipeline.emulators.objectEventsSettled();

    // The release timer publishes it once the time has passed; then its email goes out, and every party looks again.
    await seenInFeed(
      (view) => view.has(slugs.embargoed),
      `${slugs.embargoed} after its embargo`,
      embargoUntil.getTime() + STEP_GUARD_MS,
    );
    await pipeline.settled();
    await polling.afterNextRound();
    await polling.stop();

    const mail = await polling.mailBySlug();
    const requests = polling.requests();
    const paragraph = comparisonParagraph(timeline, {
      ...slugs,
      partners: partnerFeeds(pipeline).map((p) => p.id),
      mail,
      feedReader: requests['public feed'] ?? { requests: 0, notModified: 0 },
    });
    return {
      slugs,
      embargoUntil,
      startedAt,
      timeline,
      seen: polling.seen,
      mail,
      requests,
      failedRounds: polling.failedRounds(),
      paragraph,
    };
  } finally {
    await polling.stop();
    await own?.close();
  }
}

interface Polling {
  /** Resolves once a round that began after this call has finished. */
  afterNextRound(): Promise<void>;
  latest(party: string, format: string): View;
  seen: SeenDocument[];
  requests(): Record<string, { requests: number; notModified: number }>;
  failedRounds(): LifecycleReport['failedRounds'];
  mailBySlug(): Promise<LifecycleReport['mail']>;
  stop(): Promise<void>;
}

/** Polls every document, and the mailbox, in rounds until stopped; notes each change a round shows. */
function startPolling(
  pipeline: LocalPipeline,
  siteUrl: string,
  documents: PolledDocument[],
  slugs: LifecycleReport['slugs'],
  since: () => number,
  note: (o: Observation) => void,
  pauseMs: number,
): Polling {
  const validators = new Map<string, { etag?: string; lastModified?: string }>();
  const views = new Map<PolledDocument | 'mailbox', View>();
  const counts: Record<string, { requests: number; notModified: number }> = {};
  const seen: SeenDocument[] = [];
  let waiting: (() => void)[] = [];
  let stopped = false;
  let rounds = 0;
  const pageUrl = (slug: string) => urls.page(pipeline.config, slug);
  /** Every slug the mailbox is read for: those in the public feed at the start, and the lifecycle's own. */
  const mailSlugs = new Set(Object.values(slugs));

  const poll = async (doc: PolledDocument, round: Observation[]) => {
    const url = `${siteUrl}/${doc.key}`;
    const cached = validators.get(url);
    const headers: Record<string, string> = {};
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    const res = await fetch(url, { headers });
    const count = (counts[doc.party] ??= { requests: 0, notModified: 0 });
    count.requests++;
    if (res.status === 304) {
      count.notModified++;
      return;
    }
    const body = res.ok ? await res.text() : (await res.body?.cancel(), undefined);
    const etag = res.headers.get('etag') ?? '';
    const time = new Date();
    // Read first: a document that cannot be read leaves its validators as they were, so the next round reads it again.
    const view = doc.read(body, etag, time);
    validators.set(url, {
      ...(etag && { etag }),
      ...(res.headers.get('last-modified') && { lastModified: res.headers.get('last-modified')! }),
    });
    if (body !== undefined)
      seen.push({ at: since(), time, party: doc.party, format: doc.format, key: doc.key, status: res.status, body });
    const before = views.get(doc);
    views.set(doc, view);
    if (rounds === 0) return;
    for (const change of changesBetween(before ?? new Map(), view)) {
      const mark = change.state?.mark && doc.format ? [`${doc.format} ${change.state.mark}`] : [];
      round.push({ at: since(), party: doc.party, formats: doc.format ? [doc.format] : [], marks: mark, ...change });
    }
  };

  const readMailbox = async (round: Observation[]) => {
    const view = mailboxView(await pipeline.emulators.sentMail(), [...mailSlugs], pageUrl);
    const before = views.get('mailbox') ?? new Map();
    views.set('mailbox', view);
    if (rounds === 0) return;
    for (const change of changesBetween(before, view))
      round.push({ at: since(), party: 'mailbox', formats: [], ...change });
  };

  /** What each party holds before the desk does anything: one line per party. */
  const baseline = () => {
    const feed = views.get(documents[0]!) ?? new Map();
    const holds = (party: string, what: string) =>
      note({ at: since(), party, slug: '', kind: 'holds', formats: [], note: what });
    holds('public feed', `${feed.size} items`);
    for (const { id, feeds } of partnerFeeds(pipeline)) {
      holds(
        id,
        feeds
          .map(
            ({ format }) =>
              `${views.get(documents.find((d) => d.party === id && d.format === format)!)?.size ?? 0} items in ${format}`,
          )
          .join(', '),
      );
    }
    const mail = [...(views.get('mailbox') ?? new Map<string, ItemState>())];
    holds(
      'mailbox',
      `${mail.reduce((n, [, s]) => n + (s.emails ?? 0), 0)} emails (${mail.map(([slug, s]) => `${slug} ${s.emails}`).join(', ')})`,
    );
  };

  let failure: unknown;
  let failedInARow = 0;
  const failed: LifecycleReport['failedRounds'] = { count: 0 };
  const loop = (async () => {
    while (!stopped) {
      let finished = waiting;
      waiting = [];
      try {
        // Each document's observations in the order the documents are listed, however the answers arrived. A poll
        // that fails changes nothing of its document; what the others saw is kept (they would answer 304 next time).
        const perDocument = documents.map((): Observation[] => []);
        const polled = await Promise.allSettled(documents.map((doc, i) => poll(doc, perDocument[i]!)));
        let problem = polled.find((p): p is PromiseRejectedResult => p.status === 'rejected')?.reason as unknown;
        if (problem !== undefined && rounds === 0) throw problem;
        const round = perDocument.flat();
        if (rounds === 0) for (const slug of (views.get(documents[0]!) ?? new Map()).keys()) mailSlugs.add(slug);
        await readMailbox(round).catch((err: unknown) => {
          if (rounds === 0) throw err;
          problem ??= err;
        });
        if (rounds === 0) baseline();
        for (const o of mergeRound(round)) note(o);
        rounds++;
        if (problem !== undefined) throw problem;
        failedInARow = 0;
      } catch (err) {
        // Nothing here should fail a poll (the local S3 replaces objects whole, as S3 does): a round that fails all
        // the same is counted and shown, and the next round polls again; whoever waits for a round waits for that
        // one. Only rounds failing again and again end the run.
        failed.count++;
        failed.last = err instanceof Error ? err.message : String(err);
        if (++failedInARow >= MAX_FAILED_ROUNDS) {
          failure = err;
          stopped = true;
        } else {
          waiting.unshift(...finished);
          finished = [];
        }
      }
      for (const resolve of finished) resolve();
      if (!stopped) await delay(pauseMs);
    }
  })();
  const unlessFailed = () => {
    if (failure !== undefined) throw new Error('a party could not poll', { cause: failure });
  };

  return {
    afterNextRound: async () => {
      unlessFailed();
      await new Promise<void>((resolve) => waiting.push(resolve));
      unlessFailed();
    },
    latest: (party, format) => views.get(documents.find((d) => d.party === party && d.format === format)!) ?? new Map(),
    seen,
    requests: () => counts,
    failedRounds: () => ({ ...failed }),
    mailBySlug: async () => {
      const view = mailboxView(await pipeline.emulators.sentMail(), [...mailSlugs], pageUrl);
      return [...mailSlugs].map((slug) => ({
        slug,
        emails: view.get(slug)?.emails ?? 0,
        recipients: view.get(slug)?.recipients ?? 0,
      }));
    },
    stop: async () => {
      stopped = true;
      await loop;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}
