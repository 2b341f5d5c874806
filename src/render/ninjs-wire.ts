import type { Config } from '../config.ts';
import type { Messages } from '../i18n/index.ts';
import type { Editorial } from '../model.ts';
import { DIGITAL_SOURCE_TYPES, GENRE_CODES } from '../vocabulary/newscodes.ts';
import { withdrawnNoticeHtml } from './article.ts';
import { blocksText } from './body.ts';
import { collapseWhitespace } from '../strings.ts';
import { htmlToText } from './escape.ts';
import { entryId } from './feeds/feed-item.ts';
import { provenanceFooterText } from './footer.ts';
import { mediaTopicsOf } from './media-topics.ts';
import { scopeUrls, topicScope } from './scopes.ts';
import { topicSlug } from './topics.ts';

/*
 * What a ninjs item says about itself beyond its text: subjects, genre, urgency, place, other identifiers, and how
 * the text was produced. Only genre and urgency have defaults (analysis, 5: what every editorial is unless the desk
 * says otherwise); the place and the production are stated only when the editorial states them.
 */

export const DEFAULT_URGENCY = 5;

export interface NinjsSubject {
  name: string;
  uri?: string;
}

/** The editorial's IPTC Media Topics (from the configuration), then its own topics, each with its topic page. */
export function ninjsSubjects(editorial: Editorial, config: Config): NinjsSubject[] {
  const media = mediaTopicsOf(editorial.topics, editorial.lang, config).map(({ name, uri }) => ({ name, uri }));
  const own = editorial.topics.map((name): NinjsSubject => {
    const slug = topicSlug(name);
    return slug ? { name, uri: scopeUrls.html(config, topicScope({ slug, label: name })) } : { name };
  });
  return [...media, ...own];
}

export function ninjsGenres(editorial: Editorial): { name: string; uri: string }[] {
  return [{ ...GENRE_CODES[editorial.genre ?? 'analysis'] }];
}

export function ninjsUrgency(editorial: Editorial): number {
  return editorial.urgency ?? DEFAULT_URGENCY;
}

/** `located`, `digitalSourceType`: present only when the editorial gives a dateline or declares its production. */
export function ninjsDeclared(editorial: Editorial): {
  located?: string;
  digitalSourceType?: { name: string; uri: string };
} {
  return {
    ...(editorial.dateline ? { located: editorial.dateline } : {}),
    ...(editorial.aiAssistance ? { digitalSourceType: { ...DIGITAL_SOURCE_TYPES[editorial.aiAssistance] } } : {}),
  };
}

/**
 * Other identifiers of the same editorial: its slug (the desk's name for it, in every path) and its feed entry id
 * (the tag: URI every Atom, RSS and JSON Feed item carries), which depend on nothing but the site and the slug.
 */
export function ninjsAltIds(editorial: Editorial, config: Config): { role: string; value: string }[] {
  return [
    { role: 'slug', value: editorial.slug },
    { role: 'feedEntryId', value: entryId(config, editorial.slug) },
  ];
}

/** The body as plain text: what the HTML body says, in the same order, paragraphs apart. */
export function bodyPlainText(editorial: Editorial, config: Config, m: Messages): string {
  return joinedPlainBody(bodyPlainParts(editorial, config, m));
}

/** `bodyPlainText` from its parts. */
export function joinedPlainBody(parts: readonly string[]): string {
  return parts.filter(Boolean).join('\n\n');
}

/**
 * What `bodyPlainText` joins, '' where there is nothing: the correction, the blocks' text and the footer; for a
 * withdrawn editorial the notice first, then the correction and the footer.
 */
export function bodyPlainParts(editorial: Editorial, config: Config, m: Messages): [string, string, string] {
  const correction = editorial.correction ? `${m.t('article.correction')} ${editorial.correction}` : '';
  const text =
    editorial.status === 'withdrawn'
      ? collapseWhitespace(htmlToText(withdrawnNoticeHtml(editorial, config, m)))
      : blocksText(editorial.blocks);
  return editorial.status === 'withdrawn'
    ? [text, correction, provenanceFooterText(editorial, m)]
    : [correction, text, provenanceFooterText(editorial, m)];
}
