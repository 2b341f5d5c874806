import type { Config, PartnerConfig, PartnerFormat } from '../config.ts';
import type { Clock } from '../ports.ts';
import type { PublicFile } from '../catalogue/documents.ts';
import { emptyHead, newestArchivePage, remove, shapeOf, upsert, type ScopeHead } from '../catalogue/head.ts';
import type { CatalogueItem, ItemContent } from '../catalogue/item.ts';
import { isMemberRecord, type MemberRecord } from '../catalogue/member.ts';
import { changeScope, type CatalogueScope, type CatalogueStores } from '../catalogue/store/engine.ts';
import { renderPartnerPage } from './feeds.ts';

/*
 * Each partner's feeds as a scope of the catalogue engine. A partner's scope (`partners/<id>`) is ordered by change,
 * not by first publication: every change a partner hears of (a publish, a correction, a withdrawal, an embargoed
 * publish, which partners get at once) takes the slug out of its old place (in the head or a complete page) and
 * admits it at the next one, so the newest change is always first and every item is in one place only. The documents
 * are the ones `broadsheet build` writes (src/partners/feeds.ts renders both), under the partner's secret path,
 * never cached publicly.
 */

/** Partner documents may be kept by the partner's client for a minute, never by a shared cache. */
export const PARTNER_CACHE = 'private, max-age=60';

export const PARTNER_MEMBERS_PREFIX = 'catalogue/partner-members/';
/** Every partner scope's head and complete pages. */
export const PARTNER_SCOPES_PREFIX = 'catalogue/partners/';

/** Private keys, in the editorials bucket. */
export const partnerCatalogueKeys = {
  head: (id: string) => `${PARTNER_SCOPES_PREFIX}${id}/head.json`,
  pages: (id: string) => `${PARTNER_SCOPES_PREFIX}${id}/pages/`,
  page: (id: string, page: number) => `${partnerCatalogueKeys.pages(id)}${page}.json`,
  member: (slug: string) => `${PARTNER_MEMBERS_PREFIX}${slug}.json`,
};

/** A slug's place in each partner scope it is in (`seqs`, `in`), and the version of the change that put it there. */
export interface PartnerMemberRecord extends MemberRecord {
  versions: Record<string, string>;
}

export function isPartnerMember(value: unknown): value is PartnerMemberRecord {
  return isMemberRecord(value) && typeof (value as Partial<PartnerMemberRecord>).versions === 'object';
}

/** A partner and the secret path its documents are written under. */
export interface PartnerPlace {
  partner: PartnerConfig;
  path: string;
}

export function partnerCatalogueScope(deps: { config: Config; clock: Clock }, place: PartnerPlace): CatalogueScope {
  const shape = shapeOf(deps.config);
  const id = place.partner.id;
  const head = (value: ScopeHead) => {
    const openPage = newestArchivePage(value, shape);
    const files = partnerFiles(deps, place, undefined, openPage, value.window);
    if (openPage > 0) files.push(...partnerFiles(deps, place, openPage, openPage, value.open));
    return files;
  };
  return {
    id: `partners/${id}`,
    shape,
    keys: {
      head: partnerCatalogueKeys.head(id),
      pages: partnerCatalogueKeys.pages(id),
      page: (page) => partnerCatalogueKeys.page(id, page),
    },
    files: {
      head,
      // A complete page always has a newer one after it; which one does not change what this page says.
      page: (record) => partnerFiles(deps, place, record.page, record.page + 1, record.items),
    },
    repairsSealedPages: false,
  };
}

/** One document per format of the partner; tombstones older than `partnerFeeds.tombstoneDays` are left out. */
function partnerFiles(
  deps: { config: Config; clock: Clock },
  place: PartnerPlace,
  page: number | undefined,
  openPage: number,
  items: readonly CatalogueItem[],
): PublicFile[] {
  const oldest = deps.clock.now().getTime() - deps.config.partnerFeeds.tombstoneDays * 86_400_000;
  const shown = items.filter(
    (i) => i.partner && !(i.partner.kind === 'withdrawn' && Date.parse(i.partner.changed) < oldest),
  );
  return place.partner.formats.map((format: PartnerFormat) => ({
    cacheControl: PARTNER_CACHE,
    ...renderPartnerPage(
      format,
      place.partner,
      place.path,
      deps.config,
      page,
      openPage,
      shown.map((i) => ({
        fragment: i.partner!.fragments[format] ?? '',
        changed: new Date(i.partner!.changed),
        published: new Date(i.published),
      })),
    ),
  }));
}

/**
 * Puts a change in the partner's scope; returns the slug's place. The same version again changes its item where
 * it is (nothing, when nothing differs); a new one takes the old place out first, then admits it at the next place.
 */
export async function changePartnerItem(
  stores: CatalogueStores,
  scope: CatalogueScope,
  slug: string,
  content: ItemContent,
  old: number | undefined,
  sameVersion: boolean,
): Promise<number> {
  const { shape } = scope;
  if (old !== undefined && !sameVersion) {
    // The head's documents are written once the change is admitted, which follows at once.
    const takeOut = (head: ScopeHead | undefined) => head && { base: head, change: remove(head, slug, old, shape) };
    await changeScope(stores, scope, { slug, content: undefined, decide: takeOut, documentsLater: true });
  }
  const admit = (head: ScopeHead | undefined) => {
    const base = head ?? emptyHead();
    // An admission of this version by a run that stopped before its member record: its place is the latest one.
    const latest = base.recent.find(([s]) => s === slug)?.[1];
    const known = sameVersion ? old : latest !== undefined && (old === undefined || latest > old) ? latest : undefined;
    const forgotten = { ...base, recent: base.recent.filter(([s]) => s !== slug) };
    const change =
      known !== undefined ? upsert(base, content, known, shape) : upsert(forgotten, content, undefined, shape);
    return { base, change };
  };
  const { seq } = await changeScope(stores, scope, { slug, content, decide: admit });
  return seq!;
}
