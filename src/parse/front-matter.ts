import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Source } from '../model.ts';
import { DATE_FORMAT_HINT, parseDateText } from './dates.ts';
import { reject } from './rejection.ts';
import { makeSource } from './sources.ts';
import { collapseWhitespace, hasLineBreak } from './text.ts';

export interface FrontMatterBlock {
  /** 1-based file lines of the opening and closing "---". */
  openLine: number;
  closeLine: number;
  yaml: string;
}

/**
 * The fields of an editorial take a few kilobytes (the samples' take under one). The YAML parser reports one error
 * per stray quote or bracket, so a long malformed front matter costs seconds and hundreds of megabytes per 100 KB:
 * above this size it is refused before it is parsed.
 */
export const FRONT_MATTER_MAX_CHARS = 64_000;

const FORM_HINT =
  'a Markdown (.md) editorial starts with a line "---", then fields such as "title: ..." and "provenance:", then a line "---", then the body';

/** Locates the front matter: a "---" line at the very top (blank lines before it are tolerated) and its closing line. */
export function findFrontMatter(lines: readonly string[]): FrontMatterBlock {
  const open = lines.findIndex((l) => l.trim() !== '');
  if (open < 0 || lines[open]!.trimEnd() !== '---') {
    reject(`the front matter is missing: ${FORM_HINT}.`, open < 0 ? null : open + 1);
  }
  let close = -1;
  for (let i = open + 1; i < lines.length; i++) {
    const l = lines[i]!.trimEnd();
    if (l === '---' || l === '...') {
      close = i;
      break;
    }
  }
  if (close < 0)
    reject(`the front matter is not closed: add a line "---" after its last field; ${FORM_HINT}.`, open + 1);
  const yaml = lines
    .slice(open + 1, close)
    .map((l) => l.trimEnd())
    .join('\n');
  if (yaml.length > FRONT_MATTER_MAX_CHARS) {
    reject(
      `the front matter is ${yaml.length.toLocaleString('en-US')} characters long, more than the ${FRONT_MATTER_MAX_CHARS.toLocaleString('en-US')} it may be: only the fields go between the two "---" lines, the editorial itself below the second one (a forgotten closing "---" makes the body part of the front matter).`,
      open + 1,
    );
  }
  return { openLine: open + 1, closeLine: close + 1, yaml };
}

const CLOSERS: Record<string, string> = { '"': '"', "'": "'", '[': ']', '{': '}' };

/**
 * YAML notices an unclosed quote or bracket only on a later line; the field to fix is the one that opened it:
 * the last "name: value" line, at or before the reported one, whose value opens a quote or bracket it does not close.
 */
