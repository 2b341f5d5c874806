import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { messagesFor } from '../../src/i18n/index.ts';
import {
  assembleDigest,
  renderDigest,
  type DigestEntry,
  type DigestPeriod,
  type DigestTemplate,
} from '../../src/render/email/digest.ts';
import { renderEmail } from '../../src/render/email/index.ts';
import { CLIP_HEADROOM, UNSUBSCRIBE_URL_ALLOWANCE } from '../../src/render/email/render.ts';
import { urls } from '../../src/render/urls.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import { htmlNodes, htmlXPath } from '../helpers/html.ts';
import { importGraph } from '../helpers/import-graph.ts';

const config = loadConfig();
const UNSUBSCRIBE = 'https://monexus.example/unsubscribe?token=4f9c2b7e1d0a&list=digest';
/** The longest unsubscribe URL the clipping budget allows for. */
const LONG_UNSUBSCRIBE = `https://monexus.example/unsubscribe?token=${'7'.repeat(UNSUBSCRIBE_URL_ALLOWANCE - 42)}`;
const DAILY: DigestPeriod = {
  cadence: 'daily',
  id: '2026-12-07',
  start: new Date('2026-12-06T07:00:00Z'),
  end: new Date('2026-12-07T07:00:00Z'),
};
const WEEKLY: DigestPeriod = { ...DAILY, cadence: 'weekly', start: new Date('2026-11-30T07:00:00Z') };

const xpath = (html: string, expression: string) => htmlXPath(html, expression).trim();
const text = (html: string, expression: string) => xpath(html, `normalize-space(${expression})`);
const count = (html: string, expression: string) => Number(xpath(html, `count(${expression})`));
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

function entry(n: number, overrides: Partial<DigestEntry> = {}): DigestEntry {
  return {
    slug: `2026-12-06-harbour-${n}`,
    title: `The harbour talks, day ${n}`,
    summary: `The port authority weighed offer number ${n} against the record.`,
    publishedAt: new Date(Date.UTC(2026, 11, 6, 12, 0) - n * 60_000),
    topics: ['energy'],
    sources: 3,
    lang: 'en',
    dir: 'ltr',
    ...overrides,
  };
}

const entries = (n: number, overrides: Partial<DigestEntry> = {}) =>
  Array.from({ length: n }, (_, i) => entry(i, overrides));

function withMaxItems(maxItems: number): Config {
  return { ...config, subscription: { ...config.subscription, digests: { ...config.subscription.digests, maxItems } } };
}

/** Every item of the template, as a reader subscribed to every topic gets it. */
const everything = (template: DigestTemplate, url = UNSUBSCRIBE) =>
  assembleDigest(
    template,
    template.html.items.map((_, i) => i),
    url,
  );

/** The preheader an inbox shows before the email is opened: the hidden block at the top of the body. */
const preview = (html: string) => htmlNodes(html, '//div[contains(@style,"display:none")]')[0]?.textContent ?? '';

const itemLinks = (html: string) => htmlNodes(html, '//h2/a/@href').map((node) => node.textContent);

