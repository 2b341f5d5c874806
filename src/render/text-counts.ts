/**
 * ninjs's `charCount` and `wordCount` of a body, counted in one pass: characters (code points) and words of the text
 * with every run of whitespace collapsed to one space and the ends trimmed, as `[...collapsed].length` and
 * `collapsed.split(' ').length` would count them, without building the stripped, decoded or collapsed text.
 */
export interface TextCounts {
  charCount: number;
  wordCount: number;
}

/** Counts of plain text. */
export function textCounts(text: string): TextCounts {
  const counter = new Counter();
  for (let i = 0; i < text.length; i++) i = counter.add(text, i);
  return counter.counts();
}

/**
 * Counts of the text a reader sees in an HTML fragment this project wrote: tags dropped, the five entities it writes
 * read as their characters, and a break or the end of a paragraph, heading, list item, quotation, preformatted
 * block, aside or footer read as a space (so the last word of one paragraph and the first of the next are two words).
 */
export function visibleTextCounts(html: string): TextCounts {
  const counter = new Counter();
  for (let i = 0; i < html.length; i++) {
    const unit = html.charCodeAt(i);
    if (unit === LT) {
      const end = tagEnd(html, i);
      if (end !== -1) {
        if (separates(html, i, end)) counter.space();
        i = end;
        continue;
      }
    } else if (unit === AMP) {
      const entity = entityLength(html, i);
      if (entity !== 0) {
        counter.visible(1);
        i += entity - 1;
        continue;
      }
    }
    i = counter.add(html, i);
  }
  return counter.counts();
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;

class Counter {
  private chars = 0;
  private spaces = 0;
  private pendingSpace = false;

  /** Adds the character at `i` (a surrogate pair as one) and returns the index of its last code unit. */
  add(text: string, i: number): number {
    const unit = text.charCodeAt(i);
    if (isWhitespace(unit)) {
      this.space();
      return i;
    }
    const pair = unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1));
    this.visible(1);
    return pair ? i + 1 : i;
  }

  space(): void {
    if (this.chars > 0) this.pendingSpace = true;
  }

  visible(codePoints: number): void {
    if (this.pendingSpace) {
      this.chars++;
      this.spaces++;
      this.pendingSpace = false;
    }
    this.chars += codePoints;
  }

  counts(): TextCounts {
    return { charCount: this.chars, wordCount: this.chars === 0 ? 0 : this.spaces + 1 };
  }
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** What JavaScript's `\s` matches (and `trim` removes). */
function isWhitespace(unit: number): boolean {
  if (unit <= 0x20) return unit === 0x20 || (unit >= 0x09 && unit <= 0x0d);
  if (unit < 0xa0) return false;
  return (
    unit === 0xa0 ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

/** The index of the `>` closing the tag opened at `start`, or -1 when a `<` comes first or none does (text). */
function tagEnd(html: string, start: number): number {
  for (let i = start + 1; i < html.length; i++) {
    const unit = html.charCodeAt(i);
    if (unit === GT) return i;
    if (unit === LT) return -1;
  }
  return -1;
}

const SEPARATING_END_TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'blockquote',
  'pre',
  'aside',
  'footer',
  'ul',
  'ol',
]);

/** `<br>` (`<br/>`, `<br />`) or the end tag of a block, exactly as written (no attributes, no spaces). */
function separates(html: string, start: number, end: number): boolean {
  if (html.charCodeAt(start + 1) === SLASH) return SEPARATING_END_TAGS.has(html.slice(start + 2, end));
  if (!html.startsWith('br', start + 1)) return false;
  let i = start + 3;
  while (i < end && isWhitespace(html.charCodeAt(i))) i++;
  if (i < end && html.charCodeAt(i) === SLASH) i++;
  return i === end;
}

const ENTITIES = ['&lt;', '&gt;', '&quot;', '&#39;', '&amp;'];

/** The length of one of the five entities this project writes, at `at`; 0 when none starts there. */
function entityLength(html: string, at: number): number {
  for (const entity of ENTITIES) if (html.startsWith(entity, at)) return entity.length;
  return 0;
}
