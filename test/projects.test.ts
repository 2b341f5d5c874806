import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER, INTEGRATION, matches, STARTS_SOMETHING } from './projects.ts';

const ROOT = resolve(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

const files = testFiles(join(ROOT, 'test'));
const startsSomething = (file: string) => STARTS_SOMETHING.some((pattern) => pattern.test(readFileSync(join(ROOT, file), 'utf8')));

describe('the vitest projects', () => {
  it('put every test file that starts emulators, a process or a synthesis in integration (or browser), and no other', () => {
    const misplaced = files
      .filter((file) => !matches(file, BROWSER))
      .filter((file) => startsSomething(file) !== matches(file, INTEGRATION))
      .map((file) => `${file}: ${startsSomething(file) ? 'starts something, add it to INTEGRATION' : 'starts nothing, take it out of INTEGRATION'} in test/projects.ts`);
    expect(misplaced).toEqual([]);
  });

  it('name only files that exist', () => {
    expect([...BROWSER, ...INTEGRATION].filter((pattern) => !files.some((file) => matches(file, [pattern])))).toEqual([]);
  });

  it('match the paths they are meant to, and no other', () => {
    expect(matches('test/local/e2e.browser.test.ts', BROWSER)).toBe(true);
    expect(matches('test/page.browser.test.ts', BROWSER)).toBe(true);
    expect(matches('test/page.test.ts', BROWSER)).toBe(false);
    expect(matches('test/publish-limits.test.ts', INTEGRATION)).toBe(true);
    expect(matches('test/publishing.test.ts', INTEGRATION)).toBe(false);
    expect(matches('test/local/deeper/x.test.ts', INTEGRATION)).toBe(false);
  });
});
