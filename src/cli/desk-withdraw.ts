import { parseDocument } from 'yaml';
import { decodeLines } from '../parse/decode.ts';
import { findFrontMatter } from '../parse/front-matter.ts';
import { extensionOf } from '../parse/identity.ts';

/**
 * How `broadsheet withdraw` withdraws. A Markdown editorial says it itself: the approved object again with
 * `status: withdrawn`, a later `updated`, and the reason as its `correction` note, which the pipeline carries to the
 * page and to partners (Atom `at:comment`, ninjs, JSON Feed `_deleted.comment`). The plain-text form has no field
 * for either, so it is withdrawn as it always was: its approved object is deleted.
 */
export function isMarkdownKey(key: string): boolean {
  const extension = extensionOf(key);
  return extension === 'md' || extension === 'markdown';
}

export interface WithdrawnVersion {
  /** Later than the published version's `updated`, so the pipeline takes it as the newer version. */
  updated: Date;
  /** The published version's date, written out when the front matter has none (else the upload time would be). */
  published: Date;
  reason?: string;
}

/** The Markdown editorial as its withdrawn version, or undefined when its front matter cannot be found or read. */
export function withdrawnMarkdown(bytes: Uint8Array, version: WithdrawnVersion): string | undefined {
  try {
    const lines = decodeLines(bytes);
    const block = findFrontMatter(lines);
    const fields = parseDocument(block.yaml);
    if (fields.errors.length > 0) return undefined;
    fields.set('status', 'withdrawn');
    if (!fields.has('published')) fields.set('published', version.published.toISOString());
    fields.set('updated', version.updated.toISOString());
    if (version.reason !== undefined) fields.set('correction', version.reason);
    const before = lines.slice(0, block.openLine - 1);
    const after = lines.slice(block.closeLine);
    return [...before, '---', fields.toString({ lineWidth: 0 }).trimEnd(), '---', ...after].join('\n');
  } catch {
    return undefined;
  }
}

/** A time later than `after` (to the millisecond) and no earlier than `now` or `notBefore`. */
export function laterThan(after: Date, now: Date, notBefore: Date): Date {
  return new Date(Math.max(now.getTime(), after.getTime() + 1000, notBefore.getTime()));
}
