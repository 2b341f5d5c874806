import type { Block } from '../model.ts';
import { escapeHtml } from '../render/escape.ts';
import { isFramingNote } from './framing.ts';
import { reject } from './rejection.ts';
import {
  isProvenanceHeading,
  isSourceLine,
  parseProvenanceSection,
  type NumberedLine,
  type ProvenanceSection,
} from './sources.ts';
import { codePointCount } from '../strings.ts';
import { collapseWhitespace, isTrimmedHeadingLike } from './text.ts';

export const TITLE_MAX_CHARS = 300;

export interface PlainTextContent {
  title: string;
  framing?: string;
  provenance: ProvenanceSection;
  blocks: Block[];
}

function checkTitle(first: NumberedLine): string {
  const text = first.text.trim();
  const missing = 'the first non-empty line must be the title of the editorial';
  if (isProvenanceHeading(text))
    reject(`the title is missing: the file starts with "Wire provenance"; ${missing}.`, first.line);
  if (isSourceLine(text))
    reject(`the title is missing: the file starts with a list line ("- …"); ${missing}.`, first.line);
  if (text === '---') {
    reject(
      'the title is "---": this looks like Markdown with front matter; name the file with the .md extension, or start a plain-text editorial with its title.',
      first.line,
    );
  }
  if (!/[\p{L}\p{N}]/u.test(text))
    reject(`the title is missing: the first line ("${text}") has no words; ${missing}.`, first.line);
  const title = collapseWhitespace(text);
  const titleChars = codePointCount(title);
  if (titleChars > TITLE_MAX_CHARS) {
    reject(
      `the first line is ${titleChars} characters long, which reads as a paragraph, not a title (at most ${TITLE_MAX_CHARS}): add the title as the first line.`,
      first.line,
    );
  }
  return title;
}

function bodyBlocks(lines: readonly NumberedLine[]): Block[] {
  const texts = lines.map((l) => l.text.trim());
  const headingLike = texts.map(isTrimmedHeadingLike);
  return texts.map((text, i): Block => {
    const html = escapeHtml(text);
    // A heading-like line introduces a paragraph; followed by another heading-like line, or last, it is a paragraph.
    const isHeading = headingLike[i] === true && i + 1 < texts.length && headingLike[i + 1] === false;
    return isHeading ? { kind: 'heading', level: 2, text, html } : { kind: 'paragraph', text, html };
  });
}

/** Form 1: title line, one paragraph per line, short unpunctuated lines as headings, then "Wire provenance". */
export function parsePlainText(allLines: readonly string[], publication: string): PlainTextContent {
  const numbered: NumberedLine[] = allLines.map((text, i) => ({ line: i + 1, text }));
  const nonEmpty = numbered.filter((l) => l.text.trim() !== '');
  const first = nonEmpty[0];
  if (!first) return reject('the file contains only whitespace: upload the editorial text itself.');
  const title = checkTitle(first);

  const headingIndex = nonEmpty.findIndex((l) => isProvenanceHeading(l.text));
  if (headingIndex < 0) {
    const straySource = nonEmpty.find((l) => isSourceLine(l.text));
    reject(
      'the "Wire provenance" section is missing: end the editorial with a line "Wire provenance", then one line per source, e.g. "- https://t.me/channel".',
      straySource?.line ?? null,
    );
  }
  const heading = nonEmpty[headingIndex]!;
  const provenance = parseProvenanceSection(heading.line, nonEmpty.slice(headingIndex + 1));

  let body = nonEmpty.slice(1, headingIndex);
  let framing: string | undefined;
  const last = body[body.length - 1];
  if (last && isFramingNote(last.text, publication)) {
    framing = collapseWhitespace(last.text);
    body = body.slice(0, -1);
  }
  if (body.length === 0) {
    reject(
      `the body is empty: there is no paragraph between the title (line ${first.line}) and "Wire provenance" (line ${heading.line}); add the editorial's paragraphs between them.`,
      heading.line,
    );
  }
  return { title, ...(framing === undefined ? {} : { framing }), provenance, blocks: bodyBlocks(body) };
}
