// The precompiled templates write what the templates compiled at load wrote: the pages, listings, notices and
// preference pages of every fixture editorial, in every publication language the tests use, byte for byte; and
// every template and partial writes what Handlebars compiles it to, whatever shape its view has.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Notice } from '../../src/http/pages.ts';
import type { PreferencePageInput } from '../../src/http/preference-page.ts';
import type { Editorial } from '../../src/model.ts';
import type { ListingView } from '../../src/render/listing.ts';
import { COMPILE_OPTIONS, pageTemplateFiles, TEMPLATES_DIR } from '../../scripts/compile-templates.ts';
import { type Partials, type TemplateFile, templates } from '../../src/render/templates.generated.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { EQUIVALENCE_CONFIGS, fixtureEditorials } from '../helpers/equivalence-inputs.ts';
import { compiledFromSource, runtimeCompiledTemplates } from '../helpers/runtime-compiled-templates.ts';

const HOSTILE = 'Tom & Jerry\'s <b>"talks"</b> `=` {{x}} &amp; &#x27; \u0007';

/** What no fixture file is: markup characters in every field, withdrawn, corrected, right to left, with topics. */
const madeUp: Editorial[] = [
  makeEditorial({ title: HOSTILE, summary: HOSTILE, author: HOSTILE, correction: HOSTILE, topics: [HOSTILE, 'Ports'] }),
  makeEditorial({ status: 'withdrawn', topics: ['Ports'], updated: new Date('2026-06-05T10:30:00Z') }),
  makeEditorial({ lang: 'he', dir: 'rtl', title: 'שיחות הנמל', correction: 'גרסה קודמת טעתה.', author: undefined }),
  makeEditorial({ blocks: [{ kind: 'heading', level: 2, ...inline('Only a heading') }], summary: undefined }),
];

async function loadRenderers() {
  return {
    page: await import('../../src/render/page.ts'),
    listing: await import('../../src/render/listing.ts'),
    notices: await import('../../src/http/pages.ts'),
    preferences: await import('../../src/http/preference-page.ts'),
  };
}
type Renderers = Awaited<ReturnType<typeof loadRenderers>>;

let precompiled: Renderers;
let compiled: Renderers;

beforeAll(async () => {
  precompiled = await loadRenderers();
  vi.resetModules();
  vi.doMock('../../src/render/templates-precompiled.ts', () => ({ precompiledTemplates: runtimeCompiledTemplates }));
  try {
    compiled = await loadRenderers();
  } finally {
    vi.doUnmock('../../src/render/templates-precompiled.ts');
  }
});

/** One output of both sides, the same strings. */
function same(render: (r: Renderers) => string): void {
  const expected = render(compiled);
  expect(expected.length).toBeGreaterThan(0);
  expect(render(precompiled)).toBe(expected);
}

