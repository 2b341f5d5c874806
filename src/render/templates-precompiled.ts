// The page templates as `npm run build:templates` compiled them (templates.generated.ts): plain functions, so a
// function that renders pages loads no Handlebars at all, reads no file and compiles nothing.
import { type Partials, type TemplateFile, templates } from './templates.generated.ts';

export type { TemplateFile };

/** The templates of one environment, by file name, each with the environment's partials. */
export interface PageTemplates {
  template<View>(file: TemplateFile): (view: View) => string;
}

/** An environment of its own with `partials` (name the templates call → file) registered. */
export function precompiledTemplates(partials: Partials): PageTemplates {
  // A copy, as Handlebars' registerPartial kept its own: a later change to the caller's object changes nothing.
  const registered: Partials = { ...partials };
  return {
    template:
      <View>(file: TemplateFile) =>
      (view: View) =>
        templates[file](view, registered),
  };
}
