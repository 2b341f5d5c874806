import type { PartnerFormat } from '../config.ts';
import { DEVELOPMENT_PARTNER_SECRET, partnerKey, partnerPath } from '../partners/paths.ts';
import type { LocalPipeline } from './pipeline.ts';
import { atomView, jsonFeedView, pageView, partnerView, type View } from './lifecycle-views.ts';

/** Each partner's feeds on the local pipeline: the secret path of this run and the key of each of its formats. */
export function partnerFeeds(
  pipeline: Pick<LocalPipeline, 'config' | 'runtime'>,
): { id: string; path: string; feeds: { format: PartnerFormat; key: string }[] }[] {
  return pipeline.config.partners.map((partner) => {
    const path = partnerPath(pipeline.runtime.partnerSecret ?? DEVELOPMENT_PARTNER_SECRET, partner);
    return {
      id: partner.id,
      path,
      feeds: partner.formats.map((format) => ({ format, key: partnerKey(path, format) })),
    };
  });
}

/** One document a party polls, and how that party reads it. */
export interface PolledDocument {
  party: string;
  /** The document's format, shown beside what the party saw (a partner reads several). */
  format: string;
  /** The key in the public bucket, served by the local site server as the CDN would. */
  key: string;
  read(body: string | undefined, etag: string, now: Date): View;
}

/**
 * What each party polls: a feed reader the public Atom feed and JSON Feed; each partner its own feeds; a reader the
 * pages of the editorials that change. The mailbox is read apart, from SES's store.
 */
export function polledDocuments(
  pipeline: Pick<LocalPipeline, 'config' | 'runtime'>,
  pageSlugs: readonly string[],
): PolledDocument[] {
  const onlyWhenPresent = (view: (body: string) => View) => (body: string | undefined) =>
    body === undefined ? new Map() : view(body);
  return [
    { party: 'public feed', format: 'atom', key: 'feeds/atom.xml', read: onlyWhenPresent(atomView) },
    { party: 'public feed', format: 'json', key: 'feeds/feed.json', read: onlyWhenPresent(jsonFeedView) },
    ...partnerFeeds(pipeline).flatMap(({ id, feeds }) =>
      feeds.map(
        ({ format, key }): PolledDocument => ({
          party: id,
          format,
          key,
          read: (body, _etag, now) => (body === undefined ? new Map() : partnerView(format, body, now)),
        }),
      ),
    ),
    ...pageSlugs.map(
      (slug): PolledDocument => ({
        party: 'page',
        format: '',
        key: `editorials/${encodeURIComponent(slug)}/`,
        read: (body, etag) => pageView(slug, body, etag),
      }),
    ),
  ];
}
