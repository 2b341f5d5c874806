import type { Editorial } from '../model.ts';
import { blocksHtml } from './body.ts';
import { escapeHtml } from './escape.ts';
import { provenanceFooterHtml } from './footer.ts';

export function correctionHtml(editorial: Editorial): string {
  return editorial.correction
    ? `<aside class="correction" role="note"><strong>Correction:</strong> ${escapeHtml(editorial.correction)}</aside>`
    : '';
}

/** The full content of an editorial as HTML (correction, body, provenance footer): pages, feeds, partners. */
export function articleHtml(editorial: Editorial): string {
  return [correctionHtml(editorial), blocksHtml(editorial.blocks), provenanceFooterHtml(editorial)].filter(Boolean).join('\n');
}
