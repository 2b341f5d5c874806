import { reject } from './rejection.ts';
import { trimEndOf } from '../strings.ts';

export const SLUG_MAX_LENGTH = 200;
const SAFE_SLUG = /^[a-z0-9][a-z0-9._-]*$/;

/** The last path segment of a path or S3 key. */
export function baseName(file: string): string {
  return file.split(/[/\\]/).pop() ?? file;
}

export function extensionOf(file: string): string {
  const name = baseName(file);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function stem(file: string): string {
  const name = baseName(file);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export function isSafeSlug(slug: string): boolean {
  return slug.length <= SLUG_MAX_LENGTH && SAFE_SLUG.test(slug) && !slug.includes('..');
}

/** Accents and other marks taken off their letters (é is e); an ASCII name, the usual one, has none to take. */
function withoutMarks(name: string): string {
  return NOT_ASCII.test(name) ? name.normalize('NFKD').replace(/\p{M}+/gu, '') : name;
}

const NOT_ASCII = /[^\u0000-\u007f]/;

/**
 * The slug a file name gives: the name without its extension, lower-cased, with characters that are not
 * safe in a URL path segment turned into hyphens (so "Grain Corridor.txt" is "grain-corridor").
 */
export function slugFromFileName(file: string): string {
  const slug = trimEndOf(
    withoutMarks(stem(file))
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, SLUG_MAX_LENGTH),
    '-_.',
  );
  if (!isSafeSlug(slug)) {
    reject(
      `the file name "${baseName(file)}" gives no usable identifier (slug): rename the file using lowercase Latin letters, digits and hyphens, e.g. 2026-07-13-harbour-talks.txt.`,
    );
  }
  return slug;
}

export function checkSlug(slug: string, line: number | null): string {
  if (!isSafeSlug(slug)) {
    const why =
      slug.length > SLUG_MAX_LENGTH
        ? `is ${slug.length} characters long (at most ${SLUG_MAX_LENGTH})`
        : 'is not a safe URL path segment';
    reject(
      `the front matter field "slug" ("${slug.length > 60 ? `${slug.slice(0, 60)}…` : slug}") ${why}: use lowercase letters a-z, digits, "-", "_" and "." only, starting with a letter or digit and without "..", e.g. 2026-07-13-harbour-talks.`,
      line,
    );
  }
  return slug;
}
