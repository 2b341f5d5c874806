import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.ts';
import { pairTable, subscribersTable } from '../../../src/app/adapters.ts';
import { deskRuntime } from '../../../src/app/desk-runtime.ts';
import { subscriberWiring } from '../../../src/app/subscriber-wiring.ts';
import { writeDeskEnv } from '../../../src/local/desk-env.ts';
import { CORRECTION_NOTE } from '../../../src/local/lifecycle-desk.ts';
import { runLifecycle, type LifecycleReport, type SeenDocument } from '../../../src/local/lifecycle.ts';
import { startLocalPipeline, type LocalPipeline } from '../../../src/local/pipeline.ts';
import { listDispatches } from '../../../src/pipeline/dispatch/desk-operations.ts';
import { importSubscribers } from '../../../src/subscribers/import-export.ts';
import { SubscriberStore } from '../../../src/subscribers/store.ts';
import { parseFeedText } from '../../helpers/feedparser.ts';
import { htmlXPath } from '../../helpers/html.ts';

const SAMPLES = join(import.meta.dirname, '../../../samples');
const PARTNER = 'example-partner';
/** The sample subscribers who take every topic, or diplomacy (the new editorial's topics are diplomacy and europe);
 * the mailbox simulator's bounce@ and complaint@ take every topic too, but their first editorial's SES events have
 * suppressed them by then. */
const READERS = [
  'ada.reader@example.com',
  'ben.okafor@example.org',
  'chloe.martin@example.net',
  'dmitro.koval@example.com',
  'farah.haddad@example.org',
];

type NinjsItem = {
  uri: string;
  slugline: string;
  version: string;
  pubStatus: string;
  embargoedUntil?: string;
  edNote?: string;
};
type JsonItem = { url: string; _embargo?: { until: string }; _deleted?: unknown };
const ninjsItems = (doc: SeenDocument) => (JSON.parse(doc.body) as { items: NinjsItem[] }).items;
const pageUrlEndsWith = (slug: string) => (url: string | null | undefined) =>
  !!url && url.endsWith(`/editorials/${slug}/`);
const atomXml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['entry', 'at:deleted-entry', 'link'].includes(name),
});

