/**
 * `digest-items/<slug>/<dispatchId>.json`: the digests an editorial was planned in, written before each is planned,
 * so that a withdrawal finds the digests still sending it (src/pipeline/publish/withdrawal.ts).
 */
export const digestItemsPrefix = (slug: string) => `digest-items/${slug}/`;

export const digestItemKey = (slug: string, dispatchId: string) => `${digestItemsPrefix(slug)}${dispatchId}.json`;
