import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/cli/build.ts';
import { configFrom, type Config } from '../../src/config.ts';
import { en, messagesFor, type PluralMessage } from '../../src/i18n/index.ts';
import { renderPage } from '../../src/render/page.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

/*
 * Editorials in Arabic, Ukrainian, Russian, French, German and Portuguese, built by the offline builder: what a reader
 * of each gets must carry no English word Broadsheet writes itself, and its dates in the reader's language.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures', 'i18n');
const NOW = new Date('2026-07-01T00:00:00Z');
const PUBLISHED = new Date('2026-06-20T07:00:00Z');
const UPDATED = new Date('2026-06-21T09:30:00Z');

const SLUGS = {
  ar: '2026-06-20-mohadathat-al-mina',
  uk: '2026-06-20-perehovory-v-portu',
  ru: '2026-06-20-peregovory-v-portu',
  fr: '2026-06-20-pourparlers-du-port',
  de: '2026-06-20-hafen-gespraeche',
  pt: '2026-06-20-conversas-no-porto',
  withdrawn: '2026-06-19-vidklykana-stattia',
} as const;

/** Words of Broadsheet's English chrome that must not show in another language's email or page. */
const ENGLISH_CHROME = [
  'Unsubscribe',
  'View in browser',
  'Wire provenance',
  'Correction',
  'Updated',
  'Subscribe',
  'Email address',
  'Continue reading',
  'Withdrawn',
  'You receive',
  'subscribed',
  'Older',
  'Newer',
  'By ',
];

/** The fixed parts of every English message (the text between its placeholders) that have a word in them. */
const ENGLISH_FRAGMENTS = [
  ...new Set(
    Object.values(en)
      .flatMap((message: string | PluralMessage) => (typeof message === 'string' ? [message] : Object.values(message)))
      .flatMap((message) => message.split(/\{\w+\}/))
      .map((fragment) => fragment.trim())
      .filter((fragment) => /[A-Za-z]{2}/.test(fragment)),
  ),
];

interface Built {
  config: Config;
  read: (slug: string, file: string) => string;
}

async function build(publication: Partial<Config['publication']>): Promise<Built> {
  const config = configFrom({ publication }, 'test');
  const out = mkdtempSync(join(tmpdir(), 'broadsheet-i18n-'));
  const report = await buildSite({ inputs: [FIXTURES], out, config, now: NOW, stdout: () => {}, stderr: () => {} });
  expect(report.rejected).toEqual([]);
  return {
    config,
    read: (slug, file) => readFileSync(join(out, slug === '' ? file : join('editorials', slug, file)), 'utf8'),
  };
}

/** What a reader sees of a document: its text and the attributes a browser shows or reads aloud. */
function visible(html: string, config: Config): string {
  const { document } = new JSDOM(html).window;
  document.querySelectorAll('style, script').forEach((node) => node.remove());
  const attributes = [...document.querySelectorAll('[title], [aria-label], [alt], [placeholder]')].flatMap((node) =>
    ['title', 'aria-label', 'alt', 'placeholder'].map((name) => node.getAttribute(name) ?? ''),
  );
  return withoutPublicationText([document.title, document.body.textContent ?? '', ...attributes].join('\n'), config);
}

/** The publication's own words from its configuration (address, copyright) are not Broadsheet's chrome. */
function withoutPublicationText(text: string, config: Config): string {
  return [config.postalAddress, config.rights.copyrightNotice, config.publication.description].reduce(
    (t, own) => t.split(own).join(' '),
    text,
  );
}

function englishIn(text: string): string[] {
  return [...ENGLISH_FRAGMENTS, ...ENGLISH_CHROME].filter((fragment) => text.includes(fragment));
}

const dayIn = (lang: string, date: Date) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);

