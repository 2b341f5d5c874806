import { remembered } from '../remembered.ts';

/**
 * The topic slug rule, used in every topic address (`/topics/<slug>/`, topic feeds) and to decide that two
 * spellings name the same topic: Unicode NFKC, lower case (locale-independent), every run of characters other
 * than letters, marks and digits becomes one `-`, with none at either end, cut to 64 characters. Letters of every
 * script stay as they are ("Économie" → "économie", "Україна" → "україна"); a topic with no letter or digit has no
 * slug and gets no topic feed. Every render slugs the same few topics several times: remembered.
 */
export const topicSlug: (topic: string) => string | undefined = remembered(slugOf, 1000);

function slugOf(topic: string): string | undefined {
  const words = topic.normalize('NFKC').toLowerCase().split(NOT_WORD).filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if ([...next].length > MAX_SLUG_CHARS) break;
    slug = next;
  }
  if (!slug && words.length) slug = [...words[0]!].slice(0, MAX_SLUG_CHARS).join('');
  return slug || undefined;
}

const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/u;
const MAX_SLUG_CHARS = 64;

/** An editorial's topics as slug and label, first spelling kept, duplicates by slug dropped. */
export function topicsOf(topics: readonly string[]): { slug: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const topic of topics) {
    const label = topic.trim();
    const slug = topicSlug(label);
    if (slug && !seen.has(slug)) seen.set(slug, label);
  }
  return [...seen].map(([slug, label]) => ({ slug, label }));
}

/** Topics in slug order: how lists of topics are kept, so the same topics give the same bytes. */
export function bySlug(a: { slug: string }, b: { slug: string }): number {
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}
