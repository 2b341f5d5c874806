// npm start [-- --serve] [--send-rate <n>] [--port <n>] [--out <dir>]: the whole pipeline on this machine, through the
// handlers Lambda runs.
// The SDK warns about Node 20 on every client; a local run knows, and the README names the Node versions supported.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { appendFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DispatchStatus } from '../src/pipeline/dispatch/desk-operations.ts';
import type { LocalPipeline } from '../src/local/pipeline.ts';
import type { ObjectStore } from '../src/ports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES = join(ROOT, 'samples');
const usageError = (message: string): never => {
  process.stderr.write(
    `npm start: ${message}\nUsage: npm start -- [--serve] [--port <n>] [--send-rate <messages a second>] [--out <dir>]\n`,
  );
  process.exit(2);
};
const { values } = (() => {
  try {
    return parseArgs({
      options: {
        serve: { type: 'boolean', default: false },
        port: { type: 'string' },
        out: { type: 'string' },
        'send-rate': { type: 'string' },
      },
    });
  } catch (err) {
    return usageError((err as Error).message.split('\n')[0]!);
  }
})();
const sendRate = values['send-rate'] === undefined ? undefined : Number(values['send-rate']);
if (sendRate !== undefined && !(values['send-rate']!.trim() !== '' && Number.isFinite(sendRate) && sendRate > 0)) {
  usageError(`--send-rate must be a positive number of messages a second, not "${values['send-rate']}"`);
}
// The pipeline is loaded once the arguments are known to be good: a mistyped option is refused at once.
const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
const { ledgerTable, subscribersTable } = await import('../src/app/adapters.ts');
const { listDispatches } = await import('../src/pipeline/dispatch/desk-operations.ts');
const { writeDeskEnv } = await import('../src/local/desk-env.ts');
const { LOCAL_NAMES, startLocalPipeline } = await import('../src/local/pipeline.ts');
const { runLifecycle } = await import('../src/local/lifecycle.ts');
const { partnerFeeds: partnerFeedsOf } = await import('../src/local/lifecycle-parties.ts');
const { wrap } = await import('../src/local/lifecycle-timeline.ts');
const { sendLocalDigest } = await import('../src/local/digest-demo.ts');
const { describe: describeDigest } = await import('../src/cli/digest.ts');
const OUT = values.out ? resolve(values.out) : join(ROOT, 'out/local');
const say = (line = '') => process.stdout.write(`${line}\n`);
/** A path as printed: relative to the current directory, unless the absolute one is shorter. */
const rel = (path: string) => {
  const relativePath = relative(process.cwd(), path) || '.';
  return relativePath.length <= path.length ? relativePath : path;
};
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

say('Broadsheet: the whole pipeline on this machine, on local emulators (nothing leaves 127.0.0.1).');
say();
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });

let step = Date.now();
process.stdout.write('[1/8] Starting S3 (s3rver), SES (aws-ses-v2-local), DynamoDB (dynalite), SQS (local-aws-sqs) … ');
const pipeline = await startLocalPipeline({
  serve: values.serve,
  ...(values.port && { port: Number(values.port) }),
  ...(sendRate !== undefined && { sendRatePerSecond: sendRate }),
  functionLogFile: join(OUT, 'logs.jsonl'),
  // Every request the site server answers, as the CDN's access logs would have it: the pickup report reads them.
  requestLogFile: join(OUT, 'requests.jsonl'),
  // The runner's own lines (a retried publish, a simulated SES event the events function failed on) beside them.
  logLine: (line) => appendFileSync(join(OUT, 'logs.jsonl'), `${line}\n`),
  // The stack's five-minute embargo release, every second here, so an embargo a few seconds ahead shows.
  releaseEverySeconds: 1,
});
say(`ready (${seconds(step)})`);

