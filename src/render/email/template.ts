import { existsSync, readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { EmailView } from './content.ts';

const MAIN = 'email.mjml.hbs';
/** Beside the sources in the project, or copied next to a bundled handler. */
const CANDIDATES = [new URL('../../../templates/', import.meta.url), new URL('./templates/', import.meta.url)];

function templatesDir(): URL {
  const found = CANDIDATES.find((dir) => existsSync(new URL(MAIN, dir)));
  if (!found) throw new Error(`email template ${MAIN} not found in ${CANDIDATES.map((u) => u.pathname).join(' or ')}`);
  return found;
}

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