function openedAt(yaml: string, reportedLine: number, code: string): number {
  if (code !== 'MISSING_CHAR' && code !== 'BAD_INDENT') return reportedLine;
  const lines = yaml.split('\n');
  for (let i = Math.min(reportedLine, lines.length) - 1; i >= 0; i--) {
    const m = /^[^\s#][^:]*:\s+(["'[{])(.*)$/.exec(lines[i]!);
    if (m && !m[2]!.trimEnd().endsWith(CLOSERS[m[1]!]!)) return i + 1;
  }
  return reportedLine;
}

/**
 * The parsed document. The parser reports bad YAML as errors, except nesting deep enough to exhaust the stack
 * (a line of ": : : …" opens a map per colon), which it throws: that is the desk's text too, so it is a rejection.
 */
function readYaml(block: FrontMatterBlock, lineCounter: LineCounter) {
  try {
    // The failsafe schema knows only maps, lists and strings: no custom tags, no implicit types.
    return parseDocument(block.yaml, {
      schema: 'failsafe',
      lineCounter,
      // Only the first problem is reported: prettyErrors would format every one of them (one per stray quote).
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
      merge: false,
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return reject(
      'the front matter is nested too deeply to be read (a line of many ":" or "-" opens a level for each): write each field as "name: value" on a line of its own.',
      block.openLine,
    );
  }
}

interface Field {
  value: unknown;
  node: Node | null;
  line: number;
}

/** Front matter fields read with line numbers, every value kept as the text the desk wrote (no type guessing). */
export class FrontMatter {
  private readonly fields = new Map<string, Field>();

  constructor(
    private readonly block: FrontMatterBlock,
    private readonly lineCounter: LineCounter,
  ) {}

  static parse(block: FrontMatterBlock): FrontMatter {
    const lineCounter = new LineCounter();
    const doc = readYaml(block, lineCounter);
    const fm = new FrontMatter(block, lineCounter);
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
      const yamlLine =
        problem.pos[0] >= 0 ? openedAt(block.yaml, lineCounter.linePos(problem.pos[0]).line, problem.code) : 0;
      const line = block.openLine + yamlLine;
      const message = collapseWhitespace(problem.message);
      reject(
        `the front matter is not valid YAML (${message}): fix the field on this line; text with a colon or a quote is safest in double quotes.`,
        line,
      );
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === '')) return fm;
    if (!isMap(contents)) {
      reject('the front matter must be a list of fields, one "name: value" per line.', fm.lineOf(contents));
    }
    let js: unknown;
    try {
      js = doc.toJS({ mapAsMap: true, maxAliasCount: 50 });
    } catch (e) {
      reject(
        `the front matter could not be read (${collapseWhitespace(e instanceof Error ? e.message : String(e))}): write each field out in full, without YAML aliases.`,
        block.openLine,
      );
    }
    const values = js as Map<unknown, unknown>;
    for (const pair of contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined)
        reject('every front matter field needs a plain name, e.g. "title:".', fm.lineOf(pair.key as Node | null));
      const node = (pair.value ?? null) as Node | null;
      fm.fields.set(key, { value: values.get(key), node, line: fm.lineOf(pair.key as Node) });
    }
    return fm;
  }

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    if (offset === undefined) return this.block.openLine;
    return this.block.openLine + this.lineCounter.linePos(offset).line;
  }

  private lineOfKey(node: Node | undefined, key: string): number | undefined {
    if (!isMap(node)) return undefined;
    const value = node.get(key, true);
    return value ? this.lineOf(value as Node) : undefined;
  }

  has(name: string): boolean {
    const value = this.fields.get(name)?.value;
    return value !== undefined && value !== null && value !== '';
  }

  line(name: string): number | null {
    return this.fields.get(name)?.line ?? null;
  }

  /** Text that fits on one line: title, slug, author, lang, summary, status. */
  oneLine(name: string): string | undefined {
    const field = this.fields.get(name);
    if (!field || !this.has(name)) return undefined;
    if (typeof field.value !== 'string')
      reject(`the front matter field "${name}" must be text on one line, not a list or a set of fields.`, field.line);
    if (hasLineBreak(field.value.trim())) {
      reject(`the front matter field "${name}" must be one line: remove the line break from its value.`, field.line);
    }
    return collapseWhitespace(field.value) || undefined;
  }

  /** Running text that may be written over several lines (framing, correction): one paragraph. */
  paragraph(name: string): string | undefined {
    const field = this.fields.get(name);
    if (!field || !this.has(name)) return undefined;
    if (typeof field.value !== 'string')
      reject(`the front matter field "${name}" must be text, not a list or a set of fields.`, field.line);
    return collapseWhitespace(field.value) || undefined;
  }

  date(name: string): Date | undefined {
    const text = this.oneLine(name);
    if (text === undefined) return undefined;
    const date = parseDateText(text);
    if (!date)
      reject(`the front matter field "${name}" is not a valid date ("${text}"): ${DATE_FORMAT_HINT}.`, this.line(name));
    return date;
  }

  /** `email: { sendAt: <date> }`: when the email goes out, apart from when the page and feeds do. */
  emailSendAt(): Date | undefined {
    const field = this.fields.get('email');
    if (!field || !this.has('email')) return undefined;
    if (!(field.value instanceof Map))
      reject(
        'the front matter field "email" must be a set of fields, e.g. email: { sendAt: 2026-07-14T06:00:00Z }.',
        field.line,
      );
    const values = field.value as Map<unknown, unknown>;
    for (const key of values.keys()) {
      if (key !== 'sendAt')
        reject(
          `the front matter field "email" has no field "${String(key)}": the one it takes is sendAt (when the email goes out).`,
          this.lineOfKey(field.node ?? undefined, String(key)) ?? field.line,
        );
    }
    const raw = values.get('sendAt');
    if (raw === undefined || raw === null || raw === '') return undefined;
    const line = this.lineOfKey(field.node ?? undefined, 'sendAt') ?? field.line;
    if (typeof raw !== 'string' || hasLineBreak(raw.trim()))
      reject('the front matter field "email.sendAt" must be a date on one line.', line);
    const date = parseDateText(collapseWhitespace(raw));
    if (!date)
      reject(
        `the front matter field "email.sendAt" is not a valid date ("${collapseWhitespace(raw)}"): ${DATE_FORMAT_HINT}.`,
        line,
      );
    return date;
  }

  /** A list of topics, or a single string (comma-separated topics allowed). */
  topics(): string[] {
    const field = this.fields.get('topics');
    if (!field || !this.has('topics')) return [];
    const raw = typeof field.value === 'string' ? field.value.split(',') : field.value;
    if (!Array.isArray(raw))
      reject('the front matter field "topics" must be a list of words, e.g. topics: [diplomacy, energy].', field.line);
    const topics: string[] = [];
    raw.forEach((item: unknown, i) => {
      const itemNode = isSeq(field.node) ? (field.node.items[i] as Node | undefined) : undefined;
      const line = itemNode ? this.lineOf(itemNode) : field.line;
      if (typeof item !== 'string')
        reject('every topic must be a word or a short phrase, not a list or a set of fields.', line);
      if (hasLineBreak(item.trim())) reject('every topic must be one line: remove the line break.', line);
      const topic = collapseWhitespace(item);
      if (topic && !topics.includes(topic)) topics.push(topic);
    });
    return topics;
  }

  /** Sources: a list of `{url, label?}` or of plain URL strings ("URL label" also works). */
  provenance(): Source[] | undefined {
    const field = this.fields.get('provenance');
    if (!field || !this.has('provenance')) return undefined;
    const fix = 'write it as a list, one "- url: https://…" (with an optional "label: …") per source';
    const items: unknown[] = typeof field.value === 'string' ? [field.value] : (field.value as unknown[]);
    if (!Array.isArray(items))
      reject(`the front matter field "provenance" must be a list of sources: ${fix}.`, field.line);
    if (items.length === 0) reject(`the front matter field "provenance" lists no sources: ${fix}.`, field.line);
    const nodes = isSeq(field.node) ? field.node.items : [];
    return items.map((item, i) => {
      const node = nodes[i] as Node | undefined;
      const line = node ? this.lineOf(node) : field.line;
      if (typeof item === 'string') {
        const [url = '', ...label] = item.trim().split(/\s+/u);
        if (hasLineBreak(item.trim())) reject('a provenance source must be one line: "URL" or "URL label".', line);
        return makeSource(url, label.length ? label.join(' ') : undefined, line);
      }
      if (!(item instanceof Map))
        reject(`a provenance source must be a URL or "url:" with an optional "label:": ${fix}.`, line);
      const url = item.get('url');
      const label = item.get('label');
      if (typeof url !== 'string' || url.trim() === '') reject(`a provenance source has no "url:": ${fix}.`, line);
      const urlLine = this.lineOfKey(node, 'url') ?? line;
      const labelLine = this.lineOfKey(node, 'label') ?? line;
      if (hasLineBreak(url.trim())) reject('the "url" of a provenance source must be one line.', urlLine);
      if (label !== undefined && label !== null && typeof label !== 'string')
        reject('the "label" of a provenance source must be text.', labelLine);
      if (typeof label === 'string' && hasLineBreak(label.trim())) {
        reject('the "label" of a provenance source must be one line: remove the line break.', labelLine);
      }
      return makeSource(url, typeof label === 'string' ? label : undefined, urlLine);
    });
  }
}