try {
  step = Date.now();
  const { importSubscribers } = await import('../src/subscribers/import-export.ts');
  const { subscriberWiring } = await import('../src/app/subscriber-wiring.ts');
  const csv = await readFile(join(SAMPLES, 'subscribers.csv'), 'utf8');
  const report = await importSubscribers(subscriberWiring(pipeline.runtime, 'import'), csv, {
    sourceName: 'samples/subscribers.csv',
  });
  const confirmed = report.rows - report.pending - report.rejected.length;
  say(
    `[2/8] Imported samples/subscribers.csv: ${confirmed} confirmed, ${report.pending} pending (mailed nothing until they confirm) (${seconds(step)})`,
  );

  step = Date.now();
  // The samples become public from now: the daily digest below is the one of the period they fall in.
  const runStarted = new Date();
  const names = (await readdir(SAMPLES)).filter((n) => /\.(txt|md)$/.test(n) && !/^readme\./i.test(n)).sort();
  say(
    `[3/8] Approving ${names.length} sample editorials: each lands in s3://${LOCAL_NAMES.editorials}/approved/ and S3 notifies the publish function`,
  );
  const s3 = new S3Client(pipeline.emulators.clientConfigs.s3);
  for (const name of names) {
    const begun = Date.now();
    await s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_NAMES.editorials,
        Key: `approved/${name}`,
        Body: await readFile(join(SAMPLES, name)),
      }),
    );
    await pipeline.emulators.objectEventsSettled();
    const rejection = await pipeline.editorials.get(`rejected/${name}.json`);
    say(
      `      ${rejection ? 'rejected ' : 'published'} ${name} (${seconds(begun)})${rejection ? `: ${JSON.parse(new TextDecoder().decode(rejection.body)).reason}` : ''}`,
    );
  }

  step = Date.now();
  process.stdout.write('[4/8] Dispatching through SQS to the worker, the send ledger and SES … ');
  await pipeline.settled();
  const mail = await pipeline.emulators.sentMail();
  const editorialMail = mail.filter((m) => m.headers?.some((h) => h.name.toLowerCase() === 'list-unsubscribe-post'));
  const pairs = new Set(editorialMail.map((m) => `${m.destination.to.join()}\n${m.subject}`));
  say(
    `${editorialMail.length} emails to ${new Set(editorialMail.map((m) => m.destination.to.join())).size} subscribers (${seconds(step)})`,
  );
  say(
    `      ${pairs.size === editorialMail.length ? 'each subscriber got each editorial at most once' : `DUPLICATES: ${editorialMail.length - pairs.size}`}; topics decide who gets what`,
  );
  const suppressed = await suppressedSubscribers(pipeline);
  if (suppressed.length > 0) {
    const text = `the SES events (simulated here: the emulator has none) suppressed ${suppressed.join(' and ')}; dispatches planned after that leave them out`;
    for (const line of wrap(text, 118, '      ')) say(line);
  }

  step = Date.now();
  say(
    '[5/8] Lifecycle: the desk corrects, withdraws and embargoes; a feed reader, each partner, the pages and the mailbox poll',
  );
  const lifecycle = await runLifecycle(pipeline, { samplesDir: SAMPLES, say });
  for (const line of wrap(`${lifecycle.paragraph} (${seconds(step)})`, 118, '      ')) say(line);
  const { count, last } = lifecycle.failedRounds;
  if (count > 0) say(`      ${count} polling round${count === 1 ? '' : 's'} failed and polled again (last: ${last})`);
  say('      Pickup report, as npx broadsheet partners report shows it (the partner fetches since the run began):');
  const { localPickupReport } = await import('../src/local/pickup.ts');
  const { reportLines } = await import('../src/cli/partners-report.ts');
  for (const line of reportLines(await localPickupReport(pipeline, runStarted))) say(`      ${line}`);

  step = Date.now();
  say('[6/8] A daily digest: the period under way, run as if it had ended, for the readers who chose daily');
  const digest = await sendLocalDigest(pipeline, 'daily', runStarted);
  for (const line of wrap(`${describeDigest(digest.outcome)} (${seconds(step)})`, 118, '      ')) say(line);
  for (const email of digest.emails) say(`      ${email.to}: "${email.subject}"`);
  say('      readers on a digest got no editorial on its own; a reader with nothing new in the period gets no digest');

  step = Date.now();
  process.stdout.write(`[7/8] Copying the public bucket, the rejections and the sent mail to ${rel(OUT)}/ … `);
  const siteKeys = await copyBucket(pipeline.site, '', join(OUT, 'site'));
  await copyBucket(pipeline.editorials, 'rejected/', join(OUT, 'rejected'));
  const mailbox = await saveMailbox(pipeline, join(OUT, 'mailbox'));
  say(`${siteKeys.length} files, ${mailbox} messages (${seconds(step)})`);

  step = Date.now();
  // Every send's SES events counted first, so the figures are final.
  await pipeline.settled();
  const dispatches = await listDispatches(ledgerTable(pipeline.runtime));
  say(`[8/8] Dispatches, as npx broadsheet dispatch list shows them (${seconds(step)})`);
  for (const line of dispatchTable(dispatches)) say(`      ${line}`);

  const pages = (await readdir(join(OUT, 'site/editorials'))).sort();
  const site = siteMap(siteKeys);
  const file = (key: string) => rel(join(OUT, 'site', key));
  say();
  say(`Done in ${seconds(started)}. Where to look:`);
  if (site.home) say(`  Home       ${file('index.html')}`);
  for (const page of site.archive) say(`  Archive    ${file(`archive/${page}/index.html`)}`);
  say(`  Feeds      ${rel(join(OUT, 'site/feeds'))}/rss.xml, atom.xml, feed.json`);
  for (const slug of site.topics)
    say(`  Topic      ${file(`topics/${slug}`)}/index.html, feeds/rss.xml, feeds/atom.xml, feeds/feed.json`);
  for (const slug of pages) say(`  Page       ${rel(join(OUT, 'site/editorials', slug, 'index.html'))}`);
  say(`  Partners   ${rel(join(OUT, 'site/editorials'))}/<slug>/ninjs.json (IPTC ninjs 3.1)`);
  if (site.sitemap)
    say(
      `  Sitemap    ${file('sitemap.xml')} (the index of sitemaps/*.xml)${site.newsSitemap ? ', news-sitemap.xml (Google News)' : ''}`,
    );
  if (site.robots) say(`  Robots     ${file('robots.txt')}`);
  say(`  Mailbox    ${rel(join(OUT, 'mailbox'))}/ (.eml files as SES would deliver them; index.txt lists them)`);
  say(`  Logs       ${rel(join(OUT, 'logs.jsonl'))} (the functions' structured logs)`);
  // Each partner's own feeds, under a path derived from this run's partner secret.
  const partnerFeeds = partnerFeedsOf(pipeline).map(({ id, path, feeds }) => ({
    id,
    path,
    keys: feeds.map((f) => f.key),
  }));
  for (const partner of partnerFeeds) {
    say(
      `  Partner    ${partner.id}: ${rel(join(OUT, 'site/partners', partner.path))}/${partner.keys.map((k) => k.slice(k.lastIndexOf('/') + 1)).join(', ')}`,
    );
  }
  // The desk's commands act on this run once its variables are sourced; only while it is served is there a run to act on.
  const deskEnv = pipeline.http ? await writeDeskEnv(pipeline, OUT) : undefined;
  if (pipeline.http) {
    const url = pipeline.http.url;
    say();
    say('Serving until Ctrl-C:');
    say(`  Site       ${url}/  (each page has the subscribe form; try it)`);
    say(`  Feeds      ${url}/feeds/rss.xml  ${url}/feeds/atom.xml  ${url}/feeds/feed.json`);
    say(
      `  Mailbox    ${pipeline.emulators.endpoints.sesv2.url}/  (confirmation and editorial mail; unsubscribe links work)`,
    );
    // With a slash, so `.` reads that file rather than looking for it on the PATH.
    say(`  Desk       . ${rel(deskEnv!).includes('/') ? rel(deskEnv!) : `./${rel(deskEnv!)}`}`);
    say(
      '             (source it in a shell, then npx broadsheet dispatch list, check, proof, approve ... act on this run)',
    );
    const at = (key: string) => `${url}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const feeds = (folder: string) =>
      ['rss.xml', 'atom.xml', 'feed.json'].map((name) => at(`${folder}feeds/${name}`)).join('  ');
    if (site.home) say(`  Home       ${url}/  (the newest editorials, with the archive and the topics)`);
    for (const page of site.archive) say(`  Archive    ${at(`archive/${page}/`)}`);
    for (const slug of site.topics) say(`  Topic      ${at(`topics/${slug}/`)}  ${feeds(`topics/${slug}/`)}`);
    if (site.sitemap) say(`  Sitemap    ${at('sitemap.xml')}`);
    if (site.robots) say(`  Robots     ${at('robots.txt')}`);
    for (const partner of partnerFeeds) say(`  Partner    ${partner.id}: ${partner.keys.map(at).join('  ')}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
} finally {
  await pipeline.stop();
}

