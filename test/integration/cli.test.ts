import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFeedFiles } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { ninjsErrors } from '../helpers/ninjs-validator.ts';
import { xmllintFiles } from '../helpers/xmllint.ts';
import { runCliInProcess, type CliRun } from '../helpers/cli-in-process.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/broadsheet.js');
const SAMPLES = join(ROOT, 'samples');
const VALID = join(ROOT, 'test/fixtures/valid');
const INVALID = join(ROOT, 'test/fixtures/invalid');
const OUTPUTS = ['index.html', 'email.html', 'email.txt', 'email.eml', 'ninjs.json'];

type Run = CliRun;

/** Runs the real command line, as a user would: its own process, its exit status and streams. */
async function broadsheetProcess(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The command line's main function in this process: what the command does, without a second of start-up each. */
const broadsheet = (...args: string[]): Promise<Run> => runCliInProcess(args);

const tempDir = () => mkdtempSync(join(tmpdir(), 'broadsheet-cli-'));
const slugs = (out: string) => readdirSync(join(out, 'editorials')).sort();

describe('broadsheet build over valid and invalid editorials', () => {
  let out: string;
  let run: Run;
  const invalidFiles = readdirSync(INVALID).sort();

  beforeAll(async () => {
    out = tempDir();
    run = await broadsheetProcess('build', SAMPLES, VALID, INVALID, '--out', out);
  });

  it('exits 1, prints one "<file>: rejected: <reason>" line per invalid file, and builds the rest', () => {
    expect(run.code).toBe(1);
    const lines = run.stderr
      .trim()
      .split('\n')
      .filter((l) => l.includes(': rejected: '));
    expect(lines).toHaveLength(invalidFiles.length);
    for (const name of invalidFiles)
      expect(lines.some((l) => l.startsWith(`${join(INVALID, name)}: rejected: `))).toBe(true);
    const editorials = (dir: string) => readdirSync(dir).filter((n) => /\.(txt|md)$/.test(n));
    const valid = editorials(SAMPLES).length + editorials(VALID).length;
    expect(slugs(out)).toHaveLength(valid);
  });

  it('records every rejection in rejected.json with the file, the line where there is one, and a reason', () => {
    const rejected = JSON.parse(readFileSync(join(out, 'rejected.json'), 'utf8')) as {
      file: string;
      line: number | null;
      reason: string;
    }[];
    expect(rejected.map((r) => r.file).sort()).toEqual(invalidFiles.map((n) => join(INVALID, n)).sort());
    for (const r of rejected) {
      expect(r.reason.length).toBeGreaterThan(10);
      expect(r.line === null || (Number.isInteger(r.line) && r.line > 0)).toBe(true);
    }
    const ftp = rejected.find((r) => r.file.endsWith('source-ftp.txt'))!;
    expect(ftp.line).toBeGreaterThan(1);
    expect(ftp.reason).toMatch(/http/);
  });

  it('writes every output of every editorial', () => {
    for (const slug of slugs(out))
      for (const name of OUTPUTS) expect(existsSync(join(out, 'editorials', slug, name)), `${slug}/${name}`).toBe(true);
  });

  it('writes feeds that xmllint, feedparser and the JSON Feed rules accept, newest first, each item ending with its sources', async () => {
    const rss = join(out, 'feeds/rss.xml');
    const atom = join(out, 'feeds/atom.xml');
    expect(await xmllintFiles([rss, atom])).toBe('');
    const [parsedRss, parsedAtom] = parseFeedFiles([rss, atom]);
    for (const feed of [parsedRss!, parsedAtom!]) {
      expect(feed.bozo).toBe(false);
      const held = run.stdout.split('\n').filter((l) => l.includes('not in feeds')).length;
      expect(held).toBeGreaterThan(0);
      expect(feed.entries).toHaveLength(slugs(out).length - held);
      const dates = feed.entries.map((e) => e.published_iso!);
      expect([...dates].sort().reverse()).toEqual(dates);
      // The heading is in each editorial's language: "Wire provenance", or the Arabic sample's own.
      for (const entry of feed.entries)
        expect(entry.content.at(-1)).toMatch(/(Wire provenance|مصادر الخبر)[\s\S]*<\/footer>\s*$/);
    }
    expect(jsonFeedErrors(readFileSync(join(out, 'feeds/feed.json'), 'utf8'))).toEqual([]);
  });

  it('writes ninjs that validates against the IPTC ninjs 3.1 schema', () => {
    for (const slug of slugs(out)) {
      expect(ninjsErrors(JSON.parse(readFileSync(join(out, 'editorials', slug, 'ninjs.json'), 'utf8'))), slug).toEqual(
        [],
      );
    }
  });

  it('writes email.eml as a MIME message with both parts and one-click unsubscribe', async () => {
    for (const slug of slugs(out)) {
      const mail = await simpleParser(readFileSync(join(out, 'editorials', slug, 'email.eml')));
      // The Arabic sample's chrome is Arabic.
      const heading = slug === '2026-06-05-sahel-ceasefire' ? 'مصادر الخبر' : 'Wire provenance';
      expect(mail.text, slug).toContain(heading);
      expect(mail.html || '', slug).toContain(heading);
      const lines = Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.replace(/\r\n[ \t]/g, ' ')]));
      expect(lines['list-unsubscribe-post']).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(lines['list-unsubscribe']).toMatch(/^List-Unsubscribe: <https:\/\/[^>]+>, <mailto:/);
      expect(readFileSync(join(out, 'editorials', slug, 'email.html'), 'utf8')).toBe(mail.html);
    }
  });
});

