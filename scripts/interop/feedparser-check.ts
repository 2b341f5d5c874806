// Interoperability beyond the suite: Python's feedparser (the parser most feed readers' behaviour is measured
// against) reads the feeds `broadsheet build` writes for the samples and the test editorials. Run by .ci/run after
// `npm test`, where Debian's python3-feedparser is installed; `npm run test:interop` runs it anywhere it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchiveDesk } from '../../test/fixtures/archive-desk.ts';

const ROOT = join(import.meta.dirname, '../..');
const PYTHON = process.env.FEEDPARSER_PYTHON ?? '/usr/bin/python3';
const out = mkdtempSync(join(tmpdir(), 'broadsheet-interop-'));
const problems: string[] = [];
try {
  const valid = join(ROOT, 'test/fixtures/valid');
  const inputs = [
    'samples',
    'test/fixtures/desk',
    ...readdirSync(valid).map((name) => join('test/fixtures/valid', name)),
  ];
  execFileSync(process.execPath, ['bin/broadsheet.js', 'build', ...inputs, '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const feeds = ['rss.xml', 'atom.xml'].map((name) => join(out, 'feeds', name));
  const parsed = JSON.parse(
    execFileSync(PYTHON, ['-I', join(import.meta.dirname, 'feedparser.py'), ...feeds], { encoding: 'utf8' }),
  ) as {
    version: string;
    bozo: boolean;
    bozo_exception: string | null;
    entries: { id: string; link: string; links: { rel: string; href: string }[] }[];
  }[];
  const json = JSON.parse(readFileSync(join(out, 'feeds/feed.json'), 'utf8')) as {
    items: { id: string; url: string; _provenance?: { sources?: { url: string }[] } }[];
  };
  const expected = json.items.map((i) => i.id);
  parsed.forEach((feed, n) => {
    const name = ['RSS', 'Atom'][n];
    if (feed.bozo) problems.push(`${name}: feedparser found it malformed: ${feed.bozo_exception}`);
    const ids = feed.entries.map((e) => e.id);
    if (JSON.stringify(ids) !== JSON.stringify(expected))
      problems.push(`${name}: entries ${JSON.stringify(ids)} differ from JSON Feed ${JSON.stringify(expected)}`);
    feed.entries.forEach((entry, k) => {
      const item = json.items[k];
      if (item && entry.link !== item.url)
        problems.push(`${name}: entry ${entry.id} links to ${entry.link}, not ${item.url}`);
      const via = entry.links.filter((l) => l.rel === 'via').map((l) => l.href);
      const sources = item?._provenance?.sources?.map((s) => s.url) ?? [];
      if (JSON.stringify(via) !== JSON.stringify(sources))
        problems.push(
          `${name}: entry ${entry.id} has via links ${JSON.stringify(via)}, sources ${JSON.stringify(sources)}`,
        );
    });
  });
  console.log(
    `feedparser read ${parsed.length} feeds of ${expected.length} editorials${problems.length ? ', with problems:' : ' as written.'}`,
  );
  checkArchives(join(out, 'archive'));
} finally {
  rmSync(out, { recursive: true, force: true });
}
/**
 * A desk of a few hundred editorials across topics, built with a window of 20: feedparser reads every subscription
 * and archive document, and following rel="prev-archive" from each subscription document reaches every editorial
 * of its JSON Feed chain exactly once.
 */
function checkArchives(dir: string): void {
  writeArchiveDesk(join(dir, 'desk'), 260, new Date());
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ feeds: { limit: 20 } }));
  const site = join(dir, 'site');
  execFileSync(
    process.execPath,
    ['bin/broadsheet.js', 'build', join(dir, 'desk'), '--out', site, '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const siteUrl = 'https://monexus.example';
  const pathOf = (url: string) =>
    join(
      site,
      ...url
        .slice(siteUrl.length + 1)
        .split('/')
        .map(decodeURIComponent),
    );
  const starts = [
    'feeds/',
    ...readdirSync(join(site, 'topics')).map((t) => `topics/${encodeURIComponent(t)}/feeds/`),
  ].map((p) => `${siteUrl}/${p}`);
  let documents = 0;
  for (const start of starts) {
    const jsonIds: string[] = [];
    for (let url: string | undefined = `${start}feed.json`; url; ) {
      const page = JSON.parse(readFileSync(pathOf(url), 'utf8')) as { items: { id: string }[]; next_url?: string };
      jsonIds.push(...page.items.map((i) => i.id));
      url = page.next_url;
    }
    for (const format of ['rss.xml', 'atom.xml']) {
      const ids: string[] = [];
      for (let url: string | undefined = `${start}${format}`; url; documents++) {
        const feed = JSON.parse(
          execFileSync(PYTHON, ['-I', join(import.meta.dirname, 'feedparser.py'), pathOf(url)], { encoding: 'utf8' }),
        ) as {
          bozo: boolean;
          bozo_exception: string | null;
          feed: { links: { rel: string; href: string }[] };
          entries: { id: string }[];
        };
        if (feed.bozo) problems.push(`${url}: feedparser found it malformed: ${feed.bozo_exception}`);
        ids.push(...feed.entries.map((e) => e.id));
        url = feed.feed.links.find((l) => l.rel === 'prev-archive')?.href;
      }
      if (new Set(ids).size !== ids.length)
        problems.push(`${start}${format}: an editorial appears twice across the archive`);
      if (JSON.stringify([...ids].sort()) !== JSON.stringify([...jsonIds].sort()))
        problems.push(`${start}${format}: the archive holds other editorials than the JSON Feed pages`);
    }
  }
  console.log(
    `feedparser followed ${starts.length} feeds back through ${documents} RSS and Atom documents${problems.length ? ', with problems.' : ', each editorial once.'}`,
  );
}

for (const problem of problems) console.error(`  ${problem}`);
process.exitCode = problems.length ? 1 : 0;
