import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { renderPage } from '../../src/render/page.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { launchBrowser } from '../helpers/browser.ts';

// The callbacks given to page.evaluate run in the browser; the project type-checks for Node, without the DOM
// library, so the few browser globals they use are declared here, loosely, for this file only.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): {
  direction: string;
  paddingRight: string;
  backgroundColor: string;
};

const config = loadConfig();

const HOSTILE =
  '</script><script>window.__pwned = "title"</script>{{x}} <img src=x onerror="window.__pwned=\'img\'"> <mj-text>';

const hostile = makeEditorial({
  title: HOSTILE,
  summary: '</script><script>window.__pwned = "summary"</script>',
  framing: 'Monexus frames it <script>window.__pwned = "framing"</script> {{framing}}; the wire does not.',
  topics: ['</script><script>window.__pwned = "tag"</script>'],
  author: '"><script>window.__pwned = "author"</script>',
  sources: [
    { url: 'https://t.me/harbour_watch', label: 'harbour_watch (Telegram)' },
    { url: 'https://example.org/wire/123?a=1&b=%3Cx%3E', label: '</a><script>window.__pwned = "label"</script>' },
  ],
  blocks: [{ kind: 'paragraph', ...inline('<script>window.__pwned = "body"</script> {{body}}') }],
});

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ javaScriptEnabled: true });
  // The page must render on its own: nothing it needs comes from the network.
  await context.route('**/*', (route) => route.abort());
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

async function open(editorial: Editorial): Promise<void> {
  await page.setContent(renderPage(editorial, config), { waitUntil: 'load' });
}

