import type { Source } from '../model.ts';
import { reject } from './rejection.ts';
import { dropBidiControls } from '../strings.ts';
import { collapseWhitespace } from './text.ts';
import { dropForbiddenChars } from '../render/escape.ts';

export const PROVENANCE_HEADING_PATTERN = /^wire provenance$/i;

export function isProvenanceHeading(line: string): boolean {
  return PROVENANCE_HEADING_PATTERN.test(line.trim());
}

/** "- URL[ label]", also with "*" or "•" as the bullet. The URL runs to the first space (the lookahead keeps the
 * engine from trying shorter URLs), the label is the rest of the line. */
const SOURCE_LINE = /^[-*•]\s+(\S+)(?=\s|$)([^\n\r\u2028\u2029]*)$/u;
/** "- [label](URL)", the Markdown way of writing the same thing. */
const MARKDOWN_LINK_SOURCE_LINE = /^[-*•]\s+\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)\s*$/u;

export function isSourceLine(line: string): boolean {
  return /^[-*•]\s+\S/u.test(line.trim());
}

const shorten = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** An absolute http(s) URL, parsed; rejects anything else, naming the line. */
function checkSourceUrl(raw: string, line: number | null): URL {
  const trimmed = raw.trim();
  const text = trimmed.startsWith('<') ? trimmed.replace(/^<(.*)>$/u, '$1') : trimmed;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const fix =
    'every source must be an absolute http:// or https:// address (e.g. https://t.me/channel): correct or remove it.';
  if (!url) reject(`the source "${shorten(text)}" is not an absolute web address; ${fix}`, line);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    reject(`the source "${shorten(text)}" uses ${url.protocol}, so it is not a web address; ${fix}`, line);
  }
  if (!url.hostname) reject(`the source "${shorten(text)}" has no host name; ${fix}`, line);
  return url;
}

const HOST_LABELS: { hosts: string[]; label: (segments: string[]) => string | undefined }[] = [
  {
    hosts: ['t.me', 'telegram.me', 'telegram.dog'],
    label: ([first, second]) => {
      const channel = first === 's' ? second : first;
      return channel && channel !== 'c' ? `${channel} (Telegram)` : undefined;
    },
  },
  {
    hosts: ['x.com', 'twitter.com', 'mobile.twitter.com', 'mobile.x.com'],
    label: ([handle]) =>
      handle && !['i', 'intent', 'search', 'hashtag', 'home'].includes(handle) ? `@${handle} (X)` : undefined,
  },
  {
    hosts: ['bsky.app'],
    label: ([kind, handle]) => (kind === 'profile' && handle ? `${handle} (Bluesky)` : undefined),
  },
  {
    hosts: ['youtube.com', 'm.youtube.com', 'youtu.be'],
    label: ([first]) => (first?.startsWith('@') ? `${first} (YouTube)` : 'YouTube'),
  },
];

/** A readable label for a source that has none: "channel (Telegram)", "@handle (X)", else the host name. */
function deriveLabel(url: URL): string {
  const host = url.hostname.startsWith('www.') ? url.hostname.slice(4) : url.hostname;
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  for (const rule of HOST_LABELS) {
    if (rule.hosts.includes(host)) {
      const label = rule.label(segments);
      if (label) return label;
    }
  }
  return host;
}

export function makeSource(rawUrl: string, rawLabel: string | undefined, line: number | null): Source {
  const url = checkSourceUrl(rawUrl, line);
  const label = rawLabel === undefined ? '' : cleanLabel(rawLabel);
  return { url: url.href, label: label || cleanLabel(deriveLabel(url)) };
}

/** One line of plain text: a label derived from a URL may decode to line breaks, controls or bidi overrides. */
function cleanLabel(text: string): string {
  // Most labels hold none of what the three passes take out: one test says so.
  return NOT_PLAIN_LINE.test(text) ? collapseWhitespace(dropForbiddenChars(dropBidiControls(text))) : text;
}

/** What cleanLabel changes: bidi controls, characters XML forbids (surrogates too, paired or not), whitespace other
 * than single spaces between words. */
const NOT_PLAIN_LINE =
  /[\u202A-\u202E\u2066-\u2069\u0000-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]|[^\S ]|\s\s|^\s|\s$/;

/** One "- URL[ label]" (or "- [label](URL)") line of a provenance section. */
export function parseSourceLine(text: string, line: number): Source {
  const trimmed = text.trim();
  const md = MARKDOWN_LINK_SOURCE_LINE.exec(trimmed);
  if (md) return makeSource(md[2]!, md[1], line);
  const m = SOURCE_LINE.exec(trimmed);
  if (!m) reject(`expected a source line "- https://…" here, found "${shorten(trimmed)}".`, line);
  const label = m[2]!.trim();
  return makeSource(m[1]!, label === '' ? undefined : label, line);
}

export interface NumberedLine {
  /** 1-based line in the original file. */
  line: number;
  text: string;
}

export interface ProvenanceSection {
  intro?: string;
  sources: Source[];
}

/**
 * The lines after the "Wire provenance" heading: an optional intro sentence, then one source per line.
 * Strict: anything else after the sources is rejected with its line number.
 */
export function parseProvenanceSection(headingLine: number, rest: readonly NumberedLine[]): ProvenanceSection {
  const lines = rest.filter((l) => l.text.trim() !== '');
  let intro: string | undefined;
  let start = 0;
  const first = lines[0];
  if (first && !isSourceLine(first.text)) {
    intro = collapseWhitespace(first.text);
    start = 1;
  }
  const sources: Source[] = [];
  for (const l of lines.slice(start)) {
    if (!isSourceLine(l.text)) {
      const what = sources.length === 0 ? 'after the provenance intro sentence' : 'after the sources';
      reject(
        `unexpected text ${what} ("${shorten(l.text.trim())}"): the "Wire provenance" section ends the editorial and holds only one optional intro sentence and then one "- https://…" source per line; move this text above "Wire provenance" or make it a source line.`,
        l.line,
      );
    }
    sources.push(parseSourceLine(l.text, l.line));
  }
  if (sources.length === 0) {
    reject(
      'the "Wire provenance" section lists no sources: add at least one source line below it, e.g. "- https://t.me/channel".',
      headingLine,
    );
  }
  return intro === undefined ? { sources } : { intro, sources };
}
