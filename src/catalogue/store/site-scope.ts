import type { Config } from '../../config.ts';
import { ALL, topicScope, type Scope } from '../../render/scopes.ts';
import { bySlug } from '../../render/topics.ts';
import { emptyHead, remove, shapeOf, upsert, type HeadChange, type ScopeHead, type Shape } from '../head.ts';
import type { ItemContent } from '../item.ts';
import { catalogueKeys } from '../paths.ts';
import { headFiles, pageFiles } from '../site.ts';
import type { CatalogueScope, ScopeChange } from './engine.ts';

/*
 * The public scopes, the publication's and each topic's, as the catalogue engine runs them: objects under
 * `catalogue/<scope id>/`, documents from src/catalogue/site.ts (public cache headers, sitemaps for the publication),
 * items as `itemContent` (src/catalogue/item.ts) makes them, in the order they first became public.
 */

export function siteCatalogueScope(config: Config, now: () => Date, scope: Scope): CatalogueScope {
  return {
    id: scope.id,
    shape: shapeOf(config),
    keys: {
      head: catalogueKeys.head(scope),
      pages: catalogueKeys.pages(scope),
      page: (page) => catalogueKeys.page(scope, page),
    },
    files: {
      head: (head, mapsChanged) => headFiles(config, scope, head, now(), mapsChanged),
      page: (record) => pageFiles(config, scope, record),
    },
    repairsSealedPages: true,
    missingPageHint: 'rebuild the catalogue with "broadsheet catalogue rebuild"',
  };
}

/** The scope a member record names by id; a topic's label comes from its head. */
export function siteScopeOfId(id: string): Scope {
  if (id === ALL.id) return ALL;
  const slug = id.slice('topics/'.length);
  return topicScope({ slug, label: slug });
}

/**
 * Puts `content` in the scope (or takes the slug out when undefined), at `knownSeq` when the slug had a place there
 * (a correction, or a return after a withdrawal), else at the next place.
 */
export function siteChange(
  scope: Scope,
  slug: string,
  content: ItemContent | undefined,
  knownSeq: number | undefined,
  shape: Shape,
): ScopeChange {
  return {
    slug,
    content,
    decide: (stored) => {
      const base = labelled(stored ?? emptyHead(), scope, content);
      let change: HeadChange = { kind: 'none', ...(knownSeq !== undefined && { seq: knownSeq }) };
      if (content) change = upsert(base, content, knownSeq, shape);
      else if (knownSeq !== undefined) change = remove(base, slug, knownSeq, shape);
      if (change.kind === 'head') change = { ...change, head: withTopics(change.head, scope, content) };
      return { base, change };
    },
  };
}

/** A topic scope's head carries the topic's label as the newest editorial spells it. */
function labelled(head: ScopeHead, scope: Scope, content: ItemContent | undefined): ScopeHead {
  const label = scope.topic && content?.topics.find((t) => t.slug === scope.topic!.slug)?.label;
  return label && label !== head.label ? { ...head, label } : head;
}

/** The publication's head lists every topic seen, for the sitemap. */
function withTopics(head: ScopeHead, scope: Scope, content: ItemContent | undefined): ScopeHead {
  if (scope.id !== ALL.id || !content) return head;
  const known = new Map((head.topics ?? []).map((t) => [t.slug, t]));
  for (const topic of content.topics) known.set(topic.slug, topic);
  return { ...head, topics: [...known.values()].sort(bySlug) };
}
