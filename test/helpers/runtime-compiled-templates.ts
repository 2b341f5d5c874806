// The page templates compiled from templates/ when the renders load, as they were before `npm run build:templates`:
// the reference test/unit/page-templates-equivalence.test.ts holds the precompiled templates to.
import Handlebars from 'handlebars';
import { COMPILE_OPTIONS } from '../../scripts/compile-templates.ts';
import type { PageTemplates, TemplateFile } from '../../src/render/templates-precompiled.ts';
import { readTemplate } from '../../src/render/templates.ts';

/** The template files this side read and compiled, so a test can tell it really was the one rendering. */
export const compiledFromSource = new Set<TemplateFile>();

/** What precompiledTemplates() gives, from the sources: partials registered as text, templates compiled. */
export function runtimeCompiledTemplates(partials: Readonly<Record<string, TemplateFile>>): PageTemplates {
  const handlebars = Handlebars.create();
  for (const [name, file] of Object.entries(partials)) {
    handlebars.registerPartial(name, readTemplate(file));
    compiledFromSource.add(file);
  }
  return {
    template: <View>(file: TemplateFile) => {
      compiledFromSource.add(file);
      return handlebars.compile<View>(readTemplate(file), COMPILE_OPTIONS);
    },
  };
}
