// The page templates as `npm run build:templates` precompiled them (templates.generated.ts): a function that renders
// pages loads Handlebars' runtime only, not its compiler (nor source-map), reads no file and compiles nothing.
import Handlebars from 'handlebars/runtime';
import { templateSpecs, type TemplateFile } from './templates.generated.ts';

export type { TemplateFile };

/** The templates of one Handlebars environment, by file name, each with the environment's partials. */
export interface PageTemplates {
  template<View>(file: TemplateFile): (view: View) => string;
}

/** An environment of its own with `partials` (name the templates call → file) registered. */
export function precompiledTemplates(partials: Readonly<Record<string, TemplateFile>>): PageTemplates {
  const handlebars = Handlebars.create();
  for (const [name, file] of Object.entries(partials)) {
    handlebars.registerPartial(name, handlebars.template(templateSpecs[file]));
  }
  return { template: <View>(file: TemplateFile) => handlebars.template<View>(templateSpecs[file]) };
}
