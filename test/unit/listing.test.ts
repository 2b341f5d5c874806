import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { en } from '../../src/i18n/index.ts';
import { renderListingCard, renderListingPage, type ListingView } from '../../src/render/listing.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { htmlNodes, htmlSelect, htmlXPath } from '../helpers/html.ts';

const config = loadConfig();
const arabicConfig: Config = { ...config, publication: { ...config.publication, language: 'ar' } };

const SITE = 'https://monexus.example';
const HOSTILE =
  '</script><script>window.__pwned = "title"</script>{{x}} <img src=x onerror="window.__pwned=\'img\'"> <mj-text>';

const ownFeeds = { rss: `${SITE}/feeds/rss.xml`, atom: `${SITE}/feeds/atom.xml`, json: `${SITE}/feeds/feed.json` };
const portsFeeds = {
  rss: `${SITE}/topics/ports/feeds/rss.xml`,
  atom: `${SITE}/topics/ports/feeds/atom.xml`,
  json: `${SITE}/topics/ports/feeds/feed.json`,
};

const editorials: Editorial[] = [
  makeEditorial({
    slug: '2026-06-06-third',
    title: 'Third',
    topics: ['Ports', 'Diplomacy'],
    summary: 'The third one.',
  }),
  makeEditorial({ slug: '2026-06-05-second', title: 'Second', published: new Date('2026-06-05T00:00:00Z') }),
  makeEditorial({ slug: '2026-06-04-first', title: 'First', lang: 'uk', topics: ['Україна'] }),
];
const cards = editorials.map((e) => renderListingCard(e, config));

/** The three kinds of page: the home page (newest), a middle archive page, the oldest archive page. */
const home: ListingView = { cardsHtml: cards, pageUrl: `${SITE}/`, olderUrl: `${SITE}/archive/3/`, feeds: ownFeeds };
const middle: ListingView = {
  page: 3,
  cardsHtml: cards,
  pageUrl: `${SITE}/archive/3/`,
  newerUrl: `${SITE}/`,
  olderUrl: `${SITE}/archive/2/`,
  feeds: ownFeeds,
};
const oldest: ListingView = {
  page: 1,
  cardsHtml: cards,
  pageUrl: `${SITE}/archive/1/`,
  newerUrl: `${SITE}/archive/2/`,
  feeds: ownFeeds,
};
const topicHome: ListingView = {
  topic: { slug: 'ports', label: 'Ports' },
  cardsHtml: cards.slice(0, 1),
  pageUrl: `${SITE}/topics/ports/`,
  olderUrl: `${SITE}/topics/ports/archive/1/`,
  feeds: portsFeeds,
};
const alone: ListingView = { cardsHtml: [], pageUrl: `${SITE}/`, feeds: ownFeeds };

const attr = (html: string, xpath: string) =>
  htmlNodes(html, xpath).map((n) => (n as Element).getAttribute('href') ?? n.textContent);

