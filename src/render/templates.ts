import { readFileSync } from 'node:fs';

// The template sources, for the builds that compile them (npm run build:templates, build:email) and for the tests;
// the renders use what those builds wrote, and no function carries templates/.
const TEMPLATES = new URL('../../templates/', import.meta.url);

/** The folder holding the Handlebars templates. */
export function templatesDir(): URL {
  return TEMPLATES;
}

export function readTemplate(name: string): string {
  return readFileSync(new URL(name, templatesDir()), 'utf8');
}
