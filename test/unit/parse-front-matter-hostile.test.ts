// Front matter the desk could not have meant, each within the size and line limits: a stray quote on long lines
// (the YAML parser reports an error per quote), a line of ": : : …" (a map per colon, deep enough to exhaust the
// stack), a front matter that swallowed the body. Each is rejected with the line and a reason, quickly; a hang or an
// exception escaping parseEditorial is how these fail (generous guards, no timing thresholds).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../../src/cli/build.ts';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { FRONT_MATTER_MAX_CHARS } from '../../src/parse/front-matter.ts';

const config = loadConfig();
const HANG_GUARD_MS = 20_000;
/** Just under the default line limit, so the lines reach the YAML parser. */
const LONG = config.limits.maxLineLength - 100;

const editorial = (frontMatter: string) =>
  new TextEncoder().encode(`---\n${frontMatter}\n---\n\nThe body of the editorial.\n`);
const parse = (frontMatter: string) =>
  parseEditorial('2026-06-01-front-matter.md', editorial(frontMatter), {
    publication: 'Monexus',
    defaultLang: 'en',
    limits: config.limits,
  });
const rejection = (frontMatter: string) => {
  const result = parse(frontMatter);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
};

describe('hostile front matter', () => {
  it(
    'an unclosed quote before lines of quotes names the field that opened it',
    () => {
      const lines = Array.from({ length: 3 }, () => `summary: ${'"'.repeat(LONG)}`);
      expect(rejection(`title: "The harbour talks\n${lines.join('\n')}\nprovenance: [https://t.me/x]`)).toEqual({
        file: '2026-06-01-front-matter.md',
        line: 2,
        reason: expect.stringMatching(
          /^the front matter is not valid YAML \(Missing closing "quote\): fix the field on this line/,
        ),
      });
    },
    HANG_GUARD_MS,
  );

  it.each([
    ['colons', ': '],
    ['dashes', '- '],
  ])(
    'a line of %s nested too deeply to read is rejected, not thrown',
    (_, unit) => {
      const line = unit.repeat(LONG / 2);
      expect(rejection(`${line}\n${line}`)).toEqual({
        file: '2026-06-01-front-matter.md',
        line: 1,
        reason: expect.stringMatching(
          /^the front matter is nested too deeply to be read .*"name: value" on a line of its own/,
        ),
      });
    },
    HANG_GUARD_MS,
  );

  it.each([
    ['brackets', '['],
    ['braces', '{'],
    ['question marks', '? '],
    ['anchors', '&a *a '],
  ])(
    'lines of %s are rejected with a reason',
    (_, unit) => {
      const line = unit.repeat(Math.floor(LONG / unit.length));
      const { reason } = rejection(`title: x\nsummary: ${line}\nframing: ${line}\nauthor: ${line}`);
      expect(reason).toMatch(/^the front matter /);
    },
    HANG_GUARD_MS,
  );

  it(
    'a front matter larger than any editorial needs says where the body belongs',
    () => {
      const fields = Array.from({ length: 4 }, (_, i) => `field${i}: ${'word '.repeat(LONG / 5)}`);
      const { line, reason } = rejection(`title: x\n${fields.join('\n')}`);
      expect(line).toBe(1);
      expect(reason).toContain(`more than the ${FRONT_MATTER_MAX_CHARS.toLocaleString('en-US')} it may be`);
      expect(reason).toContain('the editorial itself below the second one');
    },
    HANG_GUARD_MS,
  );

  it('a long but ordinary front matter still parses', () => {
    const sources = Array.from(
      { length: 200 },
      (_, n) => `  - url: https://example.org/wire/${n}/${'x'.repeat(100)}\n    label: Wire ${n}`,
    );
    const result = parse(
      `title: The harbour talks\nsummary: "${'A summary. '.repeat(500)}"\nprovenance:\n${sources.join('\n')}`,
    );
    expect(result.ok && result.editorial.sources.length).toBe(200);
  });

  it(
    'broadsheet build rejects each such file by name and line, and builds the others',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'broadsheet-front-matter-'));
      writeFileSync(join(dir, '2026-06-01-colons.md'), editorial(`${': '.repeat(LONG / 2)}\n${': '.repeat(LONG / 2)}`));
      writeFileSync(join(dir, '2026-06-01-quotes.md'), editorial(`title: "x\nsummary: ${'"'.repeat(LONG)}`));
      writeFileSync(
        join(dir, '2026-06-01-fine.md'),
        editorial('title: Fine\nprovenance: [https://t.me/harbour_watch]'),
      );
      const out = join(dir, 'out');
      const stderr: string[] = [];
      const report = await buildSite({
        inputs: [dir],
        out,
        config,
        stdout: () => {},
        stderr: (line) => stderr.push(line),
      });
      expect(report.built.map((b) => b.slug)).toEqual(['2026-06-01-fine']);
      expect(stderr).toEqual([
        expect.stringMatching(/2026-06-01-colons\.md: rejected: line 1: the front matter is nested too deeply/),
        expect.stringMatching(/2026-06-01-quotes\.md: rejected: line 2: the front matter is not valid YAML/),
      ]);
      const rejected = JSON.parse(readFileSync(join(out, 'rejected.json'), 'utf8')) as { line: number }[];
      expect(rejected.map((r) => r.line)).toEqual([1, 2]);
    },
    HANG_GUARD_MS,
  );
});
