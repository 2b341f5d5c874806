import type { Config } from '../../config.ts';
import { urls } from '../urls.ts';
import { feedId } from './feed-item.ts';

/**
 * What a feed document says about itself, apart from its items: which feed it is, where it lives and how it links
 * to the documents around it (RFC 5005 archives, WebSub). One subscription document or one archive page.
 */
export interface FeedDocument {
  /** The feed's identity (Atom `id`): the same for a feed's subscription document and every archive page of it. */
  id: string;
  title: string;
  description: string;
  /** Where this document lives (`rel="self"`, JSON Feed `feed_url`). */
  selfUrl: string;
  /** The HTML page showing the same items (`rel="alternate"`, RSS `link`, JSON Feed `home_page_url`). */
  htmlUrl: string;
  /** A WebSub hub, named on subscription documents only (archives never change, so nobody subscribes to them). */
  hub?: string;
  /** Set on archive documents (`fh:archive`): the subscription document's URL, linked as `rel="current"`. */
  currentUrl?: string;
  /** The next older archive document (`rel="prev-archive"`; JSON Feed `next_url`). */
  prevArchiveUrl?: string;
  /** The next newer archive document (`rel="next-archive"`), on archive documents that have one. */
  nextArchiveUrl?: string;
}

/** The publication's own subscription document in `format`, linking to nothing else: what a lone render shows. */
export function publicationFeed(config: Config, selfUrl: string): FeedDocument {
  return {
    id: feedId(config),
    title: config.publication.name,
    description: config.publication.description,
    selfUrl,
    htmlUrl: urls.home(config),
    ...(config.websub && { hub: config.websub.hub }),
  };
}

/** RFC 5005 section 4: the namespace of `fh:archive`. */
export const FEED_HISTORY_NS = 'http://purl.org/syndication/history/1.0';