describe('broadsheet build: the contract around it', () => {
  it('exits 0 when nothing is rejected, and gives byte-identical output for identical input', async () => {
    const [a, b] = [tempDir(), tempDir()];
    // One build in a process of its own, one in this one: the output depends on neither.
    const first = await broadsheetProcess('build', SAMPLES, '--out', a);
    const second = await broadsheet('build', SAMPLES, '--out', b);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(a, 'rejected.json'), 'utf8'))).toEqual([]);
    const files = [
      'feeds/rss.xml',
      'feeds/atom.xml',
      'feeds/feed.json',
      ...slugs(a).flatMap((s) => OUTPUTS.map((n) => `editorials/${s}/${n}`)),
    ];
    for (const file of files) expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file))), file).toBe(true);
  });

  it('skips a folder README but rejects any other file given that is not .txt or .md', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), '# Notes for the desk\n');
    writeFileSync(join(dir, '2026-06-01-notes.html'), '<p>not an editorial</p>');
    const out = tempDir();
    const run = await broadsheet('build', dir, join(dir, '2026-06-01-notes.html'), '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('README.md');
    expect(run.stderr).toContain('2026-06-01-notes.html: rejected: not an editorial');
  });

  it('uses --date for an editorial whose file name carries none', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'harbour.txt'), readFileSync(join(SAMPLES, '2026-06-02-grain-corridor.txt')));
    const out = tempDir();
    expect((await broadsheet('build', dir, '--out', out, '--date', '2026-07-01')).code).toBe(0);
    const ninjs = JSON.parse(readFileSync(join(out, 'editorials/harbour/ninjs.json'), 'utf8'));
    expect(ninjs.firstCreated).toBe('2026-07-01T00:00:00Z');
  });

  it('applies a configuration file over the defaults', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ publication: { name: 'Harbour Letter', siteUrl: 'https://letter.example/' } }),
    );
    const out = tempDir();
    expect(
      (await broadsheet('build', join(SAMPLES, '2026-06-02-grain-corridor.txt'), '--out', out, '--config', config))
        .code,
    ).toBe(0);
    const rss = readFileSync(join(out, 'feeds/rss.xml'), 'utf8');
    expect(rss).toContain('<title>Harbour Letter</title>');
    expect(rss).toContain('https://letter.example/editorials/2026-06-02-grain-corridor/');
  });

  // A usage error writes nothing, so the folder named `out` never comes to exist. Paths are relative to the
  // project, where the command runs, so the test names read the same on every machine.
  const unwritten = join(mkdtempSync(join(tmpdir(), 'broadsheet-cli-')), 'out');
  it.each([
    [['build', 'samples'], /--out/],
    [['build', '--out', 'out'], /at least one/],
    [['build', 'samples', '--out', 'out', '--date', '2026-02-30'], /--date/],
    [['build', 'samples', '--out', 'out', '--colour'], /colour/],
    [['build', 'samples/no-such-file.txt', '--out', 'out'], /no such file/],
    [['publish'], /unknown command/],
    [[], /no command/],
  ])('exits 2 with the usage on a usage error: %j', async (args, message) => {
    const run = await broadsheet(...args.map((arg) => (arg === 'out' ? unwritten : arg)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage:');
    expect(existsSync(unwritten)).toBe(false);
  });

  it('exits 2 and names the problem when the configuration is invalid', async () => {
    const config = join(tempDir(), 'config.json');
    writeFileSync(config, JSON.stringify({ sender: { address: 'not an address' } }));
    const run = await broadsheet('build', SAMPLES, '--out', tempDir(), '--config', config);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sender.address must be an email address');
  });
});

describe('broadsheet preview', () => {
  it('renders one editorial into a temporary folder and prints the paths, which exist', async () => {
    const run = await broadsheet('preview', join(SAMPLES, '2026-06-03-energy-grid.md'));
    expect(run.code).toBe(0);
    const paths = run.stdout.trim().split('\n');
    expect(paths.map((p) => p.split('/').pop())).toEqual([...OUTPUTS, 'rss.xml', 'atom.xml', 'feed.json']);
    for (const path of paths) expect(existsSync(path), path).toBe(true);
  });

  it('exits 1 and says why for an invalid editorial', async () => {
    const run = await broadsheet('preview', join(INVALID, '2026-06-10-source-ftp.txt'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/source-ftp\.txt: rejected: line \d+: /);
  });
});
