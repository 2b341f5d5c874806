import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { htmlNodes } from './html.ts';
import { parseFeedText, type ParsedFeed } from './feedparser.ts';

/*
 * Walks a published site as a reader would: from a subscription document back through every archive document, from
 * the home page through every older page, from the sitemap index through every sitemap. Documents are fetched by
 * URL through `read`, so the same walk runs over a built folder, a bucket or a server.
 */

export type Read = (url: string) => Promise<string | undefined>;

/** Reads `siteUrl + "/x/y"` from `<dir>/x/y`, and a URL ending in `/` from that folder's index.html. */
export function folderReader(dir: string, siteUrl: string): Read {
  return async (url) => {
    if (!url.startsWith(`${siteUrl}/`)) throw new Error(`${url} is not under ${siteUrl}`);
    const path = url.slice(siteUrl.length + 1).split('/').map(decodeURIComponent);
    if (url.endsWith('/')) path[path.length - 1] = 'index.html';
    try {
      return readFileSync(join(dir, ...path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

export interface WalkedDocument {
  url: string;
  text: string;
  /** Entry ids (RSS guid, Atom id, JSON Feed id), in document order. */
  ids: string[];
}

/** Follows rel="prev-archive" (RSS, Atom) or next_url (JSON Feed) from `start` until a document names none. */
export async function walkFeed(read: Read, start: string): Promise<WalkedDocument[]> {
  const documents: WalkedDocument[] = [];
  const seen = new Set<string>();
  for (let url: string | undefined = start; url; ) {
    if (seen.has(url)) throw new Error(`the archive links loop back to ${url}`);
    seen.add(url);
    const text = await read(url);
    if (text === undefined) throw new Error(`${url} is linked but missing`);
    if (url.endsWith('.json')) {
      const feed = JSON.parse(text) as { items: { id: string }[]; next_url?: string };
      documents.push({ url, text, ids: feed.items.map((i) => i.id) });
      url = feed.next_url;
    } else {
      const feed = parseFeedText(text);
      if (feed.bozo) throw new Error(`${url}: ${feed.bozo_exception}`);
      documents.push({ url, text, ids: feed.entries.map((e) => e.id ?? '') });
      url = linkOf(feed, 'prev-archive');
    }
  }
  return documents;
}

export function linkOf(feed: ParsedFeed, rel: string): string | undefined {
  return feed.feed.links.find((l) => l.rel === rel)?.href ?? undefined;
}

/** Follows rel="next" from the home page (or a topic page); returns each page with its editorial links. */
export async function walkPages(read: Read, start: string): Promise<{ url: string; html: string; editorials: string[] }[]> {
  const pages: { url: string; html: string; editorials: string[] }[] = [];
  const seen = new Set<string>();
  for (let url: string | undefined = start; url; ) {
    if (seen.has(url)) throw new Error(`the page links loop back to ${url}`);
    seen.add(url);
    const html = await read(url);
    if (html === undefined) throw new Error(`${url} is linked but missing`);
    const editorials = htmlNodes(html, '//main//article//h2//a/@href | //main//article//h3//a/@href').map((n) => n.nodeValue ?? '');
    pages.push({ url, html, editorials });
    url = htmlNodes(html, '//head/link[@rel="next"]/@href')[0]?.nodeValue ?? undefined;
  }
  return pages;
}

const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'url' || name === 'sitemap' });

/** Every <loc> of a sitemap index's sitemaps (or of one urlset). */
export async function sitemapLocations(read: Read, url: string): Promise<string[]> {
  const text = await read(url);
  if (text === undefined) throw new Error(`${url} is missing`);
  const doc = xml.parse(text) as { sitemapindex?: { sitemap: { loc: string }[] }; urlset?: { url: { loc: string }[] } };
  if (doc.urlset) return doc.urlset.url.map((u) => u.loc);
  const locations: string[] = [];
  for (const child of doc.sitemapindex?.sitemap ?? []) locations.push(...(await sitemapLocations(read, child.loc)));
  return locations;
}
