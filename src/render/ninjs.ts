import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import type { Messages } from '../i18n/index.ts';
import { articleHtmlParts, correctionHtml, joinedArticleHtml, withdrawnNoticeHtml } from './article.ts';
import { articleCounts, type BodyCounts } from './body-counts.ts';
import { leadText } from './body.ts';
import { chromeOf } from './chrome.ts';
import {
  bodyPlainParts,
  joinedPlainBody,
  ninjsAltIds,
  ninjsDeclared,
  ninjsGenres,
  ninjsSubjects,
  ninjsUrgency,
  type NinjsSubject,
} from './ninjs-wire.ts';
import { provenanceFooterHtml } from './footer.ts';
import { textCounts, visibleTextCounts } from './text-counts.ts';
import { urls } from './urls.ts';

/**
 * IPTC ninjs 3.1 for partners.
 *
 * - `uri` is `<siteUrl>/editorials/<slug>`: it names the editorial, not a version of it, so it never changes
 *   across corrections (it is an identifier; the page itself lives at `<siteUrl>/editorials/<slug>/`).
 * - `version` is "1" for the first version and, once a correction updated it, the update time in epoch
 *   seconds: compared as integers it increases with every correction.
 * - The sources are `infoSources` ({ name: label, uri: url, role: "source" }); the framing note is a
 *   description with role "framing"; the correction is the `edNote` (and also shown in the body).
 * - ninjs 3.1 has no `links`: the web page and this document are `renditions` named "canonical" and "self".
 * - The body is in `bodies` twice, as HTML and as plain text (ninjs renditions are resources reached by `href`).
 * - `subjects`: the IPTC Media Topics the configuration maps the editorial's topics to (URI under
 *   http://cv.iptc.org/newscodes/mediatopic/, label in the editorial's language), then each topic with its page.
 * - `genres` (IPTC genre Analysis unless the editorial says Opinion), `urgency` (5 unless it says otherwise),
 *   `altIds` (slug, feed entry id); `located` and `digitalSourceType` only when the editorial gives them.
 * - ninjs 3.1 has no `bylines`: the author is `by`.
 */
export interface Ninjs {
  uri: string;
  standard: { name: 'ninjs'; version: '3.1'; schema: string };
  type: 'text';
  representationType: 'full';
  version: string;
  firstCreated: string;
  versionCreated: string;
  embargoedUntil?: string;
  pubStatus: NinjsPubStatus;
  urgency: number;
  language: string;
  slugline: string;
  altIds: { role: string; value: string }[];
  genres: { name: string; uri: string }[];
  headlines: NinjsText[];
  descriptions: NinjsText[];
  bodies: NinjsBody[];
  by: string;
  located?: string;
  copyrightHolder: string;
  copyrightNotice: string;
  usageTerms: string;
  edNote?: string;
  subjects?: NinjsSubject[];
  infoSources: NinjsInfoSource[];
  digitalSourceType?: { name: string; uri: string };
  renditions: NinjsRendition[];
}

export type NinjsPubStatus = 'usable' | 'withheld' | 'canceled';

export interface NinjsText {
  role: string;
  contentType: string;
  value: string;
}

export interface NinjsBody extends NinjsText {
  charCount: number;
  wordCount: number;
}

export interface NinjsInfoSource {
  name: string;
  uri: string;
  role: 'source';
}

export interface NinjsRendition {
  name: 'canonical' | 'self';
  title: string;
  href: string;
  contentType: string;
}

export const NINJS_STANDARD = {
  name: 'ninjs',
  version: '3.1',
  schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#',
} as const;

export interface NinjsOptions {
  /**
   * The moment the document is produced. An editorial with an embargo is 'withheld' until then; without
   * `now` it is withheld whenever it has an embargo, since nothing may go out early.
   */
  now?: Date;
  /** The rights to state in place of the publication's `rights`: a partner's own usage terms and copyright. */
  rights?: Config['rights'];
  /**
   * How an editorial still under embargo at `now` is marked: 'withheld' (the default), or 'usable' beside its
   * `embargoedUntil`, for a partner that receives it in advance and may publish it once the embargo is over.
   */
  underEmbargo?: 'withheld' | 'usable';
}

