// Hostile lines of 100,000 characters through every place a regular expression meets outside text: a pattern
// that backtracks super-linearly would take minutes to hours here, so these tests fail by hanging (each has a
// generous guard) rather than by a threshold. test/unit/regex-audit.test.ts checks every pattern's automaton as well.
import { describe, expect, it } from 'vitest';
import { isEmailAddress, loadConfig } from '../../src/config.ts';
import { contentSecurityPolicy } from '../../src/http/response.ts';
import { maskAddresses } from '../../src/log.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { isHeadingLike } from '../../src/parse/text.ts';
import { leadText } from '../../src/render/body.ts';
import { headerText, messageIdValue } from '../../src/render/email/headers.ts';
import { checkUnsubscribeUrl } from '../../src/render/email/personalize.ts';
import { htmlToText } from '../../src/render/escape.ts';
import { renderEditorialOutputs } from '../../src/render/outputs.ts';

const config = loadConfig();
const N = 100_000;
/** Runs of one character: the usual ways to make a pattern try every split of a long line. */
const RUNS: Record<string, string> = {
  spaces: ' ',
  tabs: '\t',
  'no-break spaces': '\u00a0',
  hashes: '#',
  colons: ':',
  stars: '*',
  brackets: '[',
  underscores: '_',
  'at signs': '@',
  dots: '.',
  slashes: '/',
  'less-than signs': '<',
  quotes: '"',
  dashes: '-',
  newlines: '\n',
};
const HANG_GUARD_MS = 30_000;
/** Limits raised far above the defaults, so the long lines reach the patterns instead of the size check. */
const UNLIMITED = { maxEditorialBytes: 50_000_000, maxLineLength: 10_000_000 };

const markdown = (body: string) =>
  new TextEncoder().encode(
    `---\ntitle: Hostile\npublished: 2026-06-01\n---\n\nA first paragraph.\n\n${body}\n\nWire provenance\n- https://example.org/a\n`,
  );
const plainText = (body: string) =>
  new TextEncoder().encode(`Hostile title\n\nA paragraph.\n${body}\nWire provenance\n- https://example.org/a\n`);
const parse = (file: string, bytes: Uint8Array) =>
  parseEditorial(file, bytes, { publication: 'Monexus', defaultLang: 'en', limits: UNLIMITED });

describe.each(Object.entries(RUNS))('a line of 100,000 %s', (_, c) => {
  const run = c.repeat(N);

  it(
    'parses or is rejected with a reason, in either form, and renders',
    async () => {
      for (const [file, bytes] of [
        ['2026-06-01-hostile.md', markdown(`Wire provenance${run}x\n\n${run}y\n\n**Wire provenance**${run}`)],
        ['2026-06-01-hostile.md', markdown(`- ${run}\n\n> ${run}x\n\n# ${run}`)],
        ['2026-06-01-hostile.txt', plainText(`${run}x\nWire provenance${run}x`)],
        ['2026-06-01-hostile.txt', plainText(`${run}\n- https://example.org/b ${run}x`)],
      ] as const) {
        const result = parse(file, bytes);
        if (result.ok) {
          const outputs = await renderEditorialOutputs(result.editorial, config);
          expect(outputs.files.find((f) => f.name === 'index.html')?.body).toContain('</html>');
        } else {
          expect(result.rejection.reason.length).toBeGreaterThan(10);
        }
      }
    },
    HANG_GUARD_MS,
  );

  it(
    'passes the header, address, URL, log, markup and heading checks',
    () => {
      expect(headerText(`a${run}b`).length).toBeGreaterThan(0);
      // A msg-id is printable ASCII around an @, with no space and no angle bracket.
      const usable = /^[\x21-\x7e]$/.test(c) && !'<>'.includes(c);
      expect(
        (() => {
          try {
            return messageIdValue(`a${run}@x`);
          } catch {
            return 'refused';
          }
        })(),
      ).toBe(usable ? `<a${run}@x>` : 'refused');
      // Only a run of dots makes a domain with a dot in it.
      expect(isEmailAddress(`a@${run}x`)).toBe(c === '.');
      expect(() => checkUnsubscribeUrl(`https://${run} x`)).toThrow();
      expect(typeof maskAddresses(`${run}x ${run}@${run}`)).toBe('string');
      expect(htmlToText(`${run}x`)).toContain('x');
      expect(contentSecurityPolicy(`${'<style>'.repeat(N / 10)}${run}`)).toContain("default-src 'none'");
      expect(typeof isHeadingLike(`${run}.`)).toBe('boolean');
      expect(leadText([{ kind: 'paragraph', text: `${run}x`, html: `${run}x` }] as never).length).toBeLessThanOrEqual(
        150,
      );
    },
    HANG_GUARD_MS,
  );
});

describe('the provenance heading of a Markdown body', () => {
  it(
    'is still found with a colon, closing hashes, bold or trailing spaces, and a near miss is body text',
    () => {
      for (const heading of [
        '## Wire provenance',
        '**Wire provenance**',
        'Wire provenance:',
        '## Wire provenance ##',
        'Wire provenance   ',
        '### Wire provenance: #',
      ]) {
        const result = parse(
          '2026-06-01-heading.md',
          new TextEncoder().encode(
            `---\ntitle: T\npublished: 2026-06-01\n---\n\nBody.\n\n${heading}\n- https://example.org/a\n`,
          ),
        );
        expect(result.ok && result.editorial.sources.map((s) => s.url), heading).toEqual(['https://example.org/a']);
      }
      const nearMiss = parse('2026-06-01-heading.md', markdown(`Wire provenance${' '.repeat(N)}x`));
      expect(nearMiss.ok && nearMiss.editorial.sources.map((s) => s.url)).toEqual(['https://example.org/a']);
    },
    HANG_GUARD_MS,
  );
});
