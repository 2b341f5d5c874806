import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.ts';
import { compilePageTemplates, GENERATED_TEMPLATES, pageTemplateFiles } from '../../scripts/compile-templates.ts';

describe('the precompiled page templates', () => {
  it('are what templates/ compiles to now', () => {
    const committed = readFileSync(GENERATED_TEMPLATES, 'utf8');
    expect(
      committed === compilePageTemplates(),
      'src/render/templates.generated.ts is stale (templates/*.hbs or Handlebars changed): run `npm run build:templates`',
    ).toBe(true);
  });

  it('hold every page template and partial, and none of the email MJML', () => {
    const files = pageTemplateFiles();
    const pages = ['page.html.hbs', 'listing.html.hbs', 'notice.html.hbs', 'preferences.html.hbs', 'page-style.hbs'];
    expect(files).toEqual(expect.arrayContaining(pages));
    expect(files.filter((file) => file.endsWith('.mjml.hbs'))).toEqual([]);
  });

  it.each(['functions/publish.ts', 'functions/subscribe.ts', 'functions/confirm.ts', 'functions/unsubscribe.ts'])(
    '%s renders pages with the compiled template functions, without Handlebars',
    (entry) => {
      const { packages, files } = importGraph(entry);
      expect([...files].some((file) => file.endsWith('src/render/templates.generated.ts'))).toBe(true);
      // Type-only imports count too: no module of a function names Handlebars (runtime or compiler) at all.
      expect([...packages].filter((name) => name.startsWith('handlebars') || name === 'source-map')).toEqual([]);
    },
  );

  it('are generated without importing Handlebars: their one import is the page runtime', () => {
    expect(
      compilePageTemplates()
        .split('\n')
        .filter((line) => line.startsWith('import')),
    ).toEqual(["import { each, escaped, get, raw, truthy } from './page-runtime.ts';"]);
  });
});
