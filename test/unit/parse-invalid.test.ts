import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, parseBytes, refuse } from '../helpers/parse-helpers.ts';

/** Every bad input the format names, one fixture each: the reason a desk editor reads, and the line to look at. */
const CASES: Record<string, { line: number | null; reason: RegExp }> = {
  '2026-06-10-empty.txt': { line: null, reason: /^the file is empty \(0 bytes\)/ },
  '2026-06-10-whitespace-only.txt': { line: null, reason: /^the file contains only whitespace/ },
  '2026-06-10-invalid-utf8.txt': {
    line: 3,
    reason: /^the file is not valid UTF-8 text .*save it again with the UTF-8 encoding/,
  },
  '2026-06-10-utf16.txt': { line: null, reason: /saved as UTF-16, not UTF-8/ },
  '2026-06-10-binary.txt': { line: null, reason: /^the file is binary/ },
  '2026-06-10-missing-title.txt': { line: 3, reason: /^the title is missing: the file starts with "Wire provenance"/ },
  '2026-06-10-empty-body.txt': {
    line: 3,
    reason: /^the body is empty: there is no paragraph between the title \(line 1\) and "Wire provenance" \(line 3\)/,
  },
  '2026-06-10-no-provenance-heading.txt': {
    line: 4,
    reason: /^the "Wire provenance" section is missing: end the editorial with a line "Wire provenance"/,
  },
  '2026-06-10-provenance-no-sources.txt': { line: 4, reason: /^the "Wire provenance" section lists no sources/ },
  '2026-06-10-source-ftp.txt': {
    line: 5,
    reason:
      /^the source "ftp:\/\/files\.example\.org\/port-report\.pdf" uses ftp:, so it is not a web address; every source must be an absolute http:\/\/ or https:\/\/ address/,
  },
  '2026-06-10-source-relative.txt': {
    line: 4,
    reason: /^the source "\/news\/harbour-talks" is not an absolute web address/,
  },
  '2026-06-10-source-javascript.txt': {
    line: 5,
    reason: /^the source "javascript:alert\(document\.cookie\)" uses javascript:/,
  },
  '2026-06-10-text-after-sources.txt': {
    line: 5,
    reason: /^unexpected text after the sources \("A stray closing paragraph after the sources\."\)/,
  },
  '2026-06-10-bad-yaml.md': { line: 3, reason: /^the front matter is not valid YAML \(Flow sequence/ },
  '2026-06-10-title-line-break.md': { line: 2, reason: /^the front matter field "title" must be one line/ },
  '2026-06-10-bad-status.md': {
    line: 3,
    reason: /^the front matter field "status" is "draft": it must be "published" or "withdrawn"/,
  },
  '2026-06-10-bad-lang.md': {
    line: 4,
    reason: /^the front matter field "lang" \("en_GB"\) is not a language tag: use a BCP 47 tag/,
  },
  '2026-06-10-bad-date.md': {
    line: 3,
    reason: /^the front matter field "published" is not a valid date \("2026-13-45"\): use YYYY-MM-DD/,
  },
  '2026-06-10-bad-slug.md': {
    line: 3,
    reason: /^the front matter field "slug" \("\.\.\/Harbour Talks"\) is not a safe URL path segment/,
  },
  '2026-06-10-updated-before-published.md': {
    line: 4,
    reason: /^the front matter field "updated" \(2026-06-10T08:00:00\.000Z\) is earlier than the publication date/,
  },
  '2026-06-10-missing-title.md': { line: 1, reason: /^the front matter has no "title"/ },
  '2026-06-10-no-front-matter.md': {
    line: 1,
    reason: /^the front matter is missing: a Markdown \(\.md\) editorial starts with a line "---"/,
  },
  '2026-06-10-md-no-provenance.md': { line: 1, reason: /^the front matter has no "provenance"/ },
  '2026-06-10-md-bad-source.md': { line: 5, reason: /^the source "mailto:desk@example\.org" uses mailto:/ },
  '2026-06-10-md-empty-body.md': { line: 5, reason: /^the body is empty: write the editorial below the closing "---"/ },
  '2026-06-10-label-line-break.md': { line: 5, reason: /^the "label" of a provenance source must be one line/ },
};

describe('bad input is rejected with the file, the line and a reason', () => {
  it('every fixture has an expectation and every expectation a fixture', () => {
    expect(readdirSync(join(FIXTURES, 'invalid')).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s', (file, expected) => {
    const bytes = readFileSync(join(FIXTURES, 'invalid', file));
    const before = Buffer.from(bytes);
    const result = parseBytes(file, bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.file).toBe(file);
    expect(result.rejection.reason).toMatch(expected.reason);
    expect(result.rejection.line).toBe(expected.line);
    // One line the desk can read in a log or a mail, and the input left exactly as it was.
    expect(result.rejection.reason).not.toMatch(/[\r\n]/);
    expect(Buffer.compare(before, Buffer.from(bytes))).toBe(0);
  });
});

describe('more rules of the Markdown form', () => {
  const fm = (fields: string, body = 'The body of the editorial.') =>
    `---\ntitle: Harbour talks\n${fields}\nprovenance:\n  - https://t.me/harbour_watch\n---\n${body}\n`;

  it.each([
    ['slug: "Harbour-Talks"', 2, /"slug" \("Harbour-Talks"\) is not a safe URL path segment/],
    [`slug: ${'a'.repeat(201)}`, 2, /is 201 characters long \(at most 200\)/],
    ['slug: a..b', 2, /not a safe URL path segment/],
    ['summary: |\n  first line\n  second line', 2, /field "summary" must be one line/],
    ['author: "Desk\\nTwo"', 2, /field "author" must be one line/],
    ['lang: "en\\nfr"', 2, /field "lang" must be one line/],
    ['status: "pub\\nlished"', 2, /field "status" must be one line/],
    ['published: "2026-06-01\\nT00:00"', 2, /field "published" must be one line/],
    ['updated: 2026-02-30', 2, /field "updated" is not a valid date \("2026-02-30"\)/],
    ['embargo: tomorrow', 2, /field "embargo" is not a valid date \("tomorrow"\)/],
    ['lang: "english language"', 2, /"lang" \("english language"\) is not a language tag/],
    ['topics:\n  nested: map', 2, /"topics" must be a list/],
    ['title: again', 2, /Map keys must be unique/],
    ['x: !!js/function "() => 1"', 2, /not valid YAML \(Unresolved tag/],
    ['summary: "unclosed\nauthor: desk', 2, /not valid YAML/],
  ])('%s', (fields, line, reason) => {
    const rejection = refuse('2026-06-01-a.md', fm(fields));
    expect(rejection.reason).toMatch(reason);
    expect(rejection.line).toBe(line + 1);
  });

  it('provenance given both ways, empty provenance list, and a source without url', () => {
    const both = refuse('2026-06-01-a.md', fm('', 'Body.\n\nWire provenance\n- https://t.me/b'));
    expect(both.reason).toMatch(/sources are given twice/);
    expect(both.line).toBe(9);
    const empty = refuse('2026-06-01-a.md', '---\ntitle: T\nprovenance: []\n---\nBody.\n');
    expect([empty.line, empty.reason]).toEqual([3, expect.stringMatching(/"provenance" lists no sources/)]);
    const noUrl = refuse('2026-06-01-a.md', '---\ntitle: T\nprovenance:\n  - label: Only a label\n---\nBody.\n');
    expect([noUrl.line, noUrl.reason]).toEqual([4, expect.stringMatching(/has no "url:"/)]);
    const unclosed = refuse('2026-06-01-a.md', '---\ntitle: T\nprovenance:\n  - https://t.me/a\nBody.\n');
    expect([unclosed.line, unclosed.reason]).toEqual([1, expect.stringMatching(/front matter is not closed/)]);
  });

  it('a plain-text body section after the sources, or a non-source after the intro, names its line', () => {
    const r = refuse(
      '2026-06-01-a.txt',
      'Title\nBody.\nWire provenance\nIntro sentence.\nA second intro sentence.\n- https://t.me/a',
    );
    expect([r.line, r.reason]).toEqual([
      5,
      expect.stringMatching(/^unexpected text after the provenance intro sentence/),
    ]);
  });

  it('a plain-text file that starts with front matter is pointed at the .md extension', () => {
    const r = refuse('2026-06-01-a.txt', fm(''));
    expect([r.line, r.reason]).toEqual([1, expect.stringMatching(/name the file with the \.md extension/)]);
  });

  it('a first line that is a whole paragraph is not taken as the title', () => {
    const r = refuse('2026-06-01-a.txt', `${'word '.repeat(100)}\nBody.\nWire provenance\n- https://t.me/a`);
    expect([r.line, r.reason]).toEqual([1, expect.stringMatching(/reads as a paragraph, not a title/)]);
  });

  it('a file name with no usable slug', () => {
    const r = refuse('مقال.txt', 'Title\nBody.\nWire provenance\n- https://t.me/a', { date: new Date() });
    expect(r.reason).toMatch(/gives no usable identifier \(slug\): rename the file/);
  });
});
