import type { Block, Inline } from '../model.ts';
import { escapeHtml } from './escape.ts';
import { styleAttributes } from './style-attributes.ts';
import { dropBidiControls } from '../strings.ts';
import { lastAnswer } from '../remembered.ts';

/** Inline styles per element, for email clients that ignore style sheets; pages and feeds pass none. */
export interface BodyStyles {
  h2?: string;
  h3?: string;
  h4?: string;
  p?: string;
  blockquote?: string;
  ul?: string;
  ol?: string;
  li?: string;
  pre?: string;
}

function open(tag: keyof BodyStyles, styles: BodyStyles): string {
  return `<${tag}${styleAttributes(styles)[tag] ?? ''}>`;
}

export function blockHtml(block: Block, styles: BodyStyles = {}): string {
  switch (block.kind) {
    case 'heading': {
      const tag = `h${block.level}` as 'h2' | 'h3' | 'h4';
      return `${open(tag, styles)}${block.html}</${tag}>`;
    }
    case 'paragraph':
      return `${open('p', styles)}${block.html}</p>`;
    case 'quote':
      return `${open('blockquote', styles)}${block.paragraphs.map((p) => `${open('p', styles)}${p.html}</p>`).join('')}</blockquote>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `${open(tag, styles)}${block.items.map((i) => `${open('li', styles)}${i.html}</li>`).join('')}</${tag}>`;
    }
    case 'code':
      return `${open('pre', styles)}<code>${escapeHtml(block.text)}</code></pre>`;
  }
}

/** The body written without styles, kept: one render writes it for the page and again for ninjs. */
const unstyledHtml = lastAnswer((blocks: readonly Block[]) => blocks.map((b) => blockHtml(b)).join('\n'));

export function blocksHtml(blocks: readonly Block[], styles?: BodyStyles): string {
  return styles ? blocks.map((b) => blockHtml(b, styles)).join('\n') : unstyledHtml(blocks);
}

export function blockText(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${block.text}\n${(block.level === 2 ? '=' : '-').repeat(Math.min(Math.max(block.text.length, 3), 72))}`;
    case 'paragraph':
      return block.text;
    case 'quote':
      return block.paragraphs.map((p) => `> ${p.text}`).join('\n>\n');
    case 'list':
      return block.items.map((i: Inline, n) => `${block.ordered ? `${n + 1}.` : '-'} ${i.text}`).join('\n');
    case 'code':
      return block.text
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
  }
}

/** The body written as text, kept: one render writes it for the email and again for ninjs. */
export const blocksText = lastAnswer((blocks: readonly Block[]): string => blocks.map(blockText).join('\n\n'));

/** The text up to its last run of whitespace (a word cut in half is dropped); all of it when it has none. */
function cutAtLastSpace(text: string): string {
  let end = text.length;
  while (end > 0 && !/\s/u.test(text[end - 1]!)) end--;
  if (end === 0) return text;
  while (end > 0 && /\s/u.test(text[end - 1]!)) end--;
  return text.slice(0, end);
}

const LEAD_MAX = 150;
/** The lead of the usual length, kept: one render asks for it several times (email preheader, page, ninjs). */
const usualLead = lastAnswer((blocks: readonly Block[]) => leadOfBlocks(blocks, LEAD_MAX));

/** The first sentences of the body, up to about `max` characters: the preheader when there is no summary. */
export function leadText(blocks: readonly Block[], max = LEAD_MAX): string {
  return max === LEAD_MAX ? usualLead(blocks) : leadOfBlocks(blocks, max);
}

function leadOfBlocks(blocks: readonly Block[], max: number): string {
  const first = blocks.find((b) => b.kind === 'paragraph');
  return first?.kind === 'paragraph' ? leadOf(first.text, max) : '';
}

function leadOf(paragraph: string, max: number): string {
  // The lead stands in for a summary (feeds, ninjs, the page's description), a one-line field: no direction
  // controls, which the body may carry and which a cut could leave unclosed.
  const text = dropBidiControls(paragraph);
  // Sentence by sentence, only as far as the lead goes: a long first paragraph is not split to its end.
  const sentence = /[^.!?…]+[.!?…]+["'”’»)]*\s*|[^.!?…]+$/gu;
  let out = '';
  let found = false;
  for (let match = sentence.exec(text); match; match = sentence.exec(text)) {
    found = true;
    if (out && (out + match[0]).length > max) break;
    out += match[0];
  }
  if (!found) out = text;
  if (out.length > max) out = `${cutAtLastSpace(out.slice(0, max - 1))}…`;
  return out.trim();
}
