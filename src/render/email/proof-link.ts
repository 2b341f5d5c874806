import type { Config } from '../../config.ts';

/**
 * The unsubscribe link of a proof (`broadsheet proof`): the publication's unsubscribe URL with `proof=1` and no
 * token. It belongs to no subscriber, so it changes nothing; the preference route answers it with a page saying so.
 */
export function proofUnsubscribeUrl(config: Pick<Config, 'unsubscribe'>): string {
  const base = config.unsubscribe.url;
  return `${base}${base.includes('?') ? '&' : '?'}proof=1`;
}

/** A request made from a proof's link: `proof=1` and no token, in the query (or, for a POST, the form). */
export function isProofLink(query: URLSearchParams, form?: URLSearchParams): boolean {
  return query.get('proof') === '1' && !query.get('token') && !form?.get('token');
}
