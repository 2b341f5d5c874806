import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { templatesDir } from '../templates.ts';
import type { EmailView } from './content.ts';

const MAIN = 'email.mjml.hbs';

let cached: ((view: EmailView) => string) | undefined;

/** templates/email.mjml.hbs with every templates/email-*.hbs as a partial named after its file. */
export function emailMjmlTemplate(): (view: EmailView) => string {
  if (cached) return cached;
  const dir = templatesDir();
  const handlebars = Handlebars.create();
  const main = readFileSync(new URL(MAIN, dir), 'utf8');
  for (const file of readdirSync(dir).filter((f) => /^email-.+\.hbs$/.test(f)).sort()) {
    handlebars.registerPartial(file.replace(/\.mjml\.hbs$|\.hbs$/, ''), readFileSync(new URL(file, dir), 'utf8'));
  }
  const compiled = handlebars.compile<EmailView>(main, { strict: true });
  cached = (view) => compiled(view);
  return cached;
}