describe('listing card', () => {
  const card = cards[0]!;

  it('is one self-contained article: a titled link to the page, the date, the summary and the topics', () => {
    expect(card.startsWith('<article')).toBe(true);
    expect(card.endsWith('</article>')).toBe(true);
    expect(htmlXPath(card, 'count(/html/body/*)')).toBe('1');
    expect(htmlXPath(card, 'count(/html/body/article)')).toBe('1');
    expect(attr(card, '//article/h2/a')).toEqual([`${SITE}/editorials/2026-06-06-third/`]);
    expect(htmlXPath(card, '//article/h2/a')).toBe('Third');
    expect(htmlXPath(card, 'string(//time/@datetime)')).toBe('2026-06-04T00:00:00Z');
    expect(htmlXPath(card, '//time')).toBe('June 4, 2026');
    expect(htmlXPath(card, '//p[@class="card-summary"]')).toBe('The third one.');
    expect(attr(card, '//ul[@class="card-topics"]/li/a[@rel="tag"]')).toEqual([
      `${SITE}/topics/ports/`,
      `${SITE}/topics/diplomacy/`,
    ]);
    expect(htmlXPath(card, '//ul[@class="card-topics"]/li/a')).toBe('Ports\nDiplomacy');
  });

  it('stays whole inside a list item', () => {
    const html = `<ol>${cards.map((c) => `<li>${c}</li>`).join('')}</ol>`;
    expect(htmlXPath(html, 'count(/html/body/ol/li/article)')).toBe('3');
    expect(htmlXPath(html, 'count(//article)')).toBe('3');
    expect(htmlXPath(html, 'count(/html/body/*)')).toBe('1');
  });

  it('falls back to the lead of the body when there is no summary', () => {
    expect(htmlXPath(cards[1]!, '//p[@class="card-summary"]')).toBe(
      'The port authority offered talks. The offer came with a venue attached & a deadline.',
    );
    const bare = renderListingCard(
      makeEditorial({ blocks: [{ kind: 'heading', level: 2, ...inline('Only a heading') }] }),
      config,
    );
    expect(htmlXPath(bare, 'count(//p[@class="card-summary"])')).toBe('0');
  });

  it('links each topic once, to its topic page, with the slug percent-encoded', () => {
    const html = renderListingCard(
      makeEditorial({ topics: ['Україна', 'УКРАЇНА', ' ', 'Économie & finance'] }),
      config,
    );
    expect(attr(html, '//a[@rel="tag"]')).toEqual([
      `${SITE}/topics/%D1%83%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0/`,
      `${SITE}/topics/%C3%A9conomie-finance/`,
    ]);
    expect(htmlXPath(html, '//a[@rel="tag"]')).toBe('Україна\nÉconomie & finance');
    expect(htmlXPath(cards[1]!, 'count(//ul)')).toBe('0');
  });

  it('writes the date in the editorial language and marks a language other than the publication one', () => {
    const ukrainian = cards[2]!;
    expect(htmlXPath(ukrainian, 'string(/html/body/article/@lang)')).toBe('uk');
    expect(htmlXPath(ukrainian, 'count(/html/body/article/@dir)')).toBe('0');
    expect(htmlXPath(ukrainian, '//time')).toBe('4 червня 2026 р.');

    const arabic = renderListingCard(makeEditorial({ lang: 'ar', dir: 'rtl', title: 'محادثات الميناء' }), config);
    expect(htmlXPath(arabic, 'string(/html/body/article/@lang)')).toBe('ar');
    expect(htmlXPath(arabic, 'string(/html/body/article/@dir)')).toBe('rtl');
    expect(htmlXPath(arabic, '//time')).toContain('يونيو');

    expect(htmlXPath(cards[0]!, 'count(/html/body/article/@lang | /html/body/article/@dir)')).toBe('0');
    // Only what differs from the publication is said: an Arabic editorial on an Arabic site carries neither.
    const onArabicSite = renderListingCard(makeEditorial({ lang: 'ar', dir: 'rtl' }), arabicConfig);
    expect(htmlXPath(onArabicSite, 'count(/html/body/article/@lang | /html/body/article/@dir)')).toBe('0');
    const englishOnArabicSite = renderListingCard(makeEditorial(), arabicConfig);
    expect(htmlXPath(englishOnArabicSite, 'string(/html/body/article/@lang)')).toBe('en');
    expect(htmlXPath(englishOnArabicSite, 'string(/html/body/article/@dir)')).toBe('ltr');
  });

  it('shows hostile editorial text as text', () => {
    const html = renderListingCard(
      makeEditorial({
        title: HOSTILE,
        summary: `${HOSTILE} summary`,
        topics: [`${HOSTILE} topic`, '"><script>alert(1)</script>'],
      }),
      config,
    );
    expect(htmlXPath(html, '//h2')).toBe(HOSTILE);
    expect(htmlXPath(html, '//p[@class="card-summary"]')).toBe(`${HOSTILE} summary`);
    expect(htmlXPath(html, '//a[@rel="tag"]')).toBe(`${HOSTILE} topic\n"><script>alert(1)</script>`);
    expect(htmlXPath(html, 'count(//script | //img | //mj-text | //@onerror)')).toBe('0');
    expect(html).not.toMatch(/<(script|img|mj-text)/);
  });

  it('drops the characters XML and mail clients cannot carry', () => {
    const html = renderListingCard(
      makeEditorial({ title: 'A\u0000B\u0007C\uFFFE\uD800', summary: 'S\u001Fum', topics: ['Po\u0008rts'] }),
      config,
    );
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uD800]/);
    expect(htmlXPath(html, '//h2')).toBe('ABC');
    expect(htmlXPath(html, '//p[@class="card-summary"]')).toBe('Sum');
    expect(attr(html, '//a[@rel="tag"]')).toEqual([`${SITE}/topics/ports/`]);
  });

  it('says a withdrawn editorial was withdrawn, without its text, in the publication language', () => {
    const html = renderListingCard(
      makeEditorial({ status: 'withdrawn', summary: 'Secret standfirst', lang: 'uk' }),
      config,
    );
    expect(html).not.toContain('Secret standfirst');
    expect(html).not.toContain('The port authority');
    expect(htmlXPath(html, '//p[@class="card-withdrawn"]')).toBe('Monexus has withdrawn this editorial.');
    expect(htmlXPath(html, 'string(//p[@class="card-withdrawn"]/@lang)')).toBe('en');
  });

  it('gives the same bytes for the same editorial, whatever the clock says', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const first = editorials.map((e) => renderListingCard(structuredClone(e), config));
    vi.setSystemTime(new Date('2001-09-09T01:46:40Z'));
    const second = editorials.map((e) => renderListingCard(e, config));
    expect(second).toEqual(first);
    expect(first).toEqual(cards);
  });

  it('stays one article holding the text as given, for any text', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
    // What an HTML parser gives back for text: no forbidden characters, CR and CRLF read as LF.
    const parsed = (s: string) =>
      s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '').replace(/\r\n?/g, '\n');
    fc.assert(
      fc.property(text, text, text, (title, summary, topic) => {
        fc.pre(title.isWellFormed() && summary.isWellFormed() && topic.isWellFormed());
        const html = renderListingCard(makeEditorial({ title, summary, topics: [topic] }), config);
        // The same questions as XPath asks them elsewhere in this file, through jsdom's selectors: a run is a parse
        // and four questions, and the selector engine answers them in a fraction of the time.
        const text = (selectors: string) =>
          htmlSelect(html, selectors)
            .map((e) => e.textContent)
            .join('\n');
        expect(htmlSelect(html, 'html > body > *')).toHaveLength(1);
        expect(htmlSelect(html, 'script')).toHaveLength(0);
        expect(text('h2')).toBe(parsed(title));
        if (parsed(summary).trim()) expect(text('p[class="card-summary"]')).toBe(parsed(summary));
      }),
      { numRuns: 200 },
    );
  });
});

