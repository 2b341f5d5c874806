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

export function escapeExpression(value: string): string {
  return value.replace(ESCAPED, (c) => ESCAPES[c]!);
}
