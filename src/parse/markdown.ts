import type { Block, Source } from '../model.ts';
import { isFramingNote } from './framing.ts';
import { FrontMatter, findFrontMatter } from './front-matter.ts';
import { markdownBlocks } from './markdown-blocks.ts';
import { reject } from './rejection.ts';
import { parseProvenanceSection, type NumberedLine } from './sources.ts';
import { trimEndOf } from '../strings.ts';
import { collapseWhitespace } from './text.ts';

export interface MarkdownContent {
  frontMatter: FrontMatter;
  title: string;
  framing?: string;
  provenanceIntro?: string;
  sources: Source[];
  blocks: Block[];
}

// "Wire provenance" as a Markdown heading or alone on its line (optionally bold), the way form 1 writes it: the
// words, then optionally a colon and closing hashes. The tail is checked apart from the pattern, since
// /\s*:?\s*#*\s*$/ backtracks cubically on a long run of spaces that does not end the line, and every body line is
// tested.
const BODY_PROVENANCE_HEAD = /^ {0,3}(?:#{1,6}\s+)?(?:\*\*|__)?wire provenance(?:\*\*|__)?/i;

function isBodyProvenanceHeading(line: string): boolean {
  const head = BODY_PROVENANCE_HEAD.exec(line);
  if (!head) return false;
  let tail = line.slice(head[0].length).trim();
  if (tail.startsWith(':')) tail = tail.slice(1).trim();
  return trimEndOf(tail, '#') === '';
}

interface BodySplit {
  body: NumberedLine[];
  section?: { headingLine: number; rest: NumberedLine[] };
}

function splitBodyProvenance(lines: readonly NumberedLine[]): BodySplit {
  let index = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (isBodyProvenanceHeading(lines[i]!.text)) {
      index = i;
      break;
    }
  }
  if (index < 0) return { body: [...lines] };
  return { body: lines.slice(0, index), section: { headingLine: lines[index]!.line, rest: lines.slice(index + 1) } };
}

/** Form 2: YAML front matter for the metadata, a Markdown body. */
export function parseMarkdown(lines: readonly string[], publication: string): MarkdownContent {
  const block = findFrontMatter(lines);
  const frontMatter = FrontMatter.parse(block);
  const title = frontMatter.oneLine('title');
  if (!title) {
    reject(
      'the front matter has no "title": add a line such as title: "The harbour talks that were not".',
      frontMatter.line('title') ?? block.openLine,
    );
  }

  const bodyLines: NumberedLine[] = lines
    .slice(block.closeLine)
    .map((text, i) => ({ line: block.closeLine + 1 + i, text }));
  const split = splitBodyProvenance(bodyLines);
  let sources = frontMatter.provenance();
  let provenanceIntro: string | undefined;
  if (split.section) {
    if (sources) {
      reject(
        'the sources are given twice, in the front matter "provenance" field and in a "Wire provenance" section of the body: keep only the front matter list.',
        split.section.headingLine,
      );
    }
    const section = parseProvenanceSection(split.section.headingLine, split.section.rest);
    sources = section.sources;
    provenanceIntro = section.intro;
  }
  if (!sources) {
    reject(
      'the front matter has no "provenance": add the sources as a list, a line "provenance:" then one line "  - url: https://t.me/channel" per source (an optional "    label: Channel name" line may follow each).',
      block.openLine,
    );
  }

  let blocks = markdownBlocks(split.body.map((l) => l.text).join('\n'));
  // A leading "# Title" repeating the front matter title would show the title twice.
  const first = blocks[0];
  if (first?.kind === 'heading' && collapseWhitespace(first.text).toLowerCase() === title.toLowerCase())
    blocks = blocks.slice(1);

  let framing = frontMatter.paragraph('framing');
  const last = blocks[blocks.length - 1];
  if (framing === undefined && last?.kind === 'paragraph' && isFramingNote(last.text, publication)) {
    framing = collapseWhitespace(last.text);
    blocks = blocks.slice(0, -1);
  }
  if (blocks.length === 0) {
    reject('the body is empty: write the editorial below the closing "---" of the front matter.', block.closeLine);
  }
  return {
    frontMatter,
    title,
    ...(framing === undefined ? {} : { framing }),
    ...(provenanceIntro === undefined ? {} : { provenanceIntro }),
    sources,
    blocks,
  };
}
