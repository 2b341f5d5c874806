import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.ts';
import { compileEmailLayout, GENERATED_LAYOUT } from '../../scripts/compile-email.ts';
import { loadConfig } from '../../src/config.ts';
import { emailBlocksHtml, emailView } from '../../src/render/email/content.ts';
import { fillLayout, fillLayoutAround } from '../../src/render/email/layout-fill.ts';
import { emailLayouts } from '../../src/render/email/layout.generated.ts';
import type { EmailLayout } from '../../src/render/email/types.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

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

describe('the layout filled in parts around the placeholder', () => {
  const config = loadConfig();

  it.each(['ltr', 'rtl'] as const)('is the filled %s email, split exactly where the placeholder stands', (dir) => {
    const editorial = makeEditorial({ dir, correction: 'An earlier version misdated the letter.' });
    const blocks = emailBlocksHtml(editorial);
    const view = emailView(editorial, config, blocks, blocks.length, 'bsunsub-here');
    const parts = fillLayoutAround(emailLayouts[dir], view, 'placeholder');
    expect(parts).toHaveLength(2);
    expect(parts.join('bsunsub-here')).toBe(fillLayout(emailLayouts[dir], view));
  });

  it('splits inside a shown condition, not inside a hidden one, and once per place', () => {
    // biome-ignore lint/suspicious/noThenProperty: a layout piece names its condition and what it shows.
    const shown = { when: 'yes', then: ['<p>', { slot: 'at' }, '</p>'] };
    // biome-ignore lint/suspicious/noThenProperty: as above.
    const hidden = { when: 'no', then: [{ slot: 'at' }] };
    const layout: EmailLayout = ['<a>', { slot: 'x' }, shown, hidden, { slot: 'at' }, '</a>'];
    const view = { x: '&', yes: true, no: '', at: 'unused' };
    expect(fillLayoutAround(layout, view, 'at')).toEqual(['<a>&amp;<p>', '</p>', '</a>']);
    expect(fillLayoutAround(layout, view, 'absent')).toEqual([fillLayout(layout, view)]);
  });
});