describe('editorials in other languages, built on an English publication', () => {
  let site: Built;
  beforeAll(async () => {
    site = await build({ language: 'en' });
  }, 120_000);

  describe.each(['ar', 'uk', 'ru', 'fr'] as const)('%s', (lang) => {
    const slug = SLUGS[lang];
    const dir = lang === 'ar' ? 'rtl' : 'ltr';

    it('has a web page without English fixed text, dates in its language, and the right lang and dir', () => {
      const html = site.read(slug, 'index.html');
      expect(englishIn(visible(html, site.config))).toEqual([]);
      const { document } = new JSDOM(html).window;
      expect(document.documentElement.getAttribute('lang')).toBe(lang);
      expect(document.documentElement.getAttribute('dir')).toBe(dir);
      const times = [...document.querySelectorAll('.byline time')].map((t) => t.textContent);
      expect(times[0]).toBe(dayIn(lang, PUBLISHED));
      expect(times[1]).toBe(messagesFor(lang, 'en').dateTime(UPDATED));
      expect(times[1]).toContain(dayIn(lang, UPDATED).slice(0, 2));
      expect(document.querySelector('.provenance h2')?.textContent).toBe(
        messagesFor(lang, 'en').t('article.provenanceHeading'),
      );
      expect(document.querySelector('form input[name="lang"]')?.getAttribute('value')).toBe(lang);
    });

    it('has an email (HTML, text and the whole message) without English fixed text, dated in its language', async () => {
      const html = site.read(slug, 'email.html');
      const text = site.read(slug, 'email.txt');
      expect(englishIn(visible(html, site.config))).toEqual([]);
      expect(englishIn(withoutPublicationText(text, site.config))).toEqual([]);
      expect(text).toContain(dayIn(lang, PUBLISHED));
      expect(visible(html, site.config)).toContain(dayIn(lang, PUBLISHED));

      const eml = site.read(slug, 'email.eml');
      const mail = await simpleParser(eml);
      expect(englishIn(visible(mail.html as string, site.config))).toEqual([]);
      expect(englishIn(withoutPublicationText(mail.text!, site.config))).toEqual([]);
      // The one line a client that cannot read MIME shows, right after the headers.
      expect(eml).toContain(`\r\n\r\n${messagesFor(lang, 'en').t('email.mimePreamble')}\r\n--`);
      expect(eml).not.toContain(en['email.mimePreamble']);

      const root = new JSDOM(html).window.document.documentElement;
      expect(root.getAttribute('lang')).toBe(lang);
      expect(root.getAttribute('dir')).toBe(dir);
      // The unsubscribe page it links to answers in the same language.
      const unsubscribe = new JSDOM(html).window.document
        .querySelector(`a[href^="${site.config.unsubscribe.url}"]`)
        ?.getAttribute('href');
      expect(unsubscribe).toMatch(new RegExp(`\\?token=[^&]+&lang=${lang}$`));
      expect(text).toContain(`${unsubscribe}\n`);
    });

    it('has ninjs and feed content with the provenance heading and correction label in its language', () => {
      const ninjs = JSON.parse(site.read(slug, 'ninjs.json'));
      const body = ninjs.bodies[0].value as string;
      const m = messagesFor(lang, 'en');
      expect(body).toContain(m.t('article.provenanceHeading'));
      expect(body).toContain(m.t('article.correction'));
      expect(englishIn(new JSDOM(body).window.document.body.textContent!)).toEqual([]);
      const feed = JSON.parse(site.read('', 'feeds/feed.json'));
      const item = feed.items.find((i: { url: string }) => i.url.includes(slug));
      expect(item.content_html).toContain(m.t('article.provenanceHeading'));
      expect(item.content_html).not.toContain(en['article.provenanceHeading']);
    });
  });

  it("says in the editorial's language that it was withdrawn, on its page and to partners", () => {
    const html = site.read(SLUGS.withdrawn, 'index.html');
    const notice = new JSDOM(html).window.document.querySelector('.withdrawn-notice')?.textContent;
    expect(notice).toBe(
      'Матеріал відкликано. Monexus відкликав цю редакційну статтю; її текст більше не публікується.',
    );
    expect(englishIn(visible(html, site.config))).toEqual([]);
    expect(JSON.parse(site.read(SLUGS.withdrawn, 'ninjs.json')).bodies[0].value).toContain('Матеріал відкликано.');
  });

  it('gives a German editorial German chrome, with dates as Austria writes them for de-AT', () => {
    const html = site.read(SLUGS.de, 'index.html');
    expect(englishIn(visible(html, site.config))).toEqual([]);
    expect(html).toContain('Quellen der Meldung');
    expect(html).toContain('Korrektur:');
    expect(visible(html, site.config)).toContain(`Von Monexus-Redaktion · ${dayIn('de-AT', PUBLISHED)}`);
    const text = site.read(SLUGS.de, 'email.txt');
    expect(text).toContain('Abbestellen oder Themen ändern: ');
    expect(text).toContain('Im Browser ansehen: ');
  });

  it('keeps the home page in the publication language', () => {
    const home = site.read('', 'index.html');
    const { document } = new JSDOM(home).window;
    expect(document.documentElement.getAttribute('lang')).toBe('en');
    expect(document.querySelector('#subscribe-heading')?.textContent).toBe('Get Monexus by email');
    // The check itself finds English chrome where there is some.
    expect(englishIn(visible(home, site.config))).toEqual(
      expect.arrayContaining(['by email', 'Email address', 'Subscribe']),
    );
  });
});

