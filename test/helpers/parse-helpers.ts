import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { Block, Editorial, Inline, Rejection } from '../../src/model.ts';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial, type ParseOptions } from '../../src/parse/index.ts';
import { htmlXPath } from './html.ts';

export const OPTIONS: ParseOptions = { publication: 'Monexus', defaultLang: 'en', limits: loadConfig().limits };
export const FIXTURES = join(import.meta.dirname, '../fixtures');

export function parseBytes(file: string, bytes: Uint8Array | string, options: Partial<ParseOptions> = {}) {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return parseEditorial(file, data, { ...OPTIONS, ...options });
}

export function accept(file: string, bytes: Uint8Array | string, options: Partial<ParseOptions> = {}): Editorial {
  const result = parseBytes(file, bytes, options);
  if (!result.ok)
    expect.fail(`expected ${file} to parse, got line ${result.rejection.line}: ${result.rejection.reason}`);
  return result.editorial;
}

export function refuse(file: string, bytes: Uint8Array | string, options: Partial<ParseOptions> = {}): Rejection {
  const result = parseBytes(file, bytes, options);
  if (result.ok) expect.fail(`expected ${file} to be rejected, but it parsed`);
  return result.rejection;
}

export function acceptFile(path: string, options: Partial<ParseOptions> = {}): Editorial {
  return accept(basename(path), readFileSync(path), options);
}

export function inlines(blocks: readonly Block[]): Inline[] {
  return blocks.flatMap((b): Inline[] => {
    switch (b.kind) {
      case 'heading':
      case 'paragraph':
        return [b];
      case 'quote':
        return b.paragraphs;
      case 'list':
        return b.items;
      case 'code':
        return [];
    }
  });
}

const ALLOWED_TAG = /<(?:em|strong|code|br)>|<\/(?:em|strong|code|a)>|<a href="(?:https?:|mailto:)[^"<>]*">/g;

/** The HTML with the allowed elements taken out: any "<" left is markup that should not be there. */
export function withoutAllowedTags(html: string): string {
  return html.replace(ALLOWED_TAG, '');
}

/** Judges an HTML fragment with an independent HTML parser: element names other than the allowed ones, and the text. */
export function inspectHtml(html: string): { disallowed: number; unsafeLinks: number; text: string } {
  const doc = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="x">${html}</div></body></html>`;
  const query = (xpath: string) => htmlXPath(doc, xpath);
  return {
    disallowed: Number(
      query('count(//div[@id="x"]//*[not(self::em or self::strong or self::code or self::a or self::br)])'),
    ),
    unsafeLinks: Number(
      query(
        'count(//a[not(starts-with(@href,"https://") or starts-with(@href,"http://") or starts-with(@href,"mailto:"))])',
      ),
    ),
    text: query('string(//div[@id="x"])'),
  };
}

export const squash = (text: string) => text.replace(/\s+/gu, ' ').trim();
