/**
 * ninjs's `charCount` and `wordCount` of a body, counted in one pass: characters (code points) and words of the text
 * with every run of whitespace collapsed to one space and the ends trimmed, as `[...collapsed].length` and
 * `collapsed.split(' ').length` would count them, without building the stripped, decoded or collapsed text.
 */
export interface TextCounts {
  charCount: number;
  wordCount: number;
}

/**
 * Counts of texts joined with whitespace between them (or a tag a reader sees as a space), from the counts of each:
 * the parts that show anything, and one space between each two of them.
 */
export function joinedCounts(parts: readonly TextCounts[]): TextCounts {
  let charCount = 0;
  let wordCount = 0;
  let shown = 0;
  for (const part of parts) {
    if (part.charCount === 0) continue;
    charCount += part.charCount;
    wordCount += part.wordCount;
    shown++;
  }
  return { charCount: shown > 1 ? charCount + shown - 1 : charCount, wordCount };
}

/** Counts of plain text. */
export function textCounts(text: string): TextCounts {
  const count = { chars: 0, spaces: 0, pending: false };
  countRun(text, 0, text.length, count);
  return countsOf(count);
}

/**
 * Counts of the text a reader sees in an HTML fragment this project wrote: tags dropped, the five entities it writes
 * read as their characters, and a break or the end of a paragraph, heading, list item, quotation, preformatted
 * block, aside or footer read as a space (so the last word of one paragraph and the first of the next are two words).
 */
export function visibleTextCounts(html: string): TextCounts {
  const count = { chars: 0, spaces: 0, pending: false };
  // The text between two markup characters is counted in one run; a `<` that opens no tag and a `&` that starts
  // none of the five entities are text like any other. The next `<` and `&` are found natively, each once.
  let from = 0;
  let lt = html.indexOf('<');
  let amp = html.indexOf('&');
  while (lt !== -1 || amp !== -1) {
    if (lt !== -1 && (amp === -1 || lt < amp)) {
      const gt = html.indexOf('>', lt + 1);
      // Without a `>` after it, no later `<` opens a tag either: the rest is text.
      const nextLt = gt === -1 ? -1 : html.indexOf('<', lt + 1);
      if (gt !== -1 && (nextLt === -1 || gt < nextLt)) {
        countRun(html, from, lt, count);
        if (separates(html, lt, gt) && count.chars > 0) count.pending = true;
        from = gt + 1;
        if (amp !== -1 && amp < from) amp = html.indexOf('&', from);
      }
      lt = nextLt;
    } else {
      const entity = entityLength(html, amp);
      if (entity !== 0) {
        countRun(html, from, amp, count);
        visible(count);
        from = amp + entity;
      }
      amp = html.indexOf('&', entity !== 0 ? from : amp + 1);
    }
  }
  countRun(html, from, html.length, count);
  return countsOf(count);
}

const SLASH = 0x2f;

interface Count {
  /** Code points counted, the single spaces between words included. */
  chars: number;
  spaces: number;
  /** Whitespace came after a character: one space is counted before the next visible character. */
  pending: boolean;
}

function visible(count: Count): void {
  if (count.pending) {
    count.chars++;
    count.spaces++;
    count.pending = false;
  }
  count.chars++;
}

/** Adds the characters from `start` to `end` (a surrogate pair as one), in one loop over local counts. */
function countRun(text: string, start: number, end: number, count: Count): void {
  let chars = count.chars;
  let spaces = count.spaces;
  let pending = count.pending;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x20 && unit < 0x7f) {
      // Printable ASCII, nearly all of the text: a visible character.
    } else if (isWhitespace(unit)) {
      if (chars > 0) pending = true;
      continue;
    } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
    }
    if (pending) {
      chars++;
      spaces++;
      pending = false;
    }
    chars++;
  }
  count.chars = chars;
  count.spaces = spaces;
  count.pending = pending;
}

function countsOf(count: Count): TextCounts {
  return { charCount: count.chars, wordCount: count.chars === 0 ? 0 : count.spaces + 1 };
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

/** The length of one of the five entities this project writes, at `at`; 0 when none starts there. */
function entityLength(html: string, at: number): number {
  // The character after `&` tells which one it can be.
  switch (html.charCodeAt(at + 1)) {
    case 0x6c:
      return html.startsWith('&lt;', at) ? 4 : 0;
    case 0x67:
      return html.startsWith('&gt;', at) ? 4 : 0;
    case 0x71:
      return html.startsWith('&quot;', at) ? 6 : 0;
    case 0x23:
      return html.startsWith('&#39;', at) ? 5 : 0;
    case 0x61:
      return html.startsWith('&amp;', at) ? 5 : 0;
    default:
      return 0;
  }
}
