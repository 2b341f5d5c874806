// The provenance footer is never cut from the email, so an editorial with many long source URLs can make an email
// that no cut brings under the clipping budget (email.clipBytes). That is the editorial's doing: it is rejected with
// the reason, like any other, by the publish function before anything goes public (the email is rendered only once
// the editorial is public, where a failure would only be retried until the event is dropped) and by the CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/cli/build.ts';
import { config, memoryStage } from '../helpers/publish-harness.ts';

/** A plain-text editorial listing `count` sources of about 2 KB each (tracking and AMP links get that long). */
function editorialWithSources(count: number, status?: 'withdrawn'): string {
  const sources = Array.from(
    { length: count },
    (_, n) => `- https://news.example.org/amp/s/${n}/${'a1b2'.repeat(500)}`,
  );
  const body = 'The harbour talks went on into the night.';
  if (status)
    return `---\ntitle: The harbour talks\nstatus: ${status}\n---\n\n${body}\n\nWire provenance\n${sources.join('\n')}\n`;
  return `The harbour talks\n\n${body}\n\nWire provenance\n${sources.join('\n')}\n`;
}

const REASON =
  /^the email would be [\d,]+ bytes even with none of the body, over the [\d,]+-byte clipping budget \(email\.clipBytes.*list fewer sources or shorter source addresses/;

describe('an editorial whose email cannot fit the clipping budget', () => {
  it('is rejected by the publish function, recorded under rejected/, and nothing of it goes public', async () => {
    const stage = await memoryStage();
    const name = '2026-06-01-many-sources.txt';
    const text = editorialWithSources(60);
    const key = await stage.upload(name, text);

    const outcome = await stage.publish(key);

    expect(outcome).toEqual({ outcome: 'rejected', line: null, reason: expect.stringMatching(REASON) });
    const record = JSON.parse((await stage.text(stage.editorials, `rejected/${name}.json`))!) as {
      file: string;
      reason: string;
    };
    expect(record).toMatchObject({ file: key, reason: expect.stringMatching(REASON) });
    expect(await stage.text(stage.editorials, key)).toBe(text);
    expect(await stage.keys(stage.editorials, 'index/')).toEqual([]);
    expect(await stage.keys(stage.site, '')).toEqual([]);
    expect(stage.planned).toEqual([]);
  });

  it('publishes once the sources fit, and the rejection record goes', async () => {
    const stage = await memoryStage();
    const name = '2026-06-01-fewer-sources.txt';
    const key = await stage.upload(name, editorialWithSources(60));
    expect((await stage.publish(key)).outcome).toBe('rejected');

    await stage.upload(name, editorialWithSources(20));
    expect(await stage.publish(key)).toMatchObject({ outcome: 'published', dispatchId: '2026-06-01-fewer-sources' });
    expect(await stage.keys(stage.editorials, 'rejected/')).toEqual([]);
  });

  it('does not keep a withdrawn version, which is never sent, from withdrawing', async () => {
    const stage = await memoryStage();
    const key = await stage.upload('2026-06-01-withdrawn.md', editorialWithSources(60, 'withdrawn'));
    expect((await stage.publish(key)).outcome).toBe('published');
    expect(stage.planned).toEqual([]);
  });

  it('is rejected by broadsheet build by name, which builds the other files and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-email-budget-'));
    writeFileSync(join(dir, '2026-06-01-many-sources.txt'), editorialWithSources(60));
    writeFileSync(join(dir, '2026-06-02-few-sources.txt'), editorialWithSources(3));
    const out = join(dir, 'out');
    const stderr: string[] = [];

    const status = await build({ inputs: [dir], out, config, stdout: () => {}, stderr: (line) => stderr.push(line) });

    expect(status).toBe(1);
    expect(stderr).toEqual([
      expect.stringMatching(/2026-06-01-many-sources\.txt: rejected: the email would be [\d,]+ bytes/),
    ]);
    const rejected = JSON.parse(readFileSync(join(out, 'rejected.json'), 'utf8')) as {
      file: string;
      line: null;
      reason: string;
    }[];
    expect(rejected).toEqual([
      { file: join(dir, '2026-06-01-many-sources.txt'), line: null, reason: expect.stringMatching(REASON) },
    ]);
    expect(readFileSync(join(out, 'editorials/2026-06-02-few-sources/email.html'), 'utf8')).toContain(
      'The harbour talks',
    );
    expect(readFileSync(join(out, 'feeds/feed.json'), 'utf8')).not.toContain('2026-06-01-many-sources');
  });
});
