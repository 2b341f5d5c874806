import { escapeExpression } from '../handlebars-escape.ts';
import type { EmailLayout } from './types.ts';

function field(view: object, path: string): unknown {
  let value: unknown = view;
  for (const key of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  // As in Handlebars' strict mode: a field the layout names and the view lacks is a fault, not an empty string.
  if (value === undefined) throw new Error(`the email layout fills "${path}", which the email view does not have`);
  return value;
}

/** Handlebars' `{{#if}}`: false for an empty string, an empty list, 0, false and null. */
const truthy = (value: unknown) => Boolean(value) && !(Array.isArray(value) && value.length === 0);

/** A compiled layout with its slots filled from `view`, as Handlebars filled the MJML source. */
export function fillLayout(layout: EmailLayout, view: object): string {
  let html = '';
  for (const piece of layout) {
    if (typeof piece === 'string') html += piece;
    else if ('slot' in piece) {
      const value = String(field(view, piece.slot));
      html += piece.raw ? value : escapeExpression(value);
    } else if (truthy(field(view, piece.when))) html += fillLayout(piece.then, view);
  }
  return html;
}
