import { escapeExpression } from '../handlebars-escape.ts';
import type { EmailLayout } from './types.ts';

function field(view: object, path: string): unknown {
  // Most slots name a field of the view itself: read without splitting the path.
  let value: unknown = path.includes('.') ? undefined : (view as Record<string, unknown>)[path];
  if (value === undefined) {
    value = view;
    for (const key of path.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  // As in Handlebars' strict mode: a field the layout names and the view lacks is a fault, not an empty string.
  if (value === undefined) throw new Error(`the email layout fills "${path}", which the email view does not have`);
  return value;
}

/** Handlebars' `{{#if}}`: false for an empty string, an empty list, 0, false and null. */
const truthy = (value: unknown) => Boolean(value) && !(Array.isArray(value) && value.length === 0);

/** A compiled layout with its slots filled from `view`, as Handlebars filled the MJML source. */
export function fillLayout(layout: EmailLayout, view: object): string {
  return fillParts(layout, view, undefined, ['']).join('');
}

/**
 * The same document in parts, split wherever the slot `at` stands (left unfilled): one slot, two parts. The render
 * chooses the value of that slot by what the parts hold, and knows its place without searching for a mark.
 */
export function fillLayoutAround(layout: EmailLayout, view: object, at: string): string[] {
  return fillParts(layout, view, at, ['']);
}

function fillParts(layout: EmailLayout, view: object, at: string | undefined, parts: string[]): string[] {
  let html = parts.pop()!;
  for (const piece of layout) {
    if (typeof piece === 'string') html += piece;
    else if ('slot' in piece) {
      if (piece.slot === at) {
        parts.push(html);
        html = '';
        continue;
      }
      const value = String(field(view, piece.slot));
      html += piece.raw ? value : escapeExpression(value);
    } else if (truthy(field(view, piece.when))) {
      parts.push(html);
      fillParts(piece.then, view, at, parts);
      html = parts.pop()!;
    }
  }
  parts.push(html);
  return parts;
}
