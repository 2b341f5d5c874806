// An editorial over the size or line-length limit is refused with the reason, recorded like every rejection,
// and kept where it was: by the publish function (without reading the object) and by `broadsheet build`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulators } from './helpers/emulators.ts';
import { config, newStage } from './publish-harness.ts';

const emulators = useEmulators();
const ROOT = join(import.meta.dirname, '..');

/** A valid plain-text editorial padded to `bytes` with ordinary paragraphs of a few hundred characters. */
function largeEditorial(bytes: number): Buffer {
  const paragraph = `${'The port authority weighed the offer once more. '.repeat(8)}\n`;
  const body = paragraph.repeat(Math.ceil(bytes / paragraph.length));
  return Buffer.from(`The long editorial\n\n${body}\nWire provenance\n- https://example.org/wire/1\n`);
}
const longLine = Buffer.from(`A long line\n\nFirst paragraph.\n${'word '.repeat(5_000)}\nWire provenance\n- https://example.org/wire/1\n`);

describe('the publish function', () => {
  it('records a rejection for an editorial larger than limits.maxEditorialBytes and leaves it in place', async () => {
    const stage = await newStage(emulators.s3);
    const name = '2026-06-01-too-large.txt';
    const bytes = largeEditorial(config.limits.maxEditorialBytes + 100_000);
    const key = await stage.upload(name, bytes);

    const outcome = await stage.publish(key);

    expect(outcome).toMatchObject({ outcome: 'rejected', line: null, reason: expect.stringContaining('limits.maxEditorialBytes') });
    const record = JSON.parse((await stage.text(stage.editorials, `rejected/${name}.json`))!) as { reason: string };
    expect(record.reason).toMatch(/^the file is 2\.1 MB, more than the 2\.0 MB an editorial may be .*split it/);
    expect((await stage.editorials.get(key))!.body.length).toBe(bytes.length);
    expect(await stage.keys(stage.site, '')).toEqual([]);
    // The store says how large the object is without handing over its body.
    const probe = await stage.editorials.get(key, { maxBytes: config.limits.maxEditorialBytes });
    expect([probe?.tooLarge, probe?.body.length]).toEqual([{ bytes: bytes.length }, 0]);
  });

  it('names the line that is longer than limits.maxLineLength', async () => {
    const stage = await newStage(emulators.s3);
    const key = await stage.upload('2026-06-01-long-line.txt', longLine);
    expect(await stage.publish(key)).toEqual({
      outcome: 'rejected',
      line: 4,
      reason: 'the line is 25,000 characters long, more than the 20,000 a line may be (limits.maxLineLength in the configuration): break it into paragraphs with empty lines between them.',
    });
  });

  it('publishes an editorial just under the size limit', async () => {
    const stage = await newStage(emulators.s3);
    const key = await stage.upload('2026-06-01-large.txt', largeEditorial(config.limits.maxEditorialBytes - 10_000));
    expect((await stage.publish(key)).outcome).toBe('published');
  });
});

describe('broadsheet build', () => {
  it('rejects the oversized and long-lined files by name, builds the rest, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-limits-'));
    writeFileSync(join(dir, '2026-06-01-huge.txt'), largeEditorial(50_000_000));
    writeFileSync(join(dir, '2026-06-01-long-line.txt'), longLine);
    writeFileSync(join(dir, '2026-06-01-fine.txt'), largeEditorial(10_000));
    const out = join(dir, 'out');
    const run = await promisify(execFile)(process.execPath, ['bin/broadsheet.js', 'build', dir, '--out', out], { cwd: ROOT }).catch((err: { code: number; stderr: string }) => err);
    expect('code' in run && run.code).toBe(1);
    expect(run.stderr).toMatch(/2026-06-01-huge\.txt: rejected: the file is 50 MB, more than the 2\.0 MB/);
    expect(run.stderr).toMatch(/2026-06-01-long-line\.txt: rejected: line 4: the line is 25,000 characters long/);
    const rejected = JSON.parse(readFileSync(join(out, 'rejected.json'), 'utf8')) as { file: string; line: number | null }[];
    expect(rejected.map((r) => [r.file.split('/').at(-1), r.line])).toEqual([['2026-06-01-huge.txt', null], ['2026-06-01-long-line.txt', 4]]);
    expect(readFileSync(join(out, 'editorials/2026-06-01-fine/index.html'), 'utf8')).toContain('The long editorial');
  });
});
