import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTS_SOMETHING } from '../helpers/starts-something.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(ROOT, path)];
  });
}

const testFiles = filesUnder(join(ROOT, 'test')).filter((file) => file.endsWith('.test.ts'));
const startsSomething = (file: string) =>
  STARTS_SOMETHING.some((pattern) => pattern.test(readFileSync(join(ROOT, file), 'utf8')));
const folder = (file: string) => file.split('/')[1];

describe('the vitest projects (one folder each: vitest.config.ts)', () => {
  it('keep every test file in test/unit, test/integration or test/browser', () => {
    expect(testFiles.filter((file) => !['unit', 'integration', 'browser'].includes(folder(file)!))).toEqual([]);
  });

  it('start nothing in test/unit, and something in test/integration', () => {
    const misplaced = testFiles
      .filter((file) => folder(file) !== 'browser')
      .filter((file) => startsSomething(file) !== (folder(file) === 'integration'))
      .map(
        (file) =>
          `${file}: ${startsSomething(file) ? 'starts something: move it to test/integration' : 'starts nothing: move it to test/unit'}`,
      );
    expect(misplaced).toEqual([]);
  });

  it('read a helper only from test/helpers, never from another test file', () => {
    const importsATest = testFiles.filter((file) =>
      /from '[^']*\.test\.ts'/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(importsATest).toEqual([]);
  });
});