describe('web page in a browser', () => {
  it('shows hostile editorial text literally and runs none of it', async () => {
    await open(hostile);
    expect(await page.evaluate(() => window.__pwned as string | undefined)).toBeUndefined();
    expect(await page.title()).toBe(`${HOSTILE} — Monexus`);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('.article-body p').first().textContent()).toBe(
      '<script>window.__pwned = "body"</script> {{body}}',
    );
    expect(await page.locator('script').count()).toBe(1);
  });

  it('carries a NewsArticle in JSON-LD that lists every source', async () => {
    await open(hostile);
    const raw = await page.locator('script[type="application/ld+json"]').textContent();
    const data = JSON.parse(raw ?? '') as Record<string, unknown>;
    expect(data['@type']).toBe('NewsArticle');
    expect(data.headline).toBe(HOSTILE);
    expect(data.isBasedOn).toEqual(
      hostile.sources.map((s) => ({ '@type': 'CreativeWork', url: s.url, name: s.label })),
    );
    expect(data.mainEntityOfPage).toEqual({
      '@type': 'WebPage',
      '@id': 'https://monexus.example/editorials/2026-06-04-harbour-talks/',
    });
  });

  it('declares language, direction, canonical URL and Open Graph tags', async () => {
    await open(hostile);
    const head = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      canonical: document.querySelector('link[rel="canonical"]')?.href,
      feeds: [...document.querySelectorAll('link[rel="alternate"]')].map((l) => l.type),
      og: Object.fromEntries(
        [...document.querySelectorAll('meta[property^="og:"]')].map((m) => [m.getAttribute('property'), m.content]),
      ),
      tags: [...document.querySelectorAll('meta[property="article:tag"]')].map((m) => m.content),
      author: document.querySelector('meta[property="article:author"]')?.content,
    }));
    expect(head).toEqual({
      lang: 'en',
      dir: 'ltr',
      canonical: 'https://monexus.example/editorials/2026-06-04-harbour-talks/',
      feeds: ['application/rss+xml', 'application/atom+xml', 'application/feed+json'],
      og: {
        'og:type': 'article',
        'og:title': HOSTILE,
        'og:description': hostile.summary,
        'og:url': 'https://monexus.example/editorials/2026-06-04-harbour-talks/',
        'og:site_name': 'Monexus',
        'og:locale': 'en',
      },
      tags: hostile.topics,
      author: hostile.author,
    });
  });

  it('ends the article with the framing note, "Wire provenance" and every source as a link', async () => {
    await open(hostile);
    const footer = page.locator('article > footer.provenance');
    expect(await footer.count()).toBe(1);
    expect(await page.evaluate(() => document.querySelector('article')?.lastElementChild?.className)).toBe(
      'provenance',
    );
    expect(await footer.locator('h2').textContent()).toBe('Wire provenance');
    expect(await footer.locator('.framing-note').textContent()).toBe(hostile.framing);
    const links = await footer
      .locator('a')
      .evaluateAll((as) => as.map((a) => ({ url: (a as unknown as { href: string }).href, label: a.textContent })));
    expect(links).toEqual(hostile.sources.map((s) => ({ url: s.url, label: s.label })));
  });

  it('offers a working subscribe form with a labelled, required email field', async () => {
    await open(hostile);
    const form = await page.evaluate(() => {
      const f = document.querySelector('form')!;
      const email = f.querySelector('input[type="email"]')!;
      return {
        method: f.method,
        action: f.action,
        emailRequired: email.required,
        autocomplete: email.autocomplete,
        label: email.labels?.[0]?.textContent,
        source: f.querySelector('input[type="hidden"][name="source"]')?.value,
        emptyIsValid: f.checkValidity(),
        submit: f.querySelector('button[type="submit"]')?.textContent,
      };
    });
    expect(form).toEqual({
      method: 'post',
      action: 'https://monexus.example/subscribe',
      emailRequired: true,
      autocomplete: 'email',
      label: 'Email address',
      source: '2026-06-04-harbour-talks',
      emptyIsValid: false,
      submit: 'Subscribe',
    });
    await page.fill('#subscribe-email', 'not an address');
    expect(await page.evaluate(() => document.querySelector('form')!.checkValidity())).toBe(false);
    await page.fill('#subscribe-email', 'reader@example.com');
    expect(await page.evaluate(() => document.querySelector('form')!.checkValidity())).toBe(true);
  });

  it('lays Arabic out right to left', async () => {
    await open(
      makeEditorial({
        lang: 'ar',
        dir: 'rtl',
        title: 'محادثات الميناء التي لم تحدث',
        blocks: [{ kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات.') }],
      }),
    );
    const layout = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      direction: getComputedStyle(document.querySelector('article')!).direction,
      list: getComputedStyle(document.querySelector('.provenance ul')!).paddingRight,
    }));
    expect(layout).toEqual({ lang: 'ar', dir: 'rtl', direction: 'rtl', list: '24px' });
    expect(await page.locator('h1').textContent()).toBe('محادثات الميناء التي لم تحدث');
  });

  it('fits a phone screen and follows the dark colour scheme', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await open(
      makeEditorial({
        sources: [{ url: `https://example.org/${'long-path-segment-'.repeat(12)}`, label: 'A long address' }],
      }),
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);
    expect(dark).toBe('rgb(20, 20, 20)');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a withdrawn editorial as withdrawn, without its text', async () => {
    const editorial = makeEditorial({ status: 'withdrawn', updated: new Date('2026-06-06T12:00:00Z') });
    await open(editorial);
    const view = await page.evaluate(() => ({
      h1: document.querySelector('h1')?.textContent,
      text: document.querySelector('article')?.textContent ?? '',
      robots: document.querySelector('meta[name="robots"]')?.content,
      provenance: document.querySelector('article > footer.provenance h2')?.textContent,
      updated: document.querySelector('time.updated')?.getAttribute('datetime'),
    }));
    expect(view.h1).toBe(editorial.title);
    expect(view.text).toContain('has withdrawn this editorial');
    expect(view.text).not.toContain('The port authority offered talks');
    expect(view.robots).toBe('noindex');
    expect(view.provenance).toBe('Wire provenance');
    expect(view.updated).toBe('2026-06-06T12:00:00Z');
  });
});