describe('a right-to-left editorial in a language without a catalogue', () => {
  it('keeps its page right to left and marks the English chrome left to right', () => {
    const editorial = makeEditorial({ lang: 'he', dir: 'rtl', title: 'שיחות הנמל', correction: 'גרסה קודמת טעתה.' });
    const { document } = new JSDOM(renderPage(editorial, configFrom({}, 'test'))).window;
    expect(document.documentElement.getAttribute('dir')).toBe('rtl');
    for (const selector of ['.byline', '.correction strong', '.provenance h2', 'section.subscribe']) {
      const element = document.querySelector(selector)!;
      expect([selector, element.getAttribute('lang'), element.getAttribute('dir')]).toEqual([selector, 'en', 'ltr']);
    }
  });
});

describe('an editorial in a language without a catalogue', () => {
  let site: Built;
  beforeAll(async () => {
    site = await build({ language: 'fr' });
  }, 120_000);

  it('gets the chrome of the publication language, marked as such, inside a page in its own language', () => {
    const html = site.read(SLUGS.pt, 'index.html');
    const { document } = new JSDOM(html).window;
    expect(document.documentElement.getAttribute('lang')).toBe('pt-BR');
    expect(englishIn(visible(html, site.config))).toEqual([]);
    const byline = document.querySelector('.byline')!;
    expect(byline.getAttribute('lang')).toBe('fr');
    expect(byline.textContent).toBe(
      `Par Redação Monexus · ${dayIn('fr', PUBLISHED)} · Mis à jour le ${messagesFor('fr', 'fr').dateTime(UPDATED)}`,
    );
    expect(document.querySelector('.provenance h2')?.textContent).toBe('Sources de la dépêche');
    expect(document.querySelector('#subscribe-heading')?.textContent).toBe('Recevoir Monexus par e-mail');
    expect(document.querySelector('form input[name="lang"]')?.getAttribute('value')).toBe('fr');
  });

  it('sends an email with French chrome, marked as French', () => {
    const html = site.read(SLUGS.pt, 'email.html');
    const { document } = new JSDOM(html).window;
    expect(document.documentElement.getAttribute('lang')).toBe('pt-BR');
    const footer = [...document.querySelectorAll('p')].find((p) => p.textContent?.startsWith('Vous recevez Monexus'));
    expect(footer?.getAttribute('lang')).toBe('fr');
    const text = site.read(SLUGS.pt, 'email.txt');
    expect(englishIn(withoutPublicationText(text, site.config))).toEqual([]);
    expect(text).toContain('Se désabonner ou changer de thèmes\u00a0: ');
    expect(text).toContain('Rectificatif\u00a0: Uma versão anterior');
    expect(text).toContain(dayIn('fr', PUBLISHED));
  });

  it('writes the home page and topic feeds of a French publication in French', () => {
    const home = site.read('', 'index.html');
    expect(englishIn(visible(home, site.config))).toEqual([]);
    expect(new JSDOM(home).window.document.documentElement.getAttribute('lang')).toBe('fr');
    const topicFeed = JSON.parse(site.read('', 'topics/ports/feeds/feed.json'));
    expect(topicFeed.title).toBe('Monexus\u00a0: Ports');
  });
});
