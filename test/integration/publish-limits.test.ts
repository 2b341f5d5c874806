// An editorial over the size or line-length limit is refused by `broadsheet build` by name, recorded like every
// rejection, while the rest is built. test/unit/publishing-limits.test.ts holds the publish function to the same limits.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { largeEditorial, longLine } from '../helpers/oversized-editorials.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('broadsheet build', () => {
  it('rejects the oversized and long-lined files by name, builds the rest, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-limits-'));
    writeFileSync(join(dir, '2026-06-01-huge.txt'), largeEditorial(50_000_000));
    writeFileSync(join(dir, '2026-06-01-long-line.txt'), longLine);
    writeFileSync(join(dir, '2026-06-01-fine.txt'), largeEditorial(10_000));
    const out = join(dir, 'out');
    const run = await promisify(execFile)(process.execPath, ['bin/broadsheet.js', 'build', dir, '--out', out], {
      cwd: ROOT,
    }).catch((err: { code: number; stderr: string }) => err);
    expect('code' in run && run.code).toBe(1);
    expect(run.stderr).toMatch(/2026-06-01-huge\.txt: rejected: the file is 50 MB, more than the 2\.0 MB/);
    expect(run.stderr).toMatch(/2026-06-01-long-line\.txt: rejected: line 4: the line is 25,000 characters long/);
    const rejected = JSON.parse(readFileSync(join(out, 'rejected.json'), 'utf8')) as {
      file: string;
      line: number | null;
    }[];
    expect(rejected.map((r) => [r.file.split('/').at(-1), r.line])).toEqual([
      ['2026-06-01-huge.txt', null],
      ['2026-06-01-long-line.txt', 4],
    ]);
    expect(readFileSync(join(out, 'editorials/2026-06-01-fine/index.html'), 'utf8')).toContain('The long editorial');
  });
});
