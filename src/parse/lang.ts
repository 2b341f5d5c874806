import { remembered } from '../remembered.ts';

// RFC 5646 language tag syntax (langtag, private use and the irregular grandfathered tags are not needed here), read
// subtag by subtag: one pattern for the whole tag nests optional and repeated groups deeply enough that no checker
// can prove it linear in reasonable time, while each subtag's pattern here is plainly so.
const ALPHA = (min: number, max: number) => (s: string) => s.length >= min && s.length <= max && /^[a-z]+$/i.test(s);
const ALNUM = (min: number, max: number) => (s: string) => s.length >= min && s.length <= max && /^[a-z\d]+$/i.test(s);
const isExtlang = ALPHA(3, 3);
const isScript = ALPHA(4, 4);
const isRegion = (s: string) => ALPHA(2, 2)(s) || /^\d{3}$/.test(s);
const isVariant = (s: string) => ALNUM(5, 8)(s) || (s.length === 4 && /^\d[a-z\d]{3}$/i.test(s));
const isSingleton = (s: string) => s.length === 1 && /^[\da-wyz]$/i.test(s);

/** Whether `tag` is a well-formed langtag (RFC 5646 section 2.1) with an optional private-use part. */
function wellFormed(tag: string): boolean {
  const subtags = tag.split('-');
  let i = 0;
  const next = (test: (s: string) => boolean) => i < subtags.length && test(subtags[i]!) && ++i > 0;
  const language = subtags[i++] ?? '';
  if (ALPHA(2, 3)(language)) {
    for (let extlangs = 0; extlangs < 3 && next(isExtlang); extlangs++);
  } else if (!ALPHA(4, 8)(language)) {
    return false;
  }
  next(isScript);
  next(isRegion);
  while (next(isVariant));
  while (next(isSingleton)) {
    if (!next(ALNUM(2, 8))) return false;
    while (next(ALNUM(2, 8)));
  }
  if (i < subtags.length && subtags[i]!.toLowerCase() === 'x') {
    i++;
    if (!next(ALNUM(1, 8))) return false;
    while (next(ALNUM(1, 8)));
  }
  return i === subtags.length;
}

const MAX_TAG_LENGTH = 64;

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'sd', 'ug', 'dv', 'ckb', 'iw', 'ji']);
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'rohg', 'mand', 'samr']);

/**
 * The canonical form of a well-formed BCP 47 tag (e.g. "EN-gb" is "en-GB"), or undefined when it is not one. Every
 * parse canonicalises the publication's own language, and editorials use a few languages between them: remembered.
 */
export const canonicalLang: (tag: string) => string | undefined = remembered(canonicalOf, 1000);

function canonicalOf(tag: string): string | undefined {
  if (tag.length > MAX_TAG_LENGTH || !wellFormed(tag)) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Writing direction of a language tag: a script subtag decides when present, else the primary language. */
export function textDirection(lang: string): 'ltr' | 'rtl' {
  const [primary = '', second] = lang.toLowerCase().split('-');
  if (second && /^[a-z]{4}$/.test(second)) return RTL_SCRIPTS.has(second) ? 'rtl' : 'ltr';
  return RTL_LANGUAGES.has(primary) ? 'rtl' : 'ltr';
}
