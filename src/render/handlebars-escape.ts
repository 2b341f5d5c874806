// Handlebars' own escaping of `{{ }}` (escapeExpression): the compiled email layout and the page functions write
// what Handlebars wrote before they were compiled at build time, byte for byte.
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
const ESCAPED = /[&<>"'`=]/g;
const NEEDS_ESCAPING = /[&<>"'`=]/;

export function escapeExpression(value: string): string {
  // Most values (names, dates, most text) have nothing to escape: one test spares the replace.
  return NEEDS_ESCAPING.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c]!) : value;
}