export function renderNinjs(editorial: Editorial, config: Config, options: NinjsOptions = {}): Ninjs {
  const m = chromeOf(editorial, config);
  const { html: body, plain, counts } = bodies(editorial, config, m);
  const summary = editorial.status === 'withdrawn' ? '' : editorial.summary || leadText(editorial.blocks);
  const rights = options.rights ?? config.rights;
  const descriptions: NinjsText[] = [];
  if (summary) descriptions.push({ role: 'summary', contentType: 'text/plain', value: summary });
  if (editorial.framing) descriptions.push({ role: 'framing', contentType: 'text/plain', value: editorial.framing });
  const subjects = ninjsSubjects(editorial, config);
  const declared = ninjsDeclared(editorial);

  return {
    uri: ninjsUri(editorial, config),
    standard: { ...NINJS_STANDARD },
    type: 'text',
    representationType: 'full',
    version: ninjsVersion(editorial),
    firstCreated: isoDate(editorial.published),
    versionCreated: isoDate(editorial.updated),
    ...(editorial.embargo ? { embargoedUntil: isoDate(editorial.embargo) } : {}),
    pubStatus: pubStatus(editorial, options.now, options.underEmbargo ?? 'withheld'),
    urgency: ninjsUrgency(editorial),
    language: editorial.lang,
    slugline: editorial.slug,
    altIds: ninjsAltIds(editorial, config),
    genres: ninjsGenres(editorial),
    headlines: [{ role: 'main', contentType: 'text/plain', value: editorial.title }],
    descriptions,
    bodies: [
      {
        role: 'main',
        contentType: 'text/html',
        ...counts.html,
        value: body,
      },
      { role: 'main', contentType: 'text/plain', ...counts.plain, value: plain },
    ],
    by: editorial.author ?? config.publication.name,
    ...(declared.located !== undefined ? { located: declared.located } : {}),
    copyrightHolder: rights.copyrightHolder,
    copyrightNotice: rights.copyrightNotice,
    usageTerms: rights.usageTerms,
    ...(editorial.correction ? { edNote: editorial.correction } : {}),
    ...(subjects.length ? { subjects } : {}),
    infoSources: editorial.sources.map((s) => ({ name: s.label, uri: s.url, role: 'source' as const })),
    ...(declared.digitalSourceType ? { digitalSourceType: declared.digitalSourceType } : {}),
    renditions: [
      {
        name: 'canonical',
        title: m.t('ninjs.webPage'),
        href: urls.page(config, editorial.slug),
        contentType: 'text/html',
      },
      {
        name: 'self',
        title: m.t('ninjs.self'),
        href: urls.ninjs(config, editorial.slug),
        contentType: 'application/json',
      },
    ],
  };
}

export function ninjsUri(editorial: Editorial, config: Config): string {
  return `${config.publication.siteUrl}/editorials/${encodeURIComponent(editorial.slug)}`;
}

export function ninjsVersion(editorial: Editorial): string {
  const updated = editorial.updated.getTime();
  return updated > editorial.published.getTime() ? String(Math.floor(updated / 1000)) : '1';
}

function pubStatus(editorial: Editorial, now: Date | undefined, underEmbargo: 'withheld' | 'usable'): NinjsPubStatus {
  if (editorial.status === 'withdrawn') return 'canceled';
  if (editorial.embargo && (!now || now.getTime() < editorial.embargo.getTime())) return underEmbargo;
  return 'usable';
}

/**
 * The HTML and plain-text bodies and their counts. A withdrawn editorial's text is no longer distributed: partners
 * get the notice and the provenance, counted whole.
 */
function bodies(
  editorial: Editorial,
  config: Config,
  m: Messages,
): { html: string; plain: string; counts: BodyCounts } {
  const plainParts = bodyPlainParts(editorial, config, m);
  const plain = joinedPlainBody(plainParts);
  if (editorial.status === 'withdrawn') {
    const html = joinedArticleHtml([
      withdrawnNoticeHtml(editorial, config, m),
      correctionHtml(editorial, m),
      provenanceFooterHtml(editorial, m),
    ]);
    return { html, plain, counts: { html: visibleTextCounts(html), plain: textCounts(plain) } };
  }
  const htmlParts = articleHtmlParts(editorial, m);
  const counts = articleCounts(editorial.blocks, { html: htmlParts, plain: plainParts });
  return { html: joinedArticleHtml(htmlParts), plain, counts };
}

function isoDate(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
