import type { Block } from '../model.ts';
import { blockHtml, blockText } from './body.ts';
import { joinedCounts, textCounts, visibleTextCounts, type TextCounts } from './text-counts.ts';

export interface BodyCounts {
  /** Of `articleHtml`, as a reader sees it. */
  html: TextCounts;
  /** Of the plain-text body: the correction, the blocks' text and the footer, a blank line apart. */
  plain: TextCounts;
}

/** Each body in its three parts, as written: the correction (or ''), the blocks, the provenance footer. */
type Parts = readonly [correction: string, blocks: string, footer: string];

/**
 * ninjs's counts of a published editorial's two bodies, each paragraph counted once: a paragraph's HTML shows a
 * reader exactly its text (every character escaped, a break as a break), so both bodies count it alike. The rest is
 * counted as each body writes it: the correction, the footer, and the blocks whose text is laid out otherwise (a
 * heading underlined, a list with its bullets).
 */
export function articleCounts(blocks: readonly Block[], parts: { html: Parts; plain: Parts }): BodyCounts {
  const counted = blocksCounts(blocks);
  return {
    html: joinedCounts([visibleTextCounts(parts.html[0]), counted.html, visibleTextCounts(parts.html[2])]),
    plain: joinedCounts([textCounts(parts.plain[0]), counted.plain, textCounts(parts.plain[2])]),
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
