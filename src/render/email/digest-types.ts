/** One editorial as a digest lists it. */
export interface DigestEntry {
  slug: string;
  title: string;
  /** The editorial's summary, or its lead when it has none (plain text). */
  summary: string;
  /** When it became public. */
  publishedAt: Date;
  topics: string[];
  /** The number of wire sources it lists. */
  sources: number;
  /** The editorial's language (BCP 47). */
  lang: string;
  dir: 'ltr' | 'rtl';
  /** A correction of an editorial the reader may have had before: shown marked as corrected, with this text. */
  correction?: string;
}

export interface DigestPeriod {
  cadence: 'daily' | 'weekly';
  /** YYYY-MM-DD: the date the period ends, in the digests' time zone. */
  id: string;
  start: Date;
  end: Date;
}

/** One part (HTML or text) of a digest, cut where each reader's chosen items go. */
export interface DigestPart {
  head: string;
  items: string[];
  /** The link to the editorials left out; empty when none was. */
  more: string;
  tail: string;
}

/** A digest rendered once per period and language; each reader's copy is a join of its pieces. */
export interface DigestTemplate {
  subject: string;
  preheader: string;
  placeholder: string;
  /** The language of the digest's own words (the reader's, when the catalogue has it; else the publication's). */
  language: string;
  html: DigestPart;
  text: DigestPart;
  /** Entries left out so the email stays under the clip budget or config.subscription.digests.maxItems. */
  omitted: number;
  /** Each kept item's slug and topics, in the order of `items` (the worker picks a reader's among them). */
  entries: { slug: string; topics: string[]; publishedAt: string }[];
  homeUrl: string;
}
