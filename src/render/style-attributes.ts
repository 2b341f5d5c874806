import { escapeHtml } from './escape.ts';

/** The attributes written for each styles object: an email's body and footer are styled the same way at every render. */
const written = new WeakMap<object, Readonly<Record<string, string>>>();

/**
 * ` style="…"` for each element a styles object styles, escaped, written once per object; an element it leaves
 * unstyled has no entry.
 */
export function styleAttributes<K extends string>(
  styles: Readonly<Partial<Record<K, string>>>,
): Readonly<Partial<Record<K, string>>> {
  let attributes = written.get(styles);
  if (!attributes) {
    attributes = Object.fromEntries(
      Object.entries<string | undefined>(styles)
        .filter((entry): entry is [string, string] => Boolean(entry[1]))
        .map(([element, style]) => [element, ` style="${escapeHtml(style)}"`]),
    );
    written.set(styles, attributes);
  }
  return attributes as Readonly<Partial<Record<K, string>>>;
}
