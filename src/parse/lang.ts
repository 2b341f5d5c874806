// RFC 5646 language tag syntax (langtag, private use and the irregular grandfathered tags are not needed here).
const LANGTAG =
  /^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wyz](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?$/i;

const MAX_TAG_LENGTH = 64;

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'sd', 'ug', 'dv', 'ckb', 'iw', 'ji']);
const RTL_SCRIPTS = new Set(['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'rohg', 'mand', 'samr']);

/** The canonical form of a well-formed BCP 47 tag (e.g. "EN-gb" is "en-GB"), or undefined when it is not one. */
export function canonicalLang(tag: string): string | undefined {
  if (tag.length > MAX_TAG_LENGTH || !LANGTAG.test(tag)) return undefined;
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
