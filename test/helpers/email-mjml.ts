import mjml2html from 'mjml';
import type { Config } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import type { EmailView } from '../../src/render/email/content.ts';
import { PLACEHOLDER_MARK, renderEmail } from '../../src/render/email/render.ts';
import { emailMjmlTemplate } from '../../src/render/email/template.ts';
import type { EmailTemplate } from '../../src/render/email/types.ts';
import { MJML_OPTIONS } from '../../scripts/compile-email.ts';

// mjml writes the same HTML for the same source: a source already compiled (the same editorial under publications
// that differ in nothing it shows, or a clipping render met again) is not compiled twice.
const compiled = new Map<string, Promise<string>>();

/**
 * The email's HTML as every render wrote it before the layout was compiled: mjml run on the filled MJML source, whose
 * placeholder is the render's mark, split where the mark stands.
 */
export async function mjmlLayout(view: EmailView): Promise<string[]> {
  const source = emailMjmlTemplate()(view);
  let html = compiled.get(source);
  if (!html) {
    html = compile(source);
    compiled.set(source, html);
  }
  return (await html).split(PLACEHOLDER_MARK);
}

async function compile(source: string): Promise<string> {
  const result = await mjml2html(source, MJML_OPTIONS);
  if (result.errors.length)
    throw new Error(`email MJML is invalid:\n${result.errors.map((e) => `  - ${e.formattedMessage}`).join('\n')}`);
  return result.html;
}

/** The email rendered the old way: the same clipping and text, with mjml compiling the layout at every render. */
export function renderEmailWithMjml(editorial: Editorial, config: Config): Promise<EmailTemplate> {
  return renderEmail(editorial, config, mjmlLayout);
}
