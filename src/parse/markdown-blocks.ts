import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { Block, Inline } from '../model.ts';
import { escapeHtml } from '../render/escape.ts';
import { plainInline, renderInline } from './inline.ts';
import { trimEndOf } from '../strings.ts';

// Raw HTML in an editorial shows as text; bare URLs are not turned into links; quotes are left as written.
const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false });

/** Index just past the token that closes the one opened at `start` (same nesting level). */
function closingIndex(tokens: readonly Token[], start: number): number {
  const open = tokens[start]!;
  if (open.nesting !== 1) return start + 1;
  for (let i = start + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level === open.level && t.nesting === -1) return i + 1;
  }
  return tokens.length;
}

function headingLevel(tag: string): 2 | 3 | 4 {
  const n = Number(tag.slice(1));
  return n <= 2 ? 2 : n === 3 ? 3 : 4;
}

/** Plain text of everything between two indexes: inline content rendered, code kept as is. */
function textRuns(tokens: readonly Token[]): string[] {
  const runs: string[] = [];
  for (const t of tokens) {
    if (t.type === 'inline') {
      const text = renderInline(t.children ?? []).text;
      if (text) runs.push(text);
    } else if ((t.type === 'fence' || t.type === 'code_block') && t.content.trim()) {
      runs.push(t.content.trim());
    }
  }
  return runs;
}

function listItems(tokens: readonly Token[]): Inline[] {
  const items: Inline[] = [];
  let i = 1; // skip the list's own opening token
  while (i < tokens.length - 1) {
    const t = tokens[i]!;
    if (t.type !== 'list_item_open') {
      i++;
      continue;
    }
    const end = closingIndex(tokens, i);
    const inner = tokens.slice(i + 1, end - 1);
    // The item's own paragraphs keep their inline markup; nested lists, quotes and code flatten to text.
    const parts: Inline[] = [];
    for (let k = 0; k < inner.length; k++) {
      const token = inner[k]!;
      if ((token.type === 'paragraph_open' || token.type === 'paragraph_close') && token.level === t.level + 1)
        continue;
      if (token.type === 'inline' && token.level === t.level + 2) {
        const inline = renderInline(token.children ?? []);
        if (inline.text) parts.push(inline);
      } else if (token.nesting === 1 || token.type === 'fence' || token.type === 'code_block') {
        const nestedEnd = closingIndex(inner, k);
        const text = textRuns(inner.slice(k, nestedEnd)).join('; ');
        if (text) parts.push(plainInline(text));
        k = nestedEnd - 1;
      }
    }
    if (parts.length > 0) {
      items.push({ html: parts.map((p) => p.html).join(' '), text: parts.map((p) => p.text).join(' ') });
    }
    i = end;
  }
  return items;
}

function quoteParagraphs(tokens: readonly Token[]): Inline[] {
  const paragraphs: Inline[] = [];
  for (let k = 1; k < tokens.length - 1; k++) {
    const token = tokens[k]!;
    if (token.type === 'inline') {
      const inline = renderInline(token.children ?? []);
      if (inline.text) paragraphs.push(inline);
    } else if (token.type === 'fence' || token.type === 'code_block') {
      const text = trimEndOf(token.content, '\n');
      if (text.trim()) paragraphs.push(plainInline(text));
    }
  }
  return paragraphs;
}

function tableParagraph(tokens: readonly Token[]): Inline | undefined {
  const rows: string[][] = [];
  let row: string[] = [];
  for (const t of tokens) {
    if (t.type === 'tr_open') row = [];
    else if (t.type === 'inline') row.push(renderInline(t.children ?? []).text);
    else if (t.type === 'tr_close' && row.some(Boolean)) rows.push(row);
  }
  if (rows.length === 0) return undefined;
  const lines = rows.map((r) => r.join(' | '));
  return { text: lines.join('\n'), html: lines.map(escapeHtml).join('<br>') };
}

function toBlock(tokens: readonly Token[]): Block | undefined {
  const first = tokens[0]!;
  switch (first.type) {
    case 'heading_open': {
      const inline = renderInline(tokens[1]?.children ?? []);
      return inline.text ? { kind: 'heading', level: headingLevel(first.tag), ...inline } : undefined;
    }
    case 'paragraph_open': {
      const inline = renderInline(tokens[1]?.children ?? []);
      return inline.text ? { kind: 'paragraph', ...inline } : undefined;
    }
    case 'blockquote_open': {
      const paragraphs = quoteParagraphs(tokens);
      return paragraphs.length > 0 ? { kind: 'quote', paragraphs } : undefined;
    }
    case 'bullet_list_open':
    case 'ordered_list_open': {
      const items = listItems(tokens);
      return items.length > 0 ? { kind: 'list', ordered: first.type === 'ordered_list_open', items } : undefined;
    }
    case 'fence':
    case 'code_block': {
      const text = trimEndOf(first.content, '\n');
      return text.trim() ? { kind: 'code', text } : undefined;
    }
    case 'hr':
      return undefined;
    case 'table_open': {
      const inline = tableParagraph(tokens);
      return inline ? { kind: 'paragraph', ...inline } : undefined;
    }
    default: {
      const text = textRuns(tokens).join(' ');
      return text ? { kind: 'paragraph', ...plainInline(text) } : undefined;
    }
  }
}

/** The body's top-level Markdown blocks as model blocks. */
export function markdownBlocks(source: string): Block[] {
  const tokens = markdown.parse(source, {});
  const out: Block[] = [];
  let i = 0;
  while (i < tokens.length) {
    const end = closingIndex(tokens, i);
    const block = toBlock(tokens.slice(i, end));
    if (block) out.push(block);
    i = end;
  }
  return out;
}
