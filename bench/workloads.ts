import { Feed } from 'feed';
import { listingFeeds } from '../src/catalogue/documents.ts';
import { itemContent, type CatalogueItem } from '../src/catalogue/item.ts';
import type { Config } from '../src/config.ts';
import type { Editorial } from '../src/model.ts';
import { renderEmail } from '../src/render/email/index.ts';
import { articleHtml } from '../src/render/article.ts';
import { chromeOf } from '../src/render/chrome.ts';
import { leadText } from '../src/render/body.ts';
import { renderFeeds } from '../src/render/feeds/index.ts';
import { FeedWindow, newestFirst } from '../src/render/feeds/window.ts';
import { renderNinjs } from '../src/render/ninjs.ts';
import { renderPage } from '../src/render/page.ts';
import { ALL } from '../src/render/scopes.ts';
import { urls } from '../src/render/urls.ts';

/** What the publish step renders per editorial: email (HTML and text), page and ninjs. */
export async function renderSample(editorial: Editorial, config: Config) {
  const email = await renderEmail(editorial, config);
  return { email, page: renderPage(editorial, config), ninjs: JSON.stringify(renderNinjs(editorial, config)) };
}

export function buildOwnFeeds(editorials: readonly Editorial[], config: Config, limit: number) {
  const window = new FeedWindow(limit, new Date('2100-01-01T00:00:00Z'));
  for (const e of editorials) window.add(e);
  return renderFeeds(window.entries(), config);
}

/** The same items through the `feed` package: newest `limit`, full content, the three formats. */
export function buildPeerFeeds(editorials: readonly Editorial[], config: Config, limit: number) {
  const site = config.publication.siteUrl;
  const feed = new Feed({
    id: site,
    title: config.publication.name,
    description: config.publication.description,
    link: site,
    language: config.publication.language,
    copyright: config.rights.copyrightNotice,
    updated: new Date('2026-01-01T00:00:00Z'),
    feedLinks: { rss: urls.rss(config), atom: urls.atom(config), json: urls.jsonFeed(config) },
  });
  const newest = [...editorials].sort((a, b) => b.published.getTime() - a.published.getTime()).slice(0, limit);
  for (const e of newest) {
    feed.addItem({
      id: urls.page(config, e.slug),
      title: e.title,
      link: urls.page(config, e.slug),
      date: e.updated,
      published: e.published,
      description: e.summary ?? leadText(e.blocks),
      content: articleHtml(e, chromeOf(e, config)),
      author: [{ name: e.author ?? config.publication.name }],
    });
  }
  return { rss: feed.rss2(), atom: feed.atom1(), json: feed.json1() };
}

/**
 * The catalogue items of the newest `limit` editorials, newest first, as the publication's head holds them: each
 * rendered once, when it is published (so outside any timing of a feed rebuild), with its place in the scope.
 */
export function catalogueItems(editorials: readonly Editorial[], config: Config, limit: number): CatalogueItem[] {
  const newest = [...editorials].sort(newestFirst).slice(0, limit);
  return newest.map((e, i) => ({ ...itemContent(e, config), seq: newest.length - i }));
}

/**
 * What a rebuild of the publication's subscription documents does now (at the head, nothing archived): join the
 * stored fragments into the three feeds, as listingFiles does before it renders the HTML listing page.
 */
export function assembleFeeds(items: readonly CatalogueItem[], config: Config) {
  return listingFeeds(config, { scope: ALL, openPage: 0 }, items);
}
