import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compileEmailLayout, GENERATED_LAYOUT } from '../../scripts/compile-email.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The packages `entry` loads, following its relative imports (static, dynamic and re-exports) through the project. */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) visit(resolve(dirname(file), fileName));
      else packages.add(fileName);
    }
  };
  visit(join(ROOT, entry));
  return packages;
}

describe('the compiled email layout', () => {
  it('is what the MJML source compiles to now', async () => {
    const fresh = await compileEmailLayout();
    const committed = readFileSync(GENERATED_LAYOUT, 'utf8');
    expect(
      committed === fresh,
      'src/render/email/layout.generated.ts is stale (templates/email*.mjml.hbs, the palette or mjml changed): run `npm run build:email`',
    ).toBe(true);
  }, 60_000);

  it.each([
    'functions/publish.ts',
    'functions/confirmation-sender.ts',
    'src/cli/desk-proof.ts',
    'src/render/outputs.ts',
  ])('%s renders or sends email without loading mjml', (entry) => {
    const packages = packagesLoadedBy(entry);
    expect(packages.size, 'the walk reaches the packages').toBeGreaterThan(0);
    expect(
      [...packages].filter((name) => name === 'mjml' || name.startsWith('mjml-') || name.startsWith('mjml/')),
    ).toEqual([]);
  });
});
