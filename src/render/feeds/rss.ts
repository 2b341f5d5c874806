import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { escapeHtml } from '../escape.ts';
import { urls } from '../urls.ts';
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
  const { publication } = config;
  const lastBuild = latest(items, 'updated');
  const published = latest(items, 'published');
  const channel = [
    `<title>${rssText(publication.name)}</title>`,
    `<link>${xmlText(urls.home(config))}</link>`,
    `<description>${rssText(publication.description)}</description>`,
    `<language>${xmlText(publication.language)}</language>`,
    `<copyright>${rssText(config.rights.copyrightNotice)}</copyright>`,
    '<generator>Broadsheet</generator>',
    '<docs>https://www.rssboard.org/rss-specification</docs>',
    // Without items there is no date to report: both elements are optional, the clock is never read.
    lastBuild && `<lastBuildDate>${rfc822(lastBuild)}</lastBuildDate>`,
    published && `<pubDate>${rfc822(published)}</pubDate>`,
    element('atom:link', { href: urls.rss(config), rel: 'self', type: 'application/rss+xml' }),
  ].filter(Boolean);
  const lines = [XML_DECLARATION, openTag('rss', { version: '2.0', ...NAMESPACES }), '  <channel>'];
  for (const line of channel) lines.push(`    ${line}`);
  for (const item of items) lines.push(rssItem(item, config));
  lines.push('  </channel>', '</rss>', '');
  return lines.join('\n');
}

function rssItem(item: FeedItem, config: Config): string {
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