/** The desk's dispatch list as an aligned table: newest first, one line a dispatch. */
function dispatchTable(dispatches: readonly DispatchStatus[]): string[] {
  if (dispatches.length === 0) return ['(no dispatch)'];
  const head = ['slug', 'state', 'recipients', 'sent', 'delivered', 'bounced', 'complained', 'suppressed'];
  const rows = dispatches.map((d) =>
    [d.slug, d.state, d.recipients ?? '-', d.sent, d.delivered, d.bounced, d.complained, d.suppressed].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The slug and the state to the left, the figures to the right.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The addresses SES's events took off the list (a hard bounce, a complaint), as the subscribers table has them. */
async function suppressedSubscribers(local: LocalPipeline): Promise<string[]> {
  const { SubscriberStore } = await import('../src/subscribers/store.ts');
  const { systemClock } = await import('../src/adapters/clock.ts');
  const store = new SubscriberStore(subscribersTable(local.runtime), local.runtime.tokenSecret, systemClock);
  const out: string[] = [];
  for await (const subscriber of store.all()) if (subscriber.status === 'suppressed') out.push(subscriber.email);
  return out.sort();
}

/** Copies the objects under `prefix` to files below `dir`; returns the keys copied. */
async function copyBucket(store: ObjectStore, prefix: string, dir: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const { key } of store.list(prefix)) {
    const object = await store.get(key);
    if (!object) continue;
    const path = join(dir, key.slice(prefix.length));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, object.body);
    keys.push(key);
  }
  return keys;
}

