import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { escapeHtml } from '../escape.ts';
import { urls } from '../urls.ts';
import { FEED_HISTORY_NS, publicationFeed, type FeedDocument } from './document.ts';
import { feedItems, latest, rfc822, type FeedItem } from './feed-item.ts';
import { cdata, element, openTag, rssText, xmlText, XML_DECLARATION } from './xml.ts';

const NAMESPACES = {
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
};

/** RSS 2.0 following the RSS Advisory Board's Best Practices Profile; `entries` are already windowed, newest first. */
export function renderRss(entries: readonly Editorial[], config: Config): string {
  return rssFromItems(feedItems(entries, config), config);
}

export function rssFromItems(items: readonly FeedItem[], config: Config): string {
  const dates = { updated: latest(items, 'updated'), published: latest(items, 'published') };
  return rssDocument(
    publicationFeed(config, urls.rss(config)),
    items.map((item) => rssItem(item, config)),
    dates,
    config,
  );
}

/** Dates of the items a document holds: channel dates come from them, never from the clock. */
export interface ItemDates {
  updated: Date | undefined;
  published: Date | undefined;
}

/** An RSS document around items already rendered by `rssItem`, newest first. */
export function rssDocument(
  doc: FeedDocument,
  renderedItems: readonly string[],
  dates: ItemDates,
  config: Config,
): string {
  const { publication } = config;
  const lastBuild = dates.updated;
  const published = dates.published;
  const channel = [
    `<title>${rssText(doc.title)}</title>`,
    `<link>${xmlText(doc.htmlUrl)}</link>`,
    `<description>${rssText(doc.description)}</description>`,
    `<language>${xmlText(publication.language)}</language>`,
    `<copyright>${rssText(config.rights.copyrightNotice)}</copyright>`,
    '<generator>Broadsheet</generator>',
    '<docs>https://www.rssboard.org/rss-specification</docs>',
    // Without items there is no date to report: both elements are optional, the clock is never read.
    lastBuild && `<lastBuildDate>${rfc822(lastBuild)}</lastBuildDate>`,
    published && `<pubDate>${rfc822(published)}</pubDate>`,
    element('atom:link', { href: doc.selfUrl, rel: 'self', type: 'application/rss+xml' }),
    doc.hub && element('atom:link', { href: doc.hub, rel: 'hub' }),
    doc.currentUrl && element('atom:link', { href: doc.currentUrl, rel: 'current', type: 'application/rss+xml' }),
    doc.prevArchiveUrl &&
      element('atom:link', { href: doc.prevArchiveUrl, rel: 'prev-archive', type: 'application/rss+xml' }),
    doc.nextArchiveUrl &&
      element('atom:link', { href: doc.nextArchiveUrl, rel: 'next-archive', type: 'application/rss+xml' }),
    doc.currentUrl && '<fh:archive/>',
  ].filter(Boolean);
  const namespaces = doc.currentUrl ? { ...NAMESPACES, 'xmlns:fh': FEED_HISTORY_NS } : NAMESPACES;
  const lines = [XML_DECLARATION, openTag('rss', { version: '2.0', ...namespaces }), '  <channel>'];
  for (const line of channel) lines.push(`    ${line}`);
  for (const item of renderedItems) lines.push(item);
  lines.push('  </channel>', '</rss>', '');
  return lines.join('\n');
}

/** One `<item>`, indented for its place in the channel: rendered once per version, stored, and assembled. */
export function rssItem(item: FeedItem, config: Config): string {
  const { editorial } = item;
  const parts = [
    `<title>${rssText(item.title)}</title>`,
    `<link>${xmlText(item.url)}</link>`,
    // An item's description is HTML in RSS: the summary is text, so it is escaped for HTML, then for XML.
    item.summary && `<description>${xmlText(escapeHtml(item.summary))}</description>`,
    `<content:encoded>${cdata(item.contentHtml)}</content:encoded>`,
    `<dc:creator>${rssText(item.author)}</dc:creator>`,
    editorial.lang !== config.publication.language && `<dc:language>${xmlText(editorial.lang)}</dc:language>`,
    `<pubDate>${rfc822(item.published)}</pubDate>`,
    `<guid isPermaLink="false">${xmlText(item.id)}</guid>`,
    ...item.topics.map((topic) => `<category>${rssText(topic)}</category>`),
    ...editorial.sources.map((s) => element('atom:link', { rel: 'via', href: s.url, title: s.label })),
  ].filter(Boolean);
  return `    <item>\n${parts.map((p) => `      ${p}`).join('\n')}\n    </item>`;
}
