// Interoperability beyond the suite: Python's feedparser (the parser most feed readers' behaviour is measured
// against) reads the feeds `broadsheet build` writes for the samples and the test editorials. Run by .ci/run after
// `npm test`, where Debian's python3-feedparser is installed; `npm run test:interop` runs it anywhere it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const PYTHON = process.env.FEEDPARSER_PYTHON ?? '/usr/bin/python3';
const out = mkdtempSync(join(tmpdir(), 'broadsheet-interop-'));
const problems: string[] = [];
try {
  const valid = join(ROOT, 'test/fixtures/valid');
  const inputs = ['samples', 'test/fixtures/desk', ...readdirSync(valid).map((name) => join('test/fixtures/valid', name))];
  execFileSync(process.execPath, ['bin/broadsheet.js', 'build', ...inputs, '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const feeds = ['rss.xml', 'atom.xml'].map((name) => join(out, 'feeds', name));
  const parsed = JSON.parse(execFileSync(PYTHON, ['-I', join(import.meta.dirname, 'feedparser.py'), ...feeds], { encoding: 'utf8' })) as {
    version: string;
    bozo: boolean;
    bozo_exception: string | null;
    entries: { id: string; link: string; links: { rel: string; href: string }[] }[];
  }[];
  const json = JSON.parse(readFileSync(join(out, 'feeds/feed.json'), 'utf8')) as { items: { id: string; url: string; _provenance?: { sources?: { url: string }[] } }[] };
  const expected = json.items.map((i) => i.id);
  parsed.forEach((feed, n) => {
    const name = ['RSS', 'Atom'][n];
    if (feed.bozo) problems.push(`${name}: feedparser found it malformed: ${feed.bozo_exception}`);
    const ids = feed.entries.map((e) => e.id);
    if (JSON.stringify(ids) !== JSON.stringify(expected)) problems.push(`${name}: entries ${JSON.stringify(ids)} differ from JSON Feed ${JSON.stringify(expected)}`);
    feed.entries.forEach((entry, k) => {
      const item = json.items[k];
      if (item && entry.link !== item.url) problems.push(`${name}: entry ${entry.id} links to ${entry.link}, not ${item.url}`);
      const via = entry.links.filter((l) => l.rel === 'via').map((l) => l.href);
      const sources = item?._provenance?.sources?.map((s) => s.url) ?? [];
      if (JSON.stringify(via) !== JSON.stringify(sources)) problems.push(`${name}: entry ${entry.id} has via links ${JSON.stringify(via)}, sources ${JSON.stringify(sources)}`);
    });
  });
  console.log(`feedparser read ${parsed.length} feeds of ${expected.length} editorials${problems.length ? ', with problems:' : ' as written.'}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
for (const problem of problems) console.error(`  ${problem}`);
process.exitCode = problems.length ? 1 : 0;
