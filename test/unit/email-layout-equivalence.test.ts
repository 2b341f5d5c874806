// The compiled layout writes what mjml wrote: every fixture editorial, in every publication language the tests use,
// rendered by renderEmail (the layout compiled at build time) and by mjml at render time, byte for byte. Nothing is
// normalised: even the unsubscribe placeholder, a digest of the HTML rendered without it, comes out the same.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { renderEmail } from '../../src/render/email/index.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { renderEmailWithMjml } from '../helpers/email-mjml.ts';
import { EQUIVALENCE_CONFIGS, fixtureEditorials } from '../helpers/equivalence-inputs.ts';

/** Editorials no fixture file is: markup characters everywhere mjml writes a value, right to left, cut to fit. */
const HOSTILE = 'Tom & Jerry\'s <b>"talks"</b> `=` &amp; &#x27;';
const madeUp: Editorial[] = [
  makeEditorial({ title: HOSTILE, summary: HOSTILE, author: HOSTILE, correction: HOSTILE }),
  makeEditorial({ lang: 'he', dir: 'rtl', title: 'שיחות הנמל', correction: 'גרסה קודמת טעתה.', author: undefined }),
  makeEditorial({
    slug: '2026-06-04-long-harbour-talks',
    blocks: Array.from({ length: 600 }, (_, n) => ({
      kind: 'paragraph' as const,
      ...inline(`Paragraph ${n}: ${'The offer came with a venue. '.repeat(8)}`),
    })),
  }),
];

describe('the compiled email layout beside mjml at render time', () => {
  for (const [name, config] of EQUIVALENCE_CONFIGS) {
    it(`writes the same email for every fixture editorial (${name})`, async () => {
      const editorials = [...fixtureEditorials(config), ...madeUp];
      expect(editorials.length).toBeGreaterThan(15);
      for (const editorial of editorials) {
        const compiled = await renderEmail(editorial, config);
        const mjml = await renderEmailWithMjml(editorial, config);
        // Booleans first, so a difference names the editorial without printing two 100 KB documents.
        expect(compiled.html === mjml.html, `${editorial.file}: HTML`).toBe(true);
        expect(compiled).toEqual(mjml);
      }
    });
  }

  it('covers a cut body, a correction and both directions among the editorials it compares', async () => {
    const config = loadConfig();
    const emails = await Promise.all([...fixtureEditorials(config), ...madeUp].map((e) => renderEmail(e, config)));
    expect(emails.some((e) => e.clipped)).toBe(true);
    expect(emails.some((e) => e.html.includes('class="bs-correction"'))).toBe(true);
    expect(emails.some((e) => e.html.includes('<html lang="he" dir="rtl"'))).toBe(true);
    expect(emails.some((e) => e.html.includes('&amp;amp;'))).toBe(true);
  });
});
