import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.ts';
import { compileEmailLayout, GENERATED_LAYOUT } from '../../scripts/compile-email.ts';

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
    const packages = importGraph(entry).packages;
    expect(packages.size, 'the walk reaches the packages').toBeGreaterThan(0);
    expect(
      [...packages].filter((name) => name === 'mjml' || name.startsWith('mjml-') || name.startsWith('mjml/')),
    ).toEqual([]);
  });
});