describe('npm start: the lifecycle, as each party sees it', () => {
  let pipeline: LocalPipeline;
  let report: LifecycleReport;
  let out: string;
  const printed: string[] = [];
  const seen = (party: string, format: string) => report.seen.filter((d) => d.party === party && d.format === format);
  const last = (party: string, format: string) => seen(party, format).at(-1)!;
  const beforeRelease = (docs: SeenDocument[]) => docs.filter((d) => d.time < report.embargoUntil);
  const publicSlugs = (doc: SeenDocument) =>
    doc.format === 'atom'
      ? parseFeedText(doc.body).entries.map((e) => e.link)
      : (JSON.parse(doc.body) as { items: JsonItem[] }).items.map((i) => i.url);

  beforeAll(async () => {
    // The functions' logs go to a file, as `npm start` writes them, not into the test's output. Served, as with
    // `npm start -- --serve`: the parties poll the local site server, and the run has a desk.env.
    out = mkdtempSync(join(tmpdir(), 'broadsheet-lifecycle-'));
    pipeline = await startLocalPipeline({
      serve: true,
      releaseEverySeconds: 1,
      functionLogFile: join(out, 'logs.jsonl'),
    });
    await importSubscribers(
      subscriberWiring(pipeline.runtime, 'import'),
      readFileSync(join(SAMPLES, 'subscribers.csv'), 'utf8'),
      { sourceName: 'subscribers.csv' },
    );
    for (const name of readdirSync(SAMPLES).filter((n) => /\.(txt|md)$/.test(n))) {
      await pipeline.editorials.put(`approved/${name}`, readFileSync(join(SAMPLES, name)), {
        contentType: 'text/plain; charset=utf-8',
      });
    }
    await pipeline.settled();
    report = await runLifecycle(pipeline, { samplesDir: SAMPLES, say: (line) => printed.push(line) });
  }, 120_000);
  afterAll(() => pipeline?.stop());

  it('shows the embargoed editorial to partners at once with its embargo time, and to the public only after it', () => {
    const { embargoed } = report.slugs;
    const until = report.embargoUntil.toISOString().replace('.000Z', 'Z');
    const early = beforeRelease(seen(PARTNER, 'ninjs'))
      .flatMap(ninjsItems)
      .filter((i) => i.slugline === embargoed);
    expect(early.length).toBeGreaterThan(0);
    for (const item of early) expect(item).toMatchObject({ embargoedUntil: until, pubStatus: 'usable' });
    const earlyJson = beforeRelease(seen(PARTNER, 'json'))
      .flatMap((d) => (JSON.parse(d.body) as { items: JsonItem[] }).items)
      .filter((i) => pageUrlEndsWith(embargoed)(i.url));
    expect(earlyJson.map((i) => i._embargo?.until)).toContain(until);

    for (const doc of beforeRelease(report.seen.filter((d) => d.party === 'public feed')))
      expect(publicSlugs(doc).some(pageUrlEndsWith(embargoed)), doc.key).toBe(false);
    expect(beforeRelease(seen('page', '')).filter((d) => d.key.includes(embargoed))).toEqual([]);
    expect(publicSlugs(last('public feed', 'atom')).some(pageUrlEndsWith(embargoed))).toBe(true);
    expect(publicSlugs(last('public feed', 'json')).some(pageUrlEndsWith(embargoed))).toBe(true);
  });

  it('mails the embargoed editorial at its release, once to each subscriber', async () => {
    const page = `/editorials/${report.slugs.embargoed}/`;
    const mail = (await pipeline.emulators.sentMail()).filter((m) => (m.body.text ?? '').includes(page));
    expect(mail.map((m) => m.destination.to.join()).sort()).toEqual(READERS);
    // SES stamps whole seconds: none was sent in a second before the embargo's.
    for (const m of mail) expect(m.at).toBeGreaterThanOrEqual(Math.floor(report.embargoUntil.getTime() / 1000));
    expect(report.mail.find((m) => m.slug === report.slugs.embargoed)).toEqual({
      slug: report.slugs.embargoed,
      emails: 5,
      recipients: 5,
    });
  });

  it('turns the withdrawn editorial into a tombstone for partners, drops it from the public feeds and puts the notice on its page', () => {
    const { withdrawn } = report.slugs;
    expect(ninjsItems(last(PARTNER, 'ninjs')).find((i) => i.slugline === withdrawn)?.pubStatus).toBe('canceled');
    const atom = atomXml.parse(last(PARTNER, 'atom').body) as {
      feed: {
        entry?: { link: { href: string }[] }[];
        'at:deleted-entry'?: { ref: string; link: { href: string }[] }[];
      };
    };
    expect(
      atom.feed['at:deleted-entry']?.filter((t) => t.link.some((l) => pageUrlEndsWith(withdrawn)(l.href))),
    ).toHaveLength(1);
    expect((atom.feed.entry ?? []).some((e) => e.link.some((l) => pageUrlEndsWith(withdrawn)(l.href)))).toBe(false);
    expect(publicSlugs(seen('public feed', 'atom')[0]!).some(pageUrlEndsWith(withdrawn))).toBe(true);
    expect(publicSlugs(last('public feed', 'atom')).some(pageUrlEndsWith(withdrawn))).toBe(false);
    expect(publicSlugs(last('public feed', 'json')).some(pageUrlEndsWith(withdrawn))).toBe(false);
    const page = seen('page', '')
      .filter((d) => d.key.includes(withdrawn))
      .at(-1)!;
    expect(htmlXPath(page.body, 'normalize-space(//p[@class="withdrawn-notice"])')).toContain('Withdrawn.');
  });

  it('gives partners the correction as a new version of the same item, and the public feed an updated entry', () => {
    const { corrected } = report.slugs;
    const item = (doc: SeenDocument) => ninjsItems(doc).find((i) => i.slugline === corrected)!;
    const [first, final] = [item(seen(PARTNER, 'ninjs')[0]!), item(last(PARTNER, 'ninjs'))];
    expect(final.uri).toBe(first.uri);
    expect(Number(final.version)).toBeGreaterThan(Number(first.version));
    expect(final.edNote).toBe(CORRECTION_NOTE);
    const entry = (doc: SeenDocument) =>
      parseFeedText(doc.body).entries.find((e) => pageUrlEndsWith(corrected)(e.link))!;
    const [before, after] = [entry(seen('public feed', 'atom')[0]!), entry(last('public feed', 'atom'))];
    expect(after.id).toBe(before.id);
    expect(Date.parse(after.updated_iso!)).toBeGreaterThan(Date.parse(before.updated_iso!));
    expect(after.content.join('')).toContain(CORRECTION_NOTE);
  });

  it('prints a short timeline and a comparison a newcomer can read', () => {
    expect(printed.length).toBeLessThanOrEqual(40);
    expect(
      printed.some((line) => line.includes(`${report.slugs.embargoed}: embargoed until`) && line.includes(PARTNER)),
    ).toBe(true);
    expect(report.paragraph).toContain(`seen by ${PARTNER} only`);
    expect(report.paragraph).toContain('each subscriber got each editorial once');
  });

  it('took the bounce and the complaint the simulated SES events reported: both addresses are suppressed', async () => {
    const store = new SubscriberStore(subscribersTable(pipeline.runtime), pipeline.runtime.tokenSecret, systemClock);
    expect(await store.getByAddress('bounce@simulator.amazonses.com')).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'bounce:General',
    });
    expect(await store.getByAddress('complaint@simulator.amazonses.com')).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'complaint',
    });
    for (const reader of READERS) expect((await store.getByAddress(reader))?.status).toBe('confirmed');
    // Each got the first dispatch planned (before any event came back), each editorial at most once, and not the
    // embargoed one, planned long after.
    const mail = await pipeline.emulators.sentMail();
    const embargoedPage = `/editorials/${report.slugs.embargoed}/`;
    for (const address of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com']) {
      const theirs = mail.filter((m) => m.destination.to.includes(address));
      expect(theirs.length).toBeGreaterThanOrEqual(1);
      expect(theirs.length).toBe(new Set(theirs.map((m) => m.subject)).size);
      expect(theirs.filter((m) => (m.body.text ?? '').includes(embargoedPage))).toEqual([]);
    }
  });

  it('writes a desk.env a POSIX shell sources, naming this run as the desk commands read it', async () => {
    const path = await writeDeskEnv(pipeline, out);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const exported = lines.pop()!;
    expect(exported).toMatch(/^export( [A-Z_]+)+$/);
    const values: Record<string, string> = {};
    for (const line of lines) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Z][A-Z0-9_]*)='((?:[^']|'\\'')*)'$/.exec(line);
      expect(m, line).not.toBeNull();
      values[m![1]!] = m![2]!.replaceAll(`'\\''`, "'");
    }
    expect(exported.split(' ').slice(1).sort()).toEqual(Object.keys(values).sort());
    expect(Object.keys(values).sort()).toEqual(
      [
        'BROADSHEET_CONFIG',
        'BROADSHEET_LOCAL_ENDPOINTS',
        'BROADSHEET_PARTNER_SECRET',
        'CONFIGURATION_SET',
        'DISPATCH_QUEUE_URL',
        'EDITORIALS_BUCKET',
        'LEDGER_TABLE',
        'PUBLIC_BUCKET',
        'SUBSCRIBERS_TABLE',
        'TOKEN_SECRET',
        'WEBHOOK_QUEUE_URL',
      ].sort(),
    );
    // What a shell that sources it hands the commands it starts: the same values.
    const { stdout } = await promisify(execFile)(
      'sh',
      [
        '-c',
        '. "$1" && exec "$2" -e "process.stdout.write(JSON.stringify(process.env))"',
        'sh',
        path,
        process.execPath,
      ],
      { env: {} },
    );
    const sourced = JSON.parse(stdout) as Record<string, string>;
    for (const [key, value] of Object.entries(values)) expect(sourced[key], key).toBe(value);

    const desk = await deskRuntime(sourced);
    const { runtime } = pipeline;
    expect(desk).toMatchObject({
      where: 'the local run',
      editorialsBucket: runtime.editorialsBucket,
      publicBucket: runtime.publicBucket,
      subscribersTable: runtime.subscribersTable,
      ledgerTable: runtime.ledgerTable,
      dispatchQueueUrl: runtime.dispatchQueueUrl,
      configurationSet: runtime.configurationSet,
      tokenSecret: runtime.tokenSecret,
    });
    // The same emulators, SES included, so a proof from the desk lands in this run's mailbox.
    expect(desk.endpoints).toEqual(pipeline.emulators.endpoints);
    expect(desk.publication).toEqual(runtime.publication);
    expect(desk.publication.publication.siteUrl).toBe(pipeline.http!.url);
    expect(values.BROADSHEET_PARTNER_SECRET).toBe(runtime.partnerSecret);
    // And the desk sees this run's dispatches.
    const dispatches = await listDispatches(pairTable(desk, desk.ledgerTable));
    // Newest first: the embargoed editorial's; the samples were approved together, in no set order.
    expect(dispatches[0]?.slug).toBe(report.slugs.embargoed);
    expect(
      dispatches
        .slice(1)
        .map((d) => d.slug)
        .sort(),
    ).toEqual(['2026-06-02-grain-corridor', '2026-06-03-energy-grid', '2026-06-05-sahel-ceasefire']);
  });
});
