import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { urls } from '../urls.ts';
import { MEDIA_TOPIC_SCHEME } from '../../vocabulary/media-topics.ts';
import { FEED_HISTORY_NS, publicationFeed, type FeedDocument } from './document.ts';
import { EMPTY_FEED_DATE, feedItems, latest, rfc3339, type FeedItem } from './feed-item.ts';
import type { ItemDates } from './rss.ts';
import { element, openTag, xmlText, XML_DECLARATION } from './xml.ts';

/** Atom 1.0 (RFC 4287); `entries` are already windowed, newest first. */
export function renderAtom(entries: readonly Editorial[], config: Config): string {
  return atomFromItems(feedItems(entries, config), config);
}

export function atomFromItems(items: readonly FeedItem[], config: Config): string {
  const dates = { updated: latest(items, 'updated'), published: latest(items, 'published') };
  return atomDocument(
    publicationFeed(config, urls.atom(config)),
    items.map((item) => atomEntry(item, config)),
    dates,
    config,
  );
}

/** An Atom document around entries already rendered by `atomEntry`, newest first. */
export function atomDocument(
  doc: FeedDocument,
  renderedEntries: readonly string[],
  dates: ItemDates,
  config: Config,
): string {
  const { publication } = config;
  // RFC 4287 requires `updated`; a feed with no entries reports a fixed date rather than the clock's.
  const updated = dates.updated ?? EMPTY_FEED_DATE;
  const head = [
    `<id>${xmlText(doc.id)}</id>`,
    `<title type="text">${xmlText(doc.title)}</title>`,
    `<subtitle type="text">${xmlText(doc.description)}</subtitle>`,
    `<updated>${rfc3339(updated)}</updated>`,
    element('link', { rel: 'self', type: 'application/atom+xml', href: doc.selfUrl }),
    element('link', { rel: 'alternate', type: 'text/html', href: doc.htmlUrl }),
    doc.hub && element('link', { rel: 'hub', href: doc.hub }),
    doc.currentUrl && element('link', { rel: 'current', type: 'application/atom+xml', href: doc.currentUrl }),
    doc.prevArchiveUrl &&
      element('link', { rel: 'prev-archive', type: 'application/atom+xml', href: doc.prevArchiveUrl }),
    doc.nextArchiveUrl &&
      element('link', { rel: 'next-archive', type: 'application/atom+xml', href: doc.nextArchiveUrl }),
    doc.currentUrl && '<fh:archive/>',
    `<author><name>${xmlText(publication.name)}</name><uri>${xmlText(urls.home(config))}</uri></author>`,
    `<rights type="text">${xmlText(config.rights.copyrightNotice)}</rights>`,
    '<generator>Broadsheet</generator>',
  ].filter(Boolean);
  const namespaces = { xmlns: 'http://www.w3.org/2005/Atom', 'xmlns:fh': doc.currentUrl ? FEED_HISTORY_NS : undefined };
  const lines = [XML_DECLARATION, openTag('feed', { ...namespaces, 'xml:lang': publication.language })];
  for (const line of head) lines.push(`  ${line}`);
  for (const entry of renderedEntries) lines.push(entry);
  lines.push('</feed>', '');
  return lines.join('\n');
}

/** One `<entry>`, indented for its place in the feed: rendered once per version, stored, and assembled. */
export function atomEntry(item: FeedItem, config: Config): string {
  const { editorial } = item;
  const lang = editorial.lang !== config.publication.language ? editorial.lang : undefined;
  const parts = [
    `<id>${xmlText(item.id)}</id>`,
    `<title type="text">${xmlText(item.title)}</title>`,
    `<published>${rfc3339(item.published)}</published>`,
    `<updated>${rfc3339(item.updated)}</updated>`,
    `<author><name>${xmlText(item.author)}</name></author>`,
    element('link', { rel: 'alternate', type: 'text/html', href: item.url }),
    element('link', {
      rel: 'related',
      type: 'application/json',
      href: urls.ninjs(config, editorial.slug),
      title: 'IPTC ninjs',
    }),
    ...editorial.sources.map((s) => element('link', { rel: 'via', href: s.url, title: s.label })),
    item.summary && `<summary type="text">${xmlText(item.summary)}</summary>`,
    `<content type="html">${xmlText(item.contentHtml)}</content>`,
    `<rights type="text">${xmlText(config.rights.copyrightNotice)}</rights>`,
    ...item.topics.map((topic) => element('category', { term: topic })),
    // RFC 4287 section 4.2.2: the scheme names the vocabulary, so a reader can route on the code in `term`.
    ...item.mediaTopics.map((topic) =>
      element('category', { term: topic.code.slice('medtop:'.length), scheme: MEDIA_TOPIC_SCHEME, label: topic.name }),
    ),
  ].filter(Boolean);
  return `  ${openTag('entry', { 'xml:lang': lang })}\n${parts.map((p) => `    ${p}`).join('\n')}\n  </entry>`;
}
