import { escapeExpression } from './handlebars-escape.ts';

/*
 * What the page functions of templates.generated.ts share (scripts/compile-page-functions.ts writes the calls):
 * Handlebars' escaping, its own-property lookup (with strict: false, a missing field is undefined), the truthiness of
 * `#if` and the iteration of `#each`, as Handlebars 4 does them.
 */

/** `{{value}}`: undefined and null write nothing, anything else its string, escaped. */
export function escaped(value: unknown): string {
  if (value == null) return '';
  return escapeExpression(typeof value === 'string' ? value : asString(value));
}

/** `{{{value}}}`: undefined and null write nothing, anything else its string as it is. */
export function raw(value: unknown): string {
  return value == null ? '' : asString(value);
}

/** A value as Handlebars turns it into text: `'' + value` (valueOf first), which a template literal does not do. */
function asString(value: unknown): string {
  // biome-ignore lint/style/useTemplate: the conversion must be the one `+` makes.
  return '' + (value as string);
}

/** A field of the context: its own property only, as Handlebars' runtime allows by default. */
export function get(parent: unknown, name: string): unknown {
  return parent != null && Object.hasOwn(parent, name) ? (parent as Record<string, unknown>)[name] : undefined;
}

/** `{{#if}}`: false, undefined, null, '', 0, NaN and an empty array take the `{{else}}`. */
export function truthy(value: unknown): boolean {
  return Boolean(value) && !(Array.isArray(value) && value.length === 0);
}

/** `{{#each}}`: the items of an array (holes skipped) or iterable, or an object's own values; else `{{else}}`. */
export function each(list: unknown, item: (context: unknown) => string, otherwise: () => string): string {
  if (list === null || typeof list !== 'object') return otherwise();
  let out = '';
  let count = 0;
  if (Array.isArray(list)) {
    for (; count < list.length; count++) if (count in list) out += item(list[count]);
  } else if ((list as Partial<Iterable<unknown>>)[Symbol.iterator]) {
    for (const value of list as Iterable<unknown>) {
      out += item(value);
      count++;
    }
  } else {
    for (const key of Object.keys(list)) {
      out += item((list as Record<string, unknown>)[key]);
      count++;
    }
  }
  return count === 0 ? otherwise() : out;
}
