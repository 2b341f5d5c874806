import type { Messages } from '../i18n/index.ts';
import type { Block, Editorial } from '../model.ts';
import { articleHtmlParts } from './article.ts';
import { blockHtml, blockText } from './body.ts';
import { joinedCounts, textCounts, visibleTextCounts, type TextCounts } from './text-counts.ts';

export interface BodyCounts {
  /** Of `articleHtml`, as a reader sees it. */
  html: TextCounts;
  /** Of the plain-text body: the correction, the blocks' text and the footer, a blank line apart. */
  plain: TextCounts;
}

/**
 * ninjs's counts of a published editorial's two bodies, each paragraph counted once: a paragraph's HTML shows a
 * reader exactly its text (every character escaped, a break as a break), so both bodies count it alike. The rest is
 * counted as each body writes it: the correction, the footer, and the blocks whose text is laid out otherwise (a
 * heading underlined, a list with its bullets).
 */
export function articleCounts(
  editorial: Editorial,
  m: Messages,
  plain: { correction: string; footer: string },
): BodyCounts {
  const [correctionHtml, , footerHtml] = articleHtmlParts(editorial, m);
  const blocks = blocksCounts(editorial.blocks);
  return {
    html: joinedCounts([visibleTextCounts(correctionHtml), blocks.html, visibleTextCounts(footerHtml)]),
    plain: joinedCounts([textCounts(plain.correction), blocks.plain, textCounts(plain.footer)]),
  };
}

function blocksCounts(blocks: readonly Block[]): BodyCounts {
  const html: TextCounts[] = [];
  const plain: TextCounts[] = [];
  for (const block of blocks) {
    if (block.kind === 'paragraph') {
      const counts = textCounts(block.text);
      html.push(counts);
      plain.push(counts);
    } else {
      html.push(visibleTextCounts(blockHtml(block)));
      plain.push(textCounts(blockText(block)));
    }
  }
  return { html: joinedCounts(html), plain: joinedCounts(plain) };
}
