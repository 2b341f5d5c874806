import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../helpers/feedparser.ts';

const ROOT = join(import.meta.dirname, '../../..');

// The two runs share nothing (the refused ones stop before starting anything), so they run at the same time: the
// refusals' start-up overlaps the end-to-end run's waits.
describe.concurrent('npm start', () => {
  it('publishes the samples end to end, mails each confirmed subscriber at most once per editorial, shows the dispatches and says where to look', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'broadsheet-start-')), 'local');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx/esm', 'scripts/start.ts', '--out', out],
      { cwd: ROOT },
    ).catch((err: { stdout?: string; stderr?: string }) => {
      // What npm start said, so a failure here says why.
      throw new Error(`npm start failed:\n${err.stderr ?? ''}\n${(err.stdout ?? '').slice(-3000)}`);
    });

    expect(stdout).toContain('each subscriber got each editorial at most once');
    expect(stdout).toContain('9 confirmed, 1 pending');
    // Nine confirmed sample subscribers: five readers on every editorial (one follows only energy and diplomacy, so
    // the Sahel editorial skips her), one on the daily digest and one on the weekly (neither gets an editorial on its
    // own), and the SES mailbox simulator's bounce@ and complaint@. Those two get the first editorial; its
    // simulated bounce and complaint suppress them, and every dispatch planned after that leaves them out (one
    // planned before the events arrived, on a slow machine, still has them: 16 to 20 emails).
    const [, emails] = /(\d+) emails to 7 subscribers/.exec(stdout) ?? [];
    expect(Number(emails)).toBeGreaterThanOrEqual(16);
    expect(Number(emails)).toBeLessThanOrEqual(20);
    expect(stdout).toMatch(/suppressed bounce@simulator\.amazonses\.com and\s+complaint@simulator\.amazonses\.com/);
    for (const where of ['Feeds', 'Page', 'Mailbox', 'Logs', 'Partner'])
      expect(stdout).toMatch(new RegExp(`^  ${where} `, 'm'));
    // The lifecycle's timeline: each party's view of the correction, the withdrawal and the embargo, then who saw what.
    expect(stdout).toMatch(/^ +\+[\d.]+ s {2}example-partner +2026-06-02-grain-corridor: tombstone/m);
    expect(stdout).toMatch(/^ +\+[\d.]+ s {2}public feed +2026-06-02-grain-corridor: item gone/m);
    expect(stdout).toContain('was seen by example-partner only');
    // The pickup report ends the lifecycle: the partner fetched the tombstone after the withdrawal (its request log).
    expect(stdout).toMatch(/^ +2026-06-02-grain-corridor +tombstone +\S+ +seen \d{4}-/m);
    expect(stdout).toMatch(/^ +atom\.xml +\d{4}-\d{2}-\d{2}T\S+ +\d+$/m);

    const feed = parseFeedFile(join(out, 'site/feeds/atom.xml'));
    expect(feed.bozo).toBe(false);
    expect(feed.entries).toHaveLength(3);
    for (const slug of readdirSync(join(out, 'site/editorials')))
      expect(existsSync(join(out, 'site/editorials', slug, 'index.html'))).toBe(true);

    // The lifecycle after the publish adds the embargoed editorial's five at its release (the suppressed two are left
    // out by then); the correction sends none. The readers' mail does not depend on when the events came.
    const messages = readdirSync(join(out, 'mailbox')).filter((n) => n.endsWith('.eml'));
    // And the daily digest, to its one reader.
    expect(messages).toHaveLength(Number(emails) + 5 + 1);
    const index = readFileSync(join(out, 'mailbox/index.txt'), 'utf8').trim().split('\n');
    const to = (address: string) => index.filter((line) => line.includes(`to ${address} `)).length;
    expect(
      [
        'ada.reader@example.com',
        'ben.okafor@example.org',
        'chloe.martin@example.net',
        'dmitro.koval@example.com',
        'farah.haddad@example.org',
      ].map(to),
    ).toEqual([4, 4, 3, 4, 4]);
    expect([to('grace.daily@example.com'), to('hugo.weekly@example.net')]).toEqual([1, 0]);
    const digestLine = index.find((line) => line.includes('to grace.daily@example.com '))!;
    const digest = await simpleParser(readFileSync(join(out, 'mailbox', digestLine.slice(0, digestLine.indexOf(' ')))));
    expect(digest.subject).toMatch(/^Monexus daily digest: /);
    expect(digest.headerLines.find((h) => h.key === 'feedback-id')?.line).toMatch(
      /^Feedback-ID: digest-daily-[\d-]+:digest:/,
    );
    // The withdrawn editorial is left out of the digest; the embargoed one, public since, is in it.
    expect(digest.text).not.toContain('grain-corridor');
    expect(digest.text).toContain('black-sea-talks');
    expect(stdout).toMatch(/^\[6\/8\] A daily digest/m);
    for (const simulated of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com']) {
      expect(to(simulated)).toBeGreaterThanOrEqual(1);
      expect(to(simulated)).toBeLessThanOrEqual(3);
    }
    const first = await simpleParser(readFileSync(join(out, 'mailbox', messages[0]!)));
    expect(first.text).toContain('Wire provenance');
    expect(first.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(readFileSync(join(out, 'logs.jsonl'), 'utf8')).not.toMatch(/@example\.(com|org|net)|simulator\.amazonses/);

    // The desk's view of the dispatches, newest first, once every SES event has been counted: the first dispatch
    // had the bounce and the complaint; the complaint's message was delivered first, as SES does.
    const table = stdout.slice(
      stdout.indexOf('[8/8] Dispatches, as npx broadsheet dispatch list shows them'),
      stdout.indexOf('\nDone in '),
    );
    const [head, ...rows] = table
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/));
    expect(head).toEqual(['slug', 'state', 'recipients', 'sent', 'delivered', 'bounced', 'complained', 'suppressed']);
    expect(rows.map((r) => r[0])).toEqual([
      expect.stringMatching(/^digest-daily-\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/-black-sea-talks$/),
      '2026-06-05-sahel-ceasefire',
      '2026-06-03-energy-grid',
      '2026-06-02-grain-corridor',
    ]);
    for (const row of rows) expect(row[1]).toBe('finished');
    expect(rows.reduce((n, row) => n + Number(row[3]), 0)).toBe(messages.length);
    expect(rows.at(-1)).toEqual(['2026-06-02-grain-corridor', 'finished', '7', '7', '6', '1', '1', '2']);
    // The digest went to its one reader; the embargoed editorial to the five on every editorial.
    expect(rows[0]!.slice(2)).toEqual(['1', '1', '1', '0', '0', '0']);
    expect(rows[1]!.slice(2)).toEqual(['5', '5', '5', '0', '0', '0']);
    // Not served: no desk.env, and no Desk line.
    expect(existsSync(join(out, 'desk.env'))).toBe(false);
    expect(stdout).not.toMatch(/^ {2}Desk /m);
    // A hang guard: the lifecycle waits out an 8-second embargo on a machine the other tests share.
  }, 180_000);

  it('refuses a --send-rate that is not a positive number, with exit status 2, before starting anything', async () => {
    const runs = await Promise.allSettled(
      ['0', '-3', 'fast', ''].map((rate) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx/esm', 'scripts/start.ts', `--send-rate=${rate}`], {
          cwd: ROOT,
        }),
      ),
    );
    for (const run of runs) {
      expect(run.status).toBe('rejected');
      expect((run as PromiseRejectedResult).reason).toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringContaining('--send-rate must be a positive number'),
      });
    }
  });
});
