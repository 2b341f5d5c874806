import type { Config } from '../config.ts';
import { mediaTopicLabel, mediaTopicUri } from '../vocabulary/media-topics.ts';
import { topicSlug } from './topics.ts';

/** One IPTC Media Topic an editorial is about: its code, its URI and its label in the editorial's language. */
export interface MediaTopicSubject {
  code: string;
  uri: string;
  name: string;
}

/**
 * The Media Topics the configuration maps the editorial's topics to (topics compared by slug), in the order of the
 * topics, each once. None when no topic is mapped: a code is never guessed from a topic's name.
 */
export function mediaTopicsOf(topics: readonly string[], lang: string, config: Config): MediaTopicSubject[] {
  if (topics.length === 0) return [];
  const bySlug = codesBySlug(config);
  const codes = new Set<string>();
  for (const topic of topics) {
    const slug = topicSlug(topic);
    for (const code of (slug && bySlug.get(slug)) || []) codes.add(code);
  }
  return [...codes].map((code) => ({ code, uri: mediaTopicUri(code), name: mediaTopicLabel(code, lang) }));
}

/** The configuration's map of Media Topic codes by topic slug, worked out once per configuration. */
const mapped = new WeakMap<Config, ReadonlyMap<string, readonly string[]>>();

function codesBySlug(config: Config): ReadonlyMap<string, readonly string[]> {
  let bySlug = mapped.get(config);
  if (!bySlug) {
    const built = new Map<string, string[]>();
    for (const [topic, codes] of Object.entries(config.mediaTopics ?? {})) {
      const slug = topicSlug(topic);
      if (slug) built.set(slug, [...(built.get(slug) ?? []), ...codes]);
    }
    mapped.set(config, (bySlug = built));
  }
  return bySlug;
}