describe('a daily digest in English', () => {
  const listed = entries(3);
  const template = renderDigest(listed, config, DAILY, 'en');
  const copy = everything(template);
  const en = messagesFor('en', 'en');

  it('is titled as a digest of the publication, with its period under the title', () => {
    expect(count(copy.html, '//h1')).toBe(1);
    expect(text(copy.html, '//h1')).toBe('Monexus: your daily digest');
    expect(text(copy.html, '//h1/following-sibling::p[1]')).toBe(
      `Editorials made public from ${en.dateTime(DAILY.start)} until ${en.dateTime(DAILY.end)}`,
    );
    expect(copy.subject).toBe(`Monexus daily digest: ${en.date(new Date('2026-12-07T00:00:00Z'))}`);
    expect(template.language).toBe('en');
  });

  it('calls a weekly digest weekly', () => {
    const weekly = everything(renderDigest(listed, config, WEEKLY, 'en'));
    expect(text(weekly.html, '//h1')).toBe('Monexus: your weekly digest');
    expect(weekly.subject).toContain('Monexus weekly digest');
  });

  it('gives every editorial a heading that links to its page, in the order given', () => {
    expect(count(copy.html, '//h2')).toBe(3);
    expect(itemLinks(copy.html)).toEqual(listed.map((e) => urls.page(config, e.slug)));
    expect(htmlNodes(copy.html, '//h2').map((h) => h.textContent)).toEqual(listed.map((e) => e.title));
    expect(template.entries.map((e) => e.slug)).toEqual(listed.map((e) => e.slug));
    expect(template.entries[0]!.publishedAt).toBe(listed[0]!.publishedAt.toISOString());
  });

  it('shows each item’s date, summary, reader-facing topic labels and number of sources', () => {
    const first = '//div[contains(@class,"bs-digest-item")][1]';
    expect(text(copy.html, `${first}/p[1]`)).toBe(`${en.date(listed[0]!.publishedAt)} · Energy · 3 sources`);
    expect(text(copy.html, `${first}/p[2]`)).toBe(listed[0]!.summary);
    const single = everything(renderDigest([entry(0, { sources: 1, topics: ['Ports'] })], config, DAILY, 'en'));
    expect(text(single.html, '//div[contains(@class,"bs-digest-item")]/p[1]')).toContain('Ports · 1 source');
  });

  it('labels topics in the reader’s language', () => {
    const german = everything(renderDigest([entry(0, { topics: ['ENERGY', 'europe'] })], config, DAILY, 'de'));
    expect(text(german.html, '//div[contains(@class,"bs-digest-item")]/p[1]')).toContain(
      'Energie und Europa · 3 Quellen',
    );
    expect(text(german.html, '//h1')).toBe('Monexus: Ihre tägliche Übersicht');
  });

  it('marks a corrected editorial as corrected, with the correction', () => {
    const corrected = everything(
      renderDigest([entry(0, { correction: 'An earlier version gave the wrong date.' })], config, DAILY, 'en'),
    );
    expect(text(corrected.html, '//*[@role="note"]')).toBe('Corrected: An earlier version gave the wrong date.');
    expect(corrected.text).toContain('Corrected: An earlier version gave the wrong date.');
  });

  it('links "View in browser" to the site’s home page, and names the first titles in the preheader', () => {
    const links = htmlNodes(copy.html, '//a[normalize-space()="View in browser"]/@href');
    expect(links.length).toBe(2);
    for (const link of links) expect(link.textContent).toBe(urls.home(config));
    expect(template.preheader).toBe(listed.map((e) => e.title).join(' · '));
    expect(preview(copy.html).startsWith(`${template.preheader}\u034f`)).toBe(true);
  });

  it('names in the preheader only the titles of the reader’s own items', () => {
    const chosen = assembleDigest(template, [1, 2], UNSUBSCRIBE);
    expect(preview(chosen.html).startsWith(`${listed[1]!.title} · ${listed[2]!.title}\u034f`)).toBe(true);
    expect(preview(assembleDigest(template, [], UNSUBSCRIBE).html).startsWith('\u034f')).toBe(true);
  });

  it('hides the preheader behind the same invisible run as an editorial’s email', async () => {
    const editorial = makeEditorial();
    const email = await renderEmail(editorial, config);
    const padding = (html: string, preheader: string) => preview(html).slice(preheader.length);
    expect(padding(copy.html, template.preheader)).toBe(padding(email.html, email.preheader));
    expect(padding(copy.html, template.preheader).length).toBeGreaterThan(0);
  });

  it('holds the unsubscribe placeholder once in each part, outside the items', () => {
    const { placeholder } = template;
    expect(occurrences(template.html.head + template.html.tail, placeholder)).toBe(1);
    expect(occurrences(template.text.head + template.text.tail, placeholder)).toBe(1);
    for (const item of [...template.html.items, ...template.text.items]) expect(item).not.toContain(placeholder);
    expect(copy.html).not.toContain(placeholder);
    expect(copy.text).not.toContain(placeholder);
    expect(xpath(copy.html, '//a[normalize-space()="Unsubscribe or change topics"]/@href')).toBe(UNSUBSCRIBE);
    expect(copy.text).toContain(`Unsubscribe or change topics: ${UNSUBSCRIBE}`);
  });

  it('gives a reader only the items chosen for them', () => {
    const chosen = assembleDigest(template, [0, 2], UNSUBSCRIBE);
    expect(count(chosen.html, '//h2')).toBe(2);
    expect(itemLinks(chosen.html)).toEqual([urls.page(config, listed[0]!.slug), urls.page(config, listed[2]!.slug)]);
    expect(chosen.html).not.toContain(listed[1]!.title);
    expect(chosen.text).toContain(listed[0]!.title);
    expect(chosen.text).not.toContain(listed[1]!.title);
    expect(chosen.text).toContain(listed[2]!.title);
    expect(() => assembleDigest(template, [3], UNSUBSCRIBE)).toThrow(RangeError);
  });

  it('has a plain-text part with the same items: title, date, topics, sources, summary and address', () => {
    expect(template.text.items.length).toBe(template.html.items.length);
    for (const [i, item] of template.text.items.entries()) {
      const e = listed[i]!;
      expect(item).toBe(
        `${e.title}\n${en.date(e.publishedAt)} · Energy · 3 sources\n${e.summary}\n${urls.page(config, e.slug)}\n\n`,
      );
    }
    expect(copy.text.startsWith('Monexus\n\nMonexus: your daily digest\n')).toBe(true);
    expect(copy.text).toContain(`View in browser: ${urls.home(config)}`);
  });

  it('has no "more" link when nothing was left out', () => {
    expect(template.omitted).toBe(0);
    expect(template.html.more).toBe('');
    expect(template.text.more).toBe('');
    expect(copy.html).not.toContain('more editorial');
  });

  it('is still a whole document for a reader with no item chosen', () => {
    const empty = assembleDigest(template, [], UNSUBSCRIBE);
    expect(empty.html.startsWith('<!doctype html>')).toBe(true);
    expect(occurrences(empty.html, '<html ')).toBe(1);
    expect(occurrences(empty.html, '</body>')).toBe(1);
    expect(occurrences(empty.html, '</html>')).toBe(1);
    expect(empty.html).not.toContain('<h2');
    expect(occurrences(empty.html, '<div')).toBe(occurrences(empty.html, '</div>'));
    expect(occurrences(empty.text, UNSUBSCRIBE)).toBe(1);
    expect(empty.text.endsWith('\n')).toBe(true);
  });
});

