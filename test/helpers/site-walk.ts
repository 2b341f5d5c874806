import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { htmlSelect } from './html.ts';
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
    const path = url
      .slice(siteUrl.length + 1)
      .split('/')
      .map(decodeURIComponent);
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

/**
 * Reads `start`, then each document `step` names next, until one names none: each step's result in order. A link
 * to a missing document or back to one already read fails the walk.
 */
async function follow<T>(
  read: Read,
  start: string,
  kind: string,
  step: (url: string, text: string) => { result: T; next: string | undefined },
): Promise<T[]> {
  const results: T[] = [];
  const seen = new Set<string>();
  for (let url: string | undefined = start; url; ) {
    if (seen.has(url)) throw new Error(`the ${kind} links loop back to ${url}`);
    seen.add(url);
    const text = await read(url);
    if (text === undefined) throw new Error(`${url} is linked but missing`);
    const { result, next } = step(url, text);
    results.push(result);
    url = next;
  }
  return results;
}

/** Follows rel="prev-archive" (RSS, Atom) or next_url (JSON Feed) from `start` until a document names none. */
export function walkFeed(read: Read, start: string): Promise<WalkedDocument[]> {
  return follow(read, start, 'archive', (url, text) => {
    if (url.endsWith('.json')) {
      const feed = JSON.parse(text) as { items: { id: string }[]; next_url?: string };
      return { result: { url, text, ids: feed.items.map((i) => i.id) }, next: feed.next_url };
    }
    const feed = parseFeedText(text);
    if (feed.bozo) throw new Error(`${url}: ${feed.bozo_exception}`);
    return { result: { url, text, ids: feed.entries.map((e) => e.id ?? '') }, next: linkOf(feed, 'prev-archive') };
  });
}

export function linkOf(feed: ParsedFeed, rel: string): string | undefined {
  return feed.feed.links.find((l) => l.rel === rel)?.href ?? undefined;
}

/** Follows rel="next" from the home page (or a topic page); returns each page with its editorial links. */
export function walkPages(read: Read, start: string): Promise<{ url: string; html: string; editorials: string[] }[]> {
  return follow(read, start, 'page', (url, html) => {
    // The links of the headings of the listed articles, in document order.
    const editorials = htmlSelect(html, 'main article h2 a[href], main article h3 a[href]').map(
      (a) => a.getAttribute('href') ?? '',
    );
    return {
      result: { url, html, editorials },
      next: htmlSelect(html, 'head > link[rel="next"][href]')[0]?.getAttribute('href') ?? undefined,
    };
  });
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
