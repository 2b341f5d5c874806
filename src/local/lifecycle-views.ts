import { XMLParser } from 'fast-xml-parser';
import type { PartnerFormat } from '../config.ts';
import type { SentEmail } from './emulators.ts';

/*
 * What one party holds of each editorial, read from the document it fetched: the way that party's software reads it
 * (a feed reader the entries, a partner's ingest the tombstones and embargo marks), reduced to one state per slug so
 * two readings can be compared. Pure: text in, view out.
 */

export type ItemKind = 'live' | 'embargoed' | 'tombstone';

export interface ItemState {
  kind: ItemKind;
  /** What changes with a correction: ninjs `version`, Atom `updated`, JSON Feed `date_modified`, a page's ETag. */
  version: string;
  /** The embargo time the document states. */
  until?: string;
  /** The document's own word for the state: `pubStatus "canceled"`, `at:deleted-entry`, `_embargo`... */
  mark?: string;
  /** Mailbox only: emails and distinct recipients. */
  emails?: number;
  recipients?: number;
}

/** A party's reading at one moment, by slug. */
export type View = ReadonlyMap<string, ItemState>;

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['entry', 'at:deleted-entry', 'link'].includes(name),
});

type AtomLink = { rel?: string; href?: string };
type AtomEntry = { link?: AtomLink[]; updated?: string; 'bp:embargoed-until'?: string | { '#text': string } };
type AtomTombstone = { link?: AtomLink[]; when?: string };

/** The slug of a page URL `…/editorials/<slug>/`, or of an item id ending so. */
export function slugOfPageUrl(url: string): string | undefined {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  const at = parts.lastIndexOf('editorials');
  return at >= 0 && parts[at + 1] ? decodeURIComponent(parts[at + 1]!) : undefined;
}

const alternate = (links: AtomLink[] | undefined) => links?.find((l) => (l.rel ?? 'alternate') === 'alternate')?.href;
const text = (value: string | { '#text': string } | undefined) => (typeof value === 'object' ? value['#text'] : value);

/** An Atom feed, public or a partner's: entries (with `bp:embargoed-until` when under embargo) and RFC 6721 tombstones. */
export function atomView(body: string): View {
  const feed = (xml.parse(body) as { feed?: { entry?: AtomEntry[]; 'at:deleted-entry'?: AtomTombstone[] } }).feed ?? {};
  const view = new Map<string, ItemState>();
  for (const entry of feed.entry ?? []) {
    const slug = slugFrom(alternate(entry.link));
    if (!slug) continue;
    const until = text(entry['bp:embargoed-until']);
    view.set(
      slug,
      until
        ? { kind: 'embargoed', version: String(entry.updated), until, mark: 'bp:embargoed-until' }
        : { kind: 'live', version: String(entry.updated) },
    );
  }
  for (const gone of feed['at:deleted-entry'] ?? []) {
    const slug = slugFrom(alternate(gone.link));
    if (slug) view.set(slug, { kind: 'tombstone', version: String(gone.when), mark: 'at:deleted-entry' });
  }
  return view;
}

type JsonFeedItem = {
  url?: string;
  date_modified?: string;
  date_published?: string;
  _deleted?: unknown;
  _embargo?: { until?: string };
};

/** A JSON Feed, with the partner extensions `_deleted` and `_embargo`. */
export function jsonFeedView(body: string): View {
  const view = new Map<string, ItemState>();
  for (const item of (JSON.parse(body) as { items?: JsonFeedItem[] }).items ?? []) {
    const slug = slugFrom(item.url);
    if (!slug) continue;
    const version = String(item.date_modified ?? item.date_published);
    if (item._deleted) view.set(slug, { kind: 'tombstone', version, mark: '_deleted' });
    else if (item._embargo?.until)
      view.set(slug, { kind: 'embargoed', version, until: item._embargo.until, mark: '_embargo' });
    else view.set(slug, { kind: 'live', version });
  }
  return view;
}

type NinjsItem = { slugline?: string; version?: string; pubStatus?: string; embargoedUntil?: string };

/**
 * A partner's ninjs envelope. ninjs keeps `embargoedUntil` after the time has passed (the partner compares it with
 * its clock), so the view says "embargoed" whenever the item names an embargo still ahead at `now`.
 */
export function ninjsView(body: string, now: Date): View {
  const view = new Map<string, ItemState>();
  for (const item of (JSON.parse(body) as { items?: NinjsItem[] }).items ?? []) {
    if (!item.slugline) continue;
    const version = String(item.version);
    if (item.pubStatus === 'canceled')
      view.set(item.slugline, { kind: 'tombstone', version, mark: 'pubStatus "canceled"' });
    else if (item.embargoedUntil && Date.parse(item.embargoedUntil) > now.getTime()) {
      view.set(item.slugline, { kind: 'embargoed', version, until: item.embargoedUntil, mark: 'embargoedUntil' });
    } else view.set(item.slugline, { kind: 'live', version });
  }
  return view;
}

export function partnerView(format: PartnerFormat, body: string, now: Date): View {
  return format === 'atom' ? atomView(body) : format === 'json' ? jsonFeedView(body) : ninjsView(body, now);
}

/** An editorial's page: absent until public, then the article, or the withdrawal notice the page turns into. */
export function pageView(slug: string, body: string | undefined, etag: string): View {
  if (body === undefined) return new Map();
  // The page template marks the notice with this class (templates/page.html.hbs); the article never carries it.
  const withdrawn = body.includes('class="withdrawn-notice"');
  return new Map([
    [
      slug,
      withdrawn ? { kind: 'tombstone', version: etag, mark: 'withdrawal notice' } : { kind: 'live', version: etag },
    ],
  ]);
}

/** The local SES mailbox (`GET /store`): editorial emails by the slug of the page each one links to. */
export function mailboxView(
  mail: readonly SentEmail[],
  slugs: readonly string[],
  pageUrl: (slug: string) => string,
): View {
  const view = new Map<string, ItemState>();
  for (const slug of slugs) {
    const url = pageUrl(slug);
    const sent = mail.filter((m) => (m.body.text ?? '').includes(url));
    if (sent.length === 0) continue;
    const recipients = new Set(sent.map((m) => m.destination.to.join(','))).size;
    view.set(slug, { kind: 'live', version: String(sent.length), emails: sent.length, recipients });
  }
  return view;
}

function slugFrom(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return slugOfPageUrl(url);
  } catch {
    return undefined;
  }
}
