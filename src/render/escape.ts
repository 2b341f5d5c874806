// Characters XML 1.0 forbids (and mail clients mangle): C0 controls but tab/LF/CR, DEL..C1, lone surrogates, U+FFFE/U+FFFF.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

export function dropForbiddenChars(text: string): string {
  // Lone surrogates are rare; checking for them natively first keeps the common case to one cheap scan.
  return text.isWellFormed() ? text.replace(CONTROL, '') : text.replace(FORBIDDEN, '');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/g;
// The characters to escape and the control characters to drop, found in one scan of a well-formed text.
const SPECIAL_OR_CONTROL = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

/** Escapes text for HTML or XML content and attribute values; also drops characters XML forbids. */
export function escapeHtml(text: string): string {
  if (!text.isWellFormed()) return text.replace(FORBIDDEN, '').replace(SPECIAL, (c) => HTML_ENTITIES[c]!);
  return text.replace(SPECIAL_OR_CONTROL, (c) => HTML_ENTITIES[c] ?? '');
}

export const escapeXml = escapeHtml;

const ENTITY_TEXT: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/** Strips markup from a safe HTML fragment produced by this project, giving its text. */
export function htmlToText(html: string): string {
  // No capture group: a replacer handed captures is several times slower on text made of entities.
  return html.replace(/<[^<>]*>/g, '').replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => ENTITY_TEXT[entity]!);
}