describe('a digest with more editorials than it lists', () => {
  it('keeps the first subscription.digests.maxItems and links to the rest on the site', () => {
    const listed = entries(12);
    const template = renderDigest(listed, withMaxItems(5), DAILY, 'en');
    expect(template.html.items.length).toBe(5);
    expect(template.text.items.length).toBe(5);
    expect(template.omitted).toBe(7);
    expect(template.entries.map((e) => e.slug)).toEqual(listed.slice(0, 5).map((e) => e.slug));
    const copy = everything(template);
    expect(xpath(copy.html, '//a[normalize-space()="7 more editorials on the site"]/@href')).toBe(urls.home(config));
    expect(copy.text).toContain(`7 more editorials on the site: ${urls.home(config)}`);
    // A reader who gets none of the listed items still learns of the others.
    expect(assembleDigest(template, [], UNSUBSCRIBE).html).toContain('7 more editorials on the site');
  });

  it('names one left-out editorial in the singular', () => {
    const template = renderDigest(entries(3), withMaxItems(2), DAILY, 'en');
    expect(text(everything(template).html, '//a[contains(.,"more editorial")]')).toBe('1 more editorial on the site');
  });

  it('stays under the clipping budget with 300 long entries, leaving the rest to the link', () => {
    const summary = 'The port authority weighed the offer against the record once more. '.repeat(8);
    const listed = entries(300, { summary, title: 'A long title about the harbour talks '.repeat(4) });
    const template = renderDigest(listed, withMaxItems(1000), WEEKLY, 'en');
    const limit = config.email.clipBytes - CLIP_HEADROOM;
    const { head, items, more, tail } = template.html;
    const size = bytes(head + items.join('') + more + tail) + UNSUBSCRIBE_URL_ALLOWANCE - template.placeholder.length;
    expect(size).toBeLessThan(limit);
    expect(template.omitted).toBeGreaterThan(0);
    expect(items.length + template.omitted).toBe(300);
    expect(items.length).toBeGreaterThan(20);
    expect(LONG_UNSUBSCRIBE.length).toBe(UNSUBSCRIBE_URL_ALLOWANCE);
    const copy = everything(template, LONG_UNSUBSCRIBE);
    expect(bytes(copy.html)).toBeLessThan(limit);
    expect(count(copy.html, '//h2')).toBe(items.length);
    expect(text(copy.html, '//p[last()]/a[contains(.,"more editorials")]')).toBe(
      `${template.omitted} more editorials on the site`,
    );
  });

  it('renders even when not one item fits, leaving every editorial to the link', () => {
    const huge = entries(2, { summary: 'x'.repeat(200_000), title: 'y '.repeat(60_000) });
    const template = renderDigest(huge, config, DAILY, 'en');
    expect(template.html.items.length).toBe(0);
    expect(template.omitted).toBe(2);
    expect(everything(template).html).toContain('2 more editorials on the site');
  });
});

