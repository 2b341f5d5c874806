import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../helpers/feedparser.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('npm start', () => {
  it('publishes the samples end to end, mails each confirmed subscriber once per editorial, and says where to look', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'broadsheet-start-')), 'local');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx/esm', 'scripts/start.ts', '--out', out], { cwd: ROOT });

    expect(stdout).toContain('each subscriber got each editorial once');
    // Five confirmed sample subscribers; one follows only energy and diplomacy, so the Sahel editorial skips her.
    expect(stdout).toContain('14 emails to 5 subscribers');
    for (const where of ['Feeds', 'Page', 'Mailbox', 'Logs', 'Partner']) expect(stdout).toMatch(new RegExp(`^  ${where} `, 'm'));
    // The lifecycle's timeline: each party's view of the correction, the withdrawal and the embargo, then who saw what.
    expect(stdout).toMatch(/^ +\+[\d.]+ s {2}example-partner +2026-06-02-grain-corridor: tombstone/m);
    expect(stdout).toMatch(/^ +\+[\d.]+ s {2}public feed +2026-06-02-grain-corridor: item gone/m);
    expect(stdout).toContain('was seen by example-partner only');

    const feed = parseFeedFile(join(out, 'site/feeds/atom.xml'));
    expect(feed.bozo).toBe(false);
    expect(feed.entries).toHaveLength(3);
    for (const slug of readdirSync(join(out, 'site/editorials'))) expect(existsSync(join(out, 'site/editorials', slug, 'index.html'))).toBe(true);

    // The lifecycle after the publish adds the embargoed editorial's five at its release; the correction sends none.
    const messages = readdirSync(join(out, 'mailbox')).filter((n) => n.endsWith('.eml'));
    expect(messages).toHaveLength(19);
    const first = await simpleParser(readFileSync(join(out, 'mailbox', messages[0]!)));
    expect(first.text).toContain('Wire provenance');
    expect(first.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(readFileSync(join(out, 'logs.jsonl'), 'utf8')).not.toMatch(/@example\.(com|org|net)/);
    // A hang guard: the lifecycle waits out an 8-second embargo on a machine the other tests share.
  }, 180_000);
});
