import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { templatesDir } from '../templates.ts';
import type { EmailView } from './content.ts';

/**
 * The email layout as it is edited: templates/email.mjml.hbs (MJML filled by Handlebars) with every
 * templates/email-*.hbs as a partial named after its file. The renders never read it: `npm run build:email` compiles
 * it into layout.generated.ts, and only that build, the tests and the bench load it.
 */
export interface EmailMjmlSource {
  main: string;
  /** Partial name → source. */
  partials: Record<string, string>;
}

const MAIN = 'email.mjml.hbs';

export function emailMjmlSource(): EmailMjmlSource {
  const dir = templatesDir();
  const partials: Record<string, string> = {};
  for (const file of readdirSync(dir)
    .filter((f) => /^email-.+\.hbs$/.test(f))
    .sort()) {
    partials[file.replace(/\.mjml\.hbs$|\.hbs$/, '')] = readFileSync(new URL(file, dir), 'utf8');
  }
  return { main: readFileSync(new URL(MAIN, dir), 'utf8'), partials };
}

let cached: ((view: EmailView) => string) | undefined;

/** The MJML source filled for one view. */
export function emailMjmlTemplate(): (view: EmailView) => string {
  if (cached) return cached;
  const source = emailMjmlSource();
  const handlebars = Handlebars.create();
  for (const [name, partial] of Object.entries(source.partials)) handlebars.registerPartial(name, partial);
  const compiled = handlebars.compile<EmailView>(source.main, { strict: true });
  cached = (view) => compiled(view);
  return cached;
}