describe('listing page', () => {
  it('is an HTML document in the publication language, with its title, canonical URL and description', () => {
    const html = renderListingPage(home, config);
    expect(html.startsWith('<!doctype html>\n<html lang="en" dir="ltr">')).toBe(true);
    expect(htmlXPath(html, '/html/head/title')).toBe('Monexus');
    expect(htmlXPath(html, 'string(/html/head/link[@rel="canonical"]/@href)')).toBe(`${SITE}/`);
    expect(htmlXPath(html, 'string(/html/head/meta[@name="viewport"]/@content)')).toBe(
      'width=device-width, initial-scale=1',
    );
    expect(htmlXPath(html, 'string(/html/head/meta[@name="description"]/@content)')).toBe(
      config.publication.description,
    );
    expect(htmlXPath(html, '//main//h1')).toBe('Monexus');
    expect(htmlXPath(html, '//main/header/p[@class="standfirst"]')).toBe(config.publication.description);

    const rtl = renderListingPage(home, arabicConfig);
    expect(htmlXPath(rtl, 'string(/html/@lang)')).toBe('ar');
    expect(htmlXPath(rtl, 'string(/html/@dir)')).toBe('rtl');
  });

  it('names the publication, the topic and the page number in its heading and title', () => {
    const cases: [ListingView, string][] = [
      [home, 'Monexus'],
      [middle, 'Monexus: archive, page 3'],
      [topicHome, 'Monexus: Ports'],
      [{ ...topicHome, page: 12 }, 'Monexus: Ports, archive page 12'],
    ];
    for (const [view, heading] of cases) {
      const html = renderListingPage(view, config);
      expect(htmlXPath(html, '//main//h1')).toBe(heading);
      expect(htmlXPath(html, '/html/head/title')).toBe(heading);
    }
    expect(htmlXPath(renderListingPage(middle, config), 'count(//p[@class="standfirst"])')).toBe('0');
  });

  it('lists the cards as given, newest first, in the main list', () => {
    const html = renderListingPage(middle, config);
    expect(htmlXPath(html, 'count(//main/ol[@class="cards"]/li/article)')).toBe('3');
    expect(htmlXPath(html, '//main/ol/li/article/h2')).toBe('Third\nSecond\nFirst');
    for (const card of cards) expect(html).toContain(`<li>${card}</li>`);
    expect(htmlXPath(html, 'count(//p[@class="listing-empty"])')).toBe('0');
  });

  it('links the newer and the older page, in the head and in a visible navigation', () => {
    const links = (view: ListingView) => {
      const html = renderListingPage(view, config);
      return {
        prev: attr(html, '/html/head/link[@rel="prev"]'),
        next: attr(html, '/html/head/link[@rel="next"]'),
        newer: attr(html, '//main/nav//a[@rel="prev"]'),
        older: attr(html, '//main/nav//a[@rel="next"]'),
        labels: htmlXPath(html, '//main/nav//a'),
        navs: htmlXPath(html, 'count(//nav)'),
      };
    };
    expect(links(home)).toEqual({
      prev: [],
      next: [`${SITE}/archive/3/`],
      newer: [],
      older: [`${SITE}/archive/3/`],
      labels: 'Older',
      navs: '1',
    });
    expect(links(middle)).toEqual({
      prev: [`${SITE}/`],
      next: [`${SITE}/archive/2/`],
      newer: [`${SITE}/`],
      older: [`${SITE}/archive/2/`],
      labels: 'Newer\nOlder',
      navs: '1',
    });
    expect(links(oldest)).toEqual({
      prev: [`${SITE}/archive/2/`],
      next: [],
      newer: [`${SITE}/archive/2/`],
      older: [],
      labels: 'Newer',
      navs: '1',
    });
    expect(links(alone)).toEqual({ prev: [], next: [], newer: [], older: [], labels: '', navs: '0' });
    expect(htmlXPath(renderListingPage(middle, config), 'string(//nav/@aria-label)')).toBe(en['listing.pagination']);
  });

  it('offers the scope feeds for autodiscovery, and on a topic page the publication feeds too', () => {
    const alternates = (html: string) =>
      htmlNodes(html, '/html/head/link[@rel="alternate"]').map((n) => {
        const link = n as Element;
        return [link.getAttribute('type'), link.getAttribute('title'), link.getAttribute('href')];
      });
    expect(alternates(renderListingPage(home, config))).toEqual([
      ['application/rss+xml', 'Monexus (RSS)', ownFeeds.rss],
      ['application/atom+xml', 'Monexus (Atom)', ownFeeds.atom],
      ['application/feed+json', 'Monexus (JSON Feed)', ownFeeds.json],
    ]);
    expect(alternates(renderListingPage(topicHome, config))).toEqual([
      ['application/rss+xml', 'Monexus: Ports (RSS)', portsFeeds.rss],
      ['application/atom+xml', 'Monexus: Ports (Atom)', portsFeeds.atom],
      ['application/feed+json', 'Monexus: Ports (JSON Feed)', portsFeeds.json],
      ['application/rss+xml', 'Monexus (RSS)', ownFeeds.rss],
      ['application/atom+xml', 'Monexus (Atom)', ownFeeds.atom],
      ['application/feed+json', 'Monexus (JSON Feed)', ownFeeds.json],
    ]);
  });

  it('says so when there is nothing to list', () => {
    const html = renderListingPage(alone, config);
    expect(htmlXPath(html, '//main/p[@class="listing-empty"]')).toBe(en['listing.empty']);
    expect(htmlXPath(html, 'count(//main/ol | //article)')).toBe('0');
  });

  it('offers the subscribe form and ends with the postal address and rights notice', () => {
    const html = renderListingPage(topicHome, config);
    expect(htmlXPath(html, 'string(//main/section[@class="subscribe"]/form/@action)')).toBe(`${SITE}/subscribe`);
    expect(htmlXPath(html, 'string(//form//input[@type="email"]/@name)')).toBe('email');
    expect(htmlXPath(html, 'string(//form//input[@name="source"]/@value)')).toBe('topic-ports');
    expect(htmlXPath(renderListingPage(home, config), 'string(//form//input[@name="source"]/@value)')).toBe('home');
    expect(htmlXPath(renderListingPage(middle, config), 'string(//form//input[@name="source"]/@value)')).toBe(
      'archive',
    );
    expect(htmlXPath(html, '/html/body/footer/address')).toBe(config.postalAddress);
    expect(htmlXPath(html, '/html/body/footer/p[@class="rights"]')).toBe(config.rights.copyrightNotice);
  });

  it('has no script and loads nothing: no external style, image or frame', () => {
    for (const view of [home, middle, oldest, topicHome, alone]) {
      const html = renderListingPage(view, config);
      expect(htmlXPath(html, 'count(//script | //@src | //iframe | //object | //embed)')).toBe('0');
      expect(htmlXPath(html, 'count(//@*[starts-with(name(), "on")])')).toBe('0');
      const rels = htmlNodes(html, '//link').map((n) => (n as Element).getAttribute('rel'));
      expect(rels.filter((r) => !['canonical', 'prev', 'next', 'alternate'].includes(r ?? ''))).toEqual([]);
      expect(html).not.toMatch(/@import|url\(/);
    }
  });

  it('shows a hostile topic label as text', () => {
    const html = renderListingPage({ ...topicHome, topic: { slug: 'x', label: `${HOSTILE}\u0000` } }, config);
    expect(htmlXPath(html, '/html/head/title')).toBe(`Monexus: ${HOSTILE}`);
    expect(htmlXPath(html, '//main//h1')).toBe(`Monexus: ${HOSTILE}`);
    expect(htmlXPath(html, 'string(/html/head/link[@rel="alternate"]/@title)')).toBe(`Monexus: ${HOSTILE} (RSS)`);
    expect(htmlXPath(html, 'count(//script | //img | //mj-text)')).toBe('0');
    // A label that looks like a placeholder stays as it is.
    const braces = renderListingPage(
      { ...topicHome, topic: { slug: 'x', label: '{page} {publication} $& $1' } },
      config,
    );
    expect(htmlXPath(braces, '//main//h1')).toBe('Monexus: {page} {publication} $& $1');
  });

  it('takes every fixed string from the message catalogue', () => {
    const html = renderListingPage(middle, config);
    expect(htmlXPath(html, '//nav//a')).toBe(`${en['listing.newer']}\n${en['listing.older']}`);
    expect(en['listing.archive']).toContain('{page}');
  });

  it('refuses a page number that is not a positive integer', () => {
    for (const page of [0, -1, 1.5, Number.NaN])
      expect(() => renderListingPage({ ...middle, page }, config)).toThrow(RangeError);
  });

  it('gives the same bytes for the same view', () => {
    for (const view of [home, middle, oldest, topicHome, alone]) {
      expect(renderListingPage(structuredClone(view), config)).toBe(renderListingPage(view, config));
    }
  });
});

afterEach(() => {
  vi.useRealTimers();
});