describe('a digest for a reader of a right-to-left language', () => {
  const listed = [entry(0), entry(1, { lang: 'ar', dir: 'rtl', title: 'محادثات الميناء', sources: 2 })];
  const template = renderDigest(listed, config, DAILY, 'ar');
  const copy = everything(template);

  it('sets the document’s language and direction to the reader’s', () => {
    expect(template.language).toBe('ar');
    expect(xpath(copy.html, '/html/@dir')).toBe('rtl');
    expect(xpath(copy.html, '/html/@lang')).toBe('ar');
    expect(text(copy.html, '//h1')).toBe('Monexus: موجزك اليومي');
  });

  it('keeps an English item in English and left to right, its date and counts in Arabic', () => {
    const english = '//div[contains(@class,"bs-digest-item")][1]';
    expect(xpath(copy.html, `${english}/@lang`)).toBe('en');
    expect(xpath(copy.html, `${english}/@dir`)).toBe('ltr');
    expect(xpath(copy.html, `${english}/p[1]/@lang`)).toBe('ar');
    expect(xpath(copy.html, `${english}/p[1]/@dir`)).toBe('rtl');
    expect(text(copy.html, `${english}/p[1]`)).toContain('الطاقة');
  });

  it('leaves an Arabic item to inherit the document’s language, with Arabic plural forms', () => {
    const arabic = '//div[contains(@class,"bs-digest-item")][2]';
    expect(count(copy.html, `${arabic}/@lang`)).toBe(0);
    expect(text(copy.html, `${arabic}/p[1]`)).toContain('مصدران');
  });
});

describe('hostile text in an entry', () => {
  const hostile = `<script>alert("x")</script> & 'quoted' "title"`;
  const template = renderDigest(
    [
      entry(0, {
        title: hostile,
        summary: `${hostile} <img src=x onerror=alert(1)>`,
        topics: [`<b onclick="x">`],
        correction: `"><script>1</script>`,
        slug: `a"b<c`,
      }),
    ],
    config,
    DAILY,
    'en',
  );
  const copy = everything(template);

  it('is shown as text, never as markup', () => {
    expect(count(copy.html, '//script')).toBe(0);
    expect(count(copy.html, '//img')).toBe(0);
    expect(count(copy.html, '//b')).toBe(0);
    expect(count(copy.html, '//*[@onclick or @onerror]')).toBe(0);
    expect(text(copy.html, '//h2')).toBe(hostile);
    expect(xpath(copy.html, '//h2/a/@href')).toBe(urls.page(config, `a"b<c`));
    expect(text(copy.html, '//*[@role="note"]')).toBe('Corrected: "><script>1</script>');
    expect(template.preheader).toBe(hostile);
    expect(preview(copy.html).startsWith(hostile)).toBe(true);
  });
});

describe('the sending side of a digest', () => {
  it('assembles a reader’s copy without loading the layout, the catalogues, mjml or Handlebars', () => {
    const { files, packages } = importGraph('src/render/email/digest-assemble.ts');
    expect(files.size).toBeGreaterThan(2);
    expect([...packages].filter((name) => /mjml|handlebars/.test(name))).toEqual([]);
    const loaded = [...files].map((file) => file.slice(file.indexOf('/src/') + 1));
    expect(loaded.filter((file) => /layout|i18n|content\.ts|render\.ts/.test(file))).toEqual([]);
  });
});
