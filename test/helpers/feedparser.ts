import { readFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';

/*
 * What a feed reader makes of a feed: feedsmith, a maintained JavaScript parser of RSS and Atom (with the Atom,
 * Dublin Core and content namespaces), read into the shape of Python feedparser's result, so the assertions
 * name what a reader sees (title, link, id, dates, via links, content). Python's feedparser itself reads the
 * same documents in scripts/interop/, run by CI after the suite.
 */

export interface ParsedLink {
  rel: string | null;
  href: string | null;
  type: string | null;
  title: string | null;
}

export interface ParsedEntry {
  id: string | null;
  guidislink: boolean | null;
  title: string | null;
  title_type: string | null;
  link: string | null;
  links: ParsedLink[];
  published: string | null;
  published_iso: string | null;
  updated: string | null;
  updated_iso: string | null;
  author: string | null;
  summary: string | null;
  content: string[];
  tags: string[];
  language: string | null;
  rights: string | null;
}

export interface ParsedFeed {
  version: 'rss20' | 'atom10' | null;
  /** The document is not well-formed XML or not a feed (feedparser's name for it). */
  bozo: boolean;
  bozo_exception: string | null;
  feed: {
    title: string | null;
    subtitle: string | null;
    id: string | null;
    link: string | null;
    links: ParsedLink[];
    language: string | null;
    rights: string | null;
    updated: string | null;
    updated_iso: string | null;
    published: string | null;
    published_iso: string | null;
    generator: string | null;
  };
  entries: ParsedEntry[];
}

type Text = { value?: string; type?: string } | undefined;
type Link = { href?: string; rel?: string; type?: string; title?: string };

const or = <T>(value: T | undefined): T | null => value ?? null;
const link = (l: Link): ParsedLink => ({
  rel: l.rel ?? 'alternate',
  href: or(l.href),
  type: or(l.type),
  title: or(l.title),
});
const alternate = (links: ParsedLink[]) => links.find((l) => l.rel === 'alternate')?.href ?? null;
/** RFC 822 (RSS) or RFC 3339 (Atom) as `YYYY-MM-DDTHH:MM:SSZ`, as feedparser's *_parsed reports it. */
function iso(date: string | undefined): string | null {
  if (!date) return null;
  const time = Date.parse(date);
  return Number.isNaN(time) ? null : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** Atom text constructs: feedparser reports type="text" as text/plain, html and xhtml as text/html. */
const textType = (text: Text) =>
  text === undefined ? null : text.type === 'html' || text.type === 'xhtml' ? 'text/html' : 'text/plain';

const EMPTY_FEED: ParsedFeed['feed'] = {
  title: null,
  subtitle: null,
  id: null,
  link: null,
  links: [],
  language: null,
  rights: null,
  updated: null,
  updated_iso: null,
  published: null,
  published_iso: null,
  generator: null,
};

export function parseFeedText(text: string): ParsedFeed {
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    return {
      version: null,
      bozo: true,
      bozo_exception: `${wellFormed.err.code} at line ${wellFormed.err.line}: ${wellFormed.err.msg}`,
      feed: EMPTY_FEED,
      entries: [],
    };
  }
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (err) {
    return { version: null, bozo: true, bozo_exception: (err as Error).message, feed: EMPTY_FEED, entries: [] };
  }
  if (parsed.format === 'rss') return fromRss(parsed.feed as unknown as Rss);
  if (parsed.format === 'atom') return fromAtom(parsed.feed as unknown as Atom);
  return {
    version: null,
    bozo: true,
    bozo_exception: `not RSS 2.0 or Atom 1.0 but ${parsed.format}`,
    feed: EMPTY_FEED,
    entries: [],
  };
}

interface Rss {
  title?: string;
  link?: string;
  description?: string;
  language?: string;
  copyright?: string;
  pubDate?: string;
  lastBuildDate?: string;
  generator?: string;
  atom?: { links?: Link[] };
  items?: {
    title?: string;
    link?: string;
    description?: string;
    guid?: { value?: string; isPermaLink?: boolean };
    pubDate?: string;
    categories?: { name?: string }[];
    authors?: string[];
    atom?: { links?: Link[] };
    dc?: { creators?: string[]; creator?: string; languages?: string[]; language?: string; rights?: string[] };
    content?: { encoded?: string };
  }[];
}

function fromRss(rss: Rss): ParsedFeed {
  return {
    version: 'rss20',
    bozo: false,
    bozo_exception: null,
    feed: {
      title: or(rss.title),
      subtitle: or(rss.description),
      id: null,
      link: or(rss.link),
      links: [
        ...(rss.link ? [{ rel: 'alternate', href: rss.link, type: 'text/html', title: null }] : []),
        ...(rss.atom?.links ?? []).map(link),
      ],
      language: or(rss.language),
      rights: or(rss.copyright),
      updated: or(rss.lastBuildDate),
      updated_iso: iso(rss.lastBuildDate),
      published: or(rss.pubDate),
      published_iso: iso(rss.pubDate),
      generator: or(rss.generator),
    },
    entries: (rss.items ?? []).map((item) => {
      const links = [
        ...(item.link ? [{ rel: 'alternate', href: item.link, type: 'text/html', title: null }] : []),
        ...(item.atom?.links ?? []).map(link),
      ];
      // A guid is a permalink unless it says isPermaLink="false" (RSS 2.0).
      const guidislink = item.guid === undefined ? null : item.guid.isPermaLink !== false;
      return {
        id: or(item.guid?.value),
        guidislink,
        title: or(item.title),
        title_type: item.title === undefined ? null : 'text/plain',
        link: or(item.link),
        links,
        published: or(item.pubDate),
        published_iso: iso(item.pubDate),
        updated: null,
        updated_iso: null,
        author: item.dc?.creators?.[0] ?? item.dc?.creator ?? item.authors?.[0] ?? null,
        summary: or(item.description),
        content: item.content?.encoded !== undefined ? [item.content.encoded] : [],
        tags: (item.categories ?? []).map((c) => c.name ?? ''),
        language: item.dc?.languages?.[0] ?? item.dc?.language ?? null,
        rights: null,
      };
    }),
  };
}

interface Atom {
  id?: string;
  title?: Text;
  subtitle?: Text;
  rights?: Text;
  updated?: string;
  links?: Link[];
  generator?: { text?: string };
  xml?: { lang?: string };
  entries?: {
    id?: string;
    title?: Text;
    summary?: Text;
    content?: Text;
    rights?: Text;
    published?: string;
    updated?: string;
    links?: Link[];
    authors?: { name?: string }[];
    categories?: { term?: string }[];
    xml?: { lang?: string };
  }[];
}

function fromAtom(atom: Atom): ParsedFeed {
  const links = (atom.links ?? []).map(link);
  return {
    version: 'atom10',
    bozo: false,
    bozo_exception: null,
    feed: {
      title: or(atom.title?.value),
      subtitle: or(atom.subtitle?.value),
      id: or(atom.id),
      link: alternate(links),
      links,
      language: or(atom.xml?.lang),
      rights: or(atom.rights?.value),
      updated: or(atom.updated),
      updated_iso: iso(atom.updated),
      published: null,
      published_iso: null,
      generator: or(atom.generator?.text),
    },
    entries: (atom.entries ?? []).map((entry) => {
      const entryLinks = (entry.links ?? []).map(link);
      return {
        id: or(entry.id),
        guidislink: false,
        title: or(entry.title?.value),
        title_type: textType(entry.title),
        link: alternate(entryLinks),
        links: entryLinks,
        published: or(entry.published),
        published_iso: iso(entry.published),
        updated: or(entry.updated),
        updated_iso: iso(entry.updated),
        author: entry.authors?.[0]?.name ?? null,
        summary: or(entry.summary?.value),
        content: entry.content?.value !== undefined ? [entry.content.value] : [],
        tags: (entry.categories ?? []).map((c) => c.term ?? ''),
        language: entry.xml?.lang ?? atom.xml?.lang ?? null,
        rights: or(entry.rights?.value),
      };
    }),
  };
}

export const parseFeedTexts = (texts: readonly string[]): ParsedFeed[] => texts.map(parseFeedText);
export const parseFeedFiles = (paths: readonly string[]): ParsedFeed[] =>
  paths.map((path) => parseFeedText(readFileSync(path, 'utf8')));
export const parseFeedFile = (path: string): ParsedFeed => parseFeedFiles([path])[0]!;