describe('the precompiled page templates beside the templates compiled at load', () => {
  it('are two sides: one compiled every template and partial from templates/, the other none', () => {
    expect([...compiledFromSource].sort()).toEqual(pageTemplateFiles());
    expect(precompiled.page.renderPage).not.toBe(compiled.page.renderPage);
  });

  for (const [name, config] of EQUIVALENCE_CONFIGS) {
    const editorials = [...fixtureEditorials(config), ...madeUp];
    const SITE = 'https://monexus.example';
    const feeds = (scope: string) => ({
      rss: `${SITE}${scope}/feeds/rss.xml`,
      atom: `${SITE}${scope}/feeds/atom.xml`,
      json: `${SITE}${scope}/feeds/feed.json`,
    });

    it(`write the same page for every fixture editorial (${name})`, () => {
      expect(editorials.length).toBeGreaterThan(15);
      for (const editorial of editorials) same((r) => r.page.renderPage(editorial, config));
    });

    it(`write the same cards and listing pages (${name})`, () => {
      for (const editorial of editorials) same((r) => r.listing.renderListingCard(editorial, config));
      const cards = editorials.map((editorial) => precompiled.listing.renderListingCard(editorial, config));
      const views: ListingView[] = [
        { cardsHtml: cards, pageUrl: `${SITE}/`, olderUrl: `${SITE}/archive/3/`, feeds: feeds('') },
        {
          page: 3,
          cardsHtml: cards,
          pageUrl: `${SITE}/archive/3/`,
          newerUrl: `${SITE}/`,
          olderUrl: `${SITE}/archive/2/`,
          feeds: feeds(''),
        },
        {
          page: 1,
          cardsHtml: cards.slice(0, 2),
          pageUrl: `${SITE}/archive/1/`,
          newerUrl: `${SITE}/archive/2/`,
          feeds: feeds(''),
        },
        {
          topic: { slug: 'ports', label: 'Ports' },
          cardsHtml: cards.slice(0, 1),
          pageUrl: `${SITE}/topics/ports/`,
          feeds: feeds('/topics/ports'),
        },
        {
          topic: { slug: 'x', label: HOSTILE },
          page: 2,
          cardsHtml: [],
          pageUrl: `${SITE}/topics/x/archive/2/`,
          feeds: feeds('/topics/x'),
        },
        { cardsHtml: [], pageUrl: `${SITE}/`, feeds: feeds('') },
      ];
      for (const view of views) same((r) => r.listing.renderListingPage(view, config));
    });

    it(`write the same notices and preference pages (${name})`, () => {
      const notices: Notice[] = [
        { title: 'Check your inbox', paragraphs: ['We sent a link.', HOSTILE] },
        { title: HOSTILE, paragraphs: [], link: { href: `${SITE}/?a=1&b="2"`, text: HOSTILE } },
        {
          title: 'Subscribe',
          paragraphs: ['One email a day.'],
          form: {
            button: 'Subscribe',
            hidden: [{ name: 'source', value: HOSTILE }],
            emailField: true,
            emailValue: 'reader@example.org',
            topics: [
              { name: 'energy', label: 'Energy', chosen: true },
              { name: 'ports', label: HOSTILE, chosen: false },
            ],
            topicsLegend: 'Topics',
          },
        },
        {
          title: 'Unsubscribe',
          paragraphs: ['Sure?'],
          form: { button: 'Unsubscribe', hidden: [{ name: 'token', value: 'abc' }] },
        },
      ];
      const preferencePages: PreferencePageInput[] = [
        { token: 'tok', email: 'reader@example.org', topics: [] },
        {
          token: HOSTILE,
          email: HOSTILE,
          language: 'ar',
          topics: [
            { name: 'energy', labels: { en: 'Energy', ar: 'الطاقة' }, chosen: true },
            { name: 'ports', chosen: false },
            { name: 'x', labels: { fr: HOSTILE }, chosen: true },
          ],
          saved: 'saved',
        },
        {
          token: 'tok',
          email: 'reader@example.org',
          language: 'fr',
          topics: [{ name: 'energy', chosen: false }],
          saved: 'noTopic',
        },
      ];
      for (const language of [undefined, 'en', 'fr', 'ar', 'uk', 'xx']) {
        for (const notice of notices) same((r) => r.notices.renderNotice(config, notice, language));
      }
      for (const input of preferencePages) same((r) => r.preferences.renderPreferencePage(config, input));
    });
  }

  it('write the same notice and preference page whatever the text', () => {
    const text = fc.string({
      unit: fc.constantFrom('<', '>', '&', '"', "'", '`', '=', '{', '}', '/', 's', ' ', '\u0000', '\u2028', 'é'),
    });
    const config = EQUIVALENCE_CONFIGS[0]![1];
    fc.assert(
      fc.property(text, text, fc.boolean(), (title, value, chosen) => {
        const notice: Notice = {
          title,
          paragraphs: [value, title],
          form: {
            button: title,
            hidden: [{ name: 'token', value }],
            emailField: chosen,
            emailValue: value,
            topics: [{ name: value, label: title, chosen }],
          },
          link: { href: value, text: title },
        };
        same((r) => r.notices.renderNotice(config, notice));
        same((r) =>
          r.preferences.renderPreferencePage(config, { token: value, email: title, topics: [{ name: value, chosen }] }),
        );
      }),
      { numRuns: 200 },
    );
  });
});

