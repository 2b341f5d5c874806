import { existsSync, readFileSync } from 'node:fs';

/** Beside the sources in the project, or copied next to a bundled handler (where every module is one file). */
const CANDIDATES = [new URL('../../templates/', import.meta.url), new URL('./templates/', import.meta.url)];

let found: URL | undefined;

/** The folder holding the Handlebars templates. */
export function templatesDir(): URL {
  found ??= CANDIDATES.find((dir) => existsSync(new URL('page.html.hbs', dir)));
  if (!found) throw new Error(`templates not found in ${CANDIDATES.map((u) => u.pathname).join(' or ')}`);
  return found;
}

export function readTemplate(name: string): string {
  return readFileSync(new URL(name, templatesDir()), 'utf8');
}