/** What the publish stage wrote to the public bucket, by its keys (src/render/scopes.ts, src/catalogue/site-maps.ts). */
function siteMap(keys: readonly string[]) {
  const present = new Set(keys);
  const archive: number[] = [];
  const topics: string[] = [];
  for (const key of keys) {
    const parts = key.split('/');
    if (parts.length === 3 && parts[0] === 'archive' && parts[2] === 'index.html' && /^\d+$/.test(parts[1]!))
      archive.push(Number(parts[1]));
    if (parts.length === 4 && parts[0] === 'topics' && parts[2] === 'feeds' && parts[3] === 'rss.xml')
      topics.push(parts[1]!);
  }
  return {
    home: present.has('index.html'),
    archive: archive.sort((a, b) => a - b),
    topics: topics.sort(),
    sitemap: present.has('sitemap.xml'),
    newsSitemap: present.has('news-sitemap.xml'),
    robots: present.has('robots.txt'),
  };
}

async function saveMailbox(local: LocalPipeline, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const mail = await local.emulators.sentMail();
  const index: string[] = [];
  for (const [n, message] of mail.entries()) {
    const name = `${String(n + 1).padStart(3, '0')}.eml`;
    await writeFile(join(dir, name), await local.emulators.sentMailMime(message.messageId));
    index.push(`${name}  to ${message.destination.to.join(', ')}  "${message.subject}"`);
  }
  await writeFile(join(dir, 'index.txt'), `${index.join('\n')}\n`);
  return mail.length;
}