/** Every template under the name the renders register it as a partial: page-style.hbs is pageStyle. */
const FILES = pageTemplateFiles() as TemplateFile[];
const SOURCES = new Map(FILES.map((file) => [file, readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8')]));
const camel = (file: string) =>
  file
    .slice(0, -'.hbs'.length)
    .split('-')
    .map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
const PARTIALS: Partials = Object.fromEntries(FILES.map((file) => [camel(file), file]));

/** The names the templates read, found in the trees Handlebars parses them into. */
function fieldNames(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) fieldNames(item, into);
  else if (node !== null && typeof node === 'object') {
    const { type, parts } = node as { type?: string; parts?: string[] };
    if (type === 'PathExpression') for (const part of parts ?? []) into.add(part);
    for (const value of Object.values(node)) fieldNames(value, into);
  }
  return into;
}
const FIELDS = [
  ...fieldNames(
    [...SOURCES.values()].map((source) => Handlebars.parse(source)),
    new Set(),
  ),
].filter((name) => !['if', 'each', ...Object.keys(PARTIALS)].includes(name));

const EVERY_ESCAPED = `& < > " ' \` = &amp; {{x}}`;
const SCALARS: unknown[] = [undefined, null, '', 0, -0, Number.NaN, false, true, 1, 2.5, 'text', EVERY_ESCAPED];

/** Handlebars, compiled from the source with every template registered as a partial. */
const handlebars = Handlebars.create();
for (const [name, file] of Object.entries(PARTIALS)) handlebars.registerPartial(name, SOURCES.get(file)!);
const fromSource = new Map(FILES.map((file) => [file, handlebars.compile(SOURCES.get(file)!, COMPILE_OPTIONS)]));

function outcome(render: () => string): string {
  try {
    return render();
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}

function sameForEveryTemplate(view: unknown): void {
  for (const file of FILES) {
    const expected = outcome(() => fromSource.get(file)!(view));
    expect(
      outcome(() => templates[file](view, PARTIALS)),
      file,
    ).toBe(expected);
  }
}

describe('the generated template functions beside Handlebars compiling the same source', () => {
  const every = (value: unknown) => Object.fromEntries(FIELDS.map((name) => [name, value]));

  it('read the fields the templates name', () => {
    expect(FIELDS).toEqual(expect.arrayContaining(['title', 'cadences', 'length', 'withdrawn', 'cardsHtml']));
  });

  it('write the same for no view, an empty one, and views whose every field is one value', () => {
    sameForEveryTemplate(undefined);
    sameForEveryTemplate(null);
    sameForEveryTemplate({});
    sameForEveryTemplate([]);
    sameForEveryTemplate(EVERY_ESCAPED);
    for (const value of SCALARS) {
      sameForEveryTemplate(every(value));
      sameForEveryTemplate(every([value, value]));
      sameForEveryTemplate(every([every(value)]));
      sameForEveryTemplate(every(every(value)));
      sameForEveryTemplate(every([every(value), every([every(value)])]));
    }
    sameForEveryTemplate(every([]));
    sameForEveryTemplate(every({}));
    // Sparse arrays skip their holes; a Set is iterated; an object's own values are its items.
    const sparse: unknown[] = [];
    sparse[1] = every('one');
    sparse[3] = every('two');
    sameForEveryTemplate(every(sparse));
    sameForEveryTemplate(every(new Set([every('one'), EVERY_ESCAPED])));
    sameForEveryTemplate(every({ a: every('one'), b: EVERY_ESCAPED }));
  });

  it('write the same for views of any shape: missing fields, falsy values, lists, markup characters', () => {
    const text = fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '`', '=', '{', '}', 's', ' ', 'é') });
    const scalar = fc.oneof(fc.constantFrom(...SCALARS), text, fc.integer({ min: -2, max: 2 }));
    const { view } = fc.letrec<{ value: unknown; view: Record<string, unknown> }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), tie('view')),
      view: fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 24, noNullPrototype: true }),
    }));
    fc.assert(
      fc.property(view, (v) => sameForEveryTemplate(v)),
      { numRuns: 300 },
    );
  });
});
