import type { Scope } from '../render/scopes.ts';

/** Private keys, in the editorials bucket. */
export const catalogueKeys = {
  head: (scope: Scope) => `catalogue/${scope.id}/head.json`,
  pages: (scope: Scope) => `catalogue/${scope.id}/pages/`,
  page: (scope: Scope, page: number) => `${catalogueKeys.pages(scope)}${page}.json`,
  member: (slug: string) => `catalogue/members/${slug}.json`,
};
