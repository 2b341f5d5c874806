import type { Scope } from '../render/scopes.ts';

/** Private keys, in the editorials bucket. */
export const catalogueKeys = {
  head: (scope: Scope) => `catalogue/${scope.id}/head.json`,
  page: (scope: Scope, page: number) => `catalogue/${scope.id}/pages/${page}.json`,
  member: (slug: string) => `catalogue/members/${slug}.json`,
};
