import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { renderListingCard, renderListingPage, type ListingView } from '../../src/render/listing.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { launchBrowser } from '../helpers/browser.ts';

// The callbacks given to page.evaluate run in the browser; the project type-checks for Node, without the DOM
// library, so the few browser globals they use are declared here, loosely, for this file only.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): { direction: string; color: string; backgroundColor: string };

const config = loadConfig();
const arabicConfig: Config = { ...config, publication: { ...config.publication, language: 'ar' } };
const SITE = 'https://monexus.example';
const HOSTILE =
  '</script><script>window.__pwned = "title"</script>{{x}} <img src=x onerror="window.__pwned=\'img\'"> <mj-text>';
const feeds = { rss: `${SITE}/feeds/rss.xml`, atom: `${SITE}/feeds/atom.xml`, json: `${SITE}/feeds/feed.json` };

const LONG = 'Unbroken'.repeat(40);

const cards = [
  makeEditorial({
    slug: 'long',
    title: LONG,
    summary: `${LONG}-summary`,
    topics: [`${LONG}-topic`, 'Ports', 'Diplomacy', 'Économie', 'Україна'],
  }),
  makeEditorial({
    slug: 'hostile',
    title: HOSTILE,
    summary: '</p><script>window.__pwned = "summary"</script>',
    topics: ['<img src=x onerror="window.__pwned=\'tag\'">'],
  }),
  makeEditorial({
    slug: 'arabic',
    lang: 'ar',
    dir: 'rtl',
    title: 'محادثات الميناء',
    blocks: [{ kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات.') }],
  }),
].map((e) => renderListingCard(e, config));

/** Three pages of one archive, served at their own addresses, for following the links between them. */
const pages: Record<string, ListingView> = {
  [`${SITE}/`]: { cardsHtml: cards, pageUrl: `${SITE}/`, olderUrl: `${SITE}/archive/2/`, feeds },
  [`${SITE}/archive/2/`]: {
    page: 2,
    cardsHtml: cards.slice(1),
    pageUrl: `${SITE}/archive/2/`,
    newerUrl: `${SITE}/`,
    olderUrl: `${SITE}/archive/1/`,
    feeds,
  },
  [`${SITE}/archive/1/`]: {
    page: 1,
    cardsHtml: [],
    pageUrl: `${SITE}/archive/1/`,
    newerUrl: `${SITE}/archive/2/`,
    feeds,
  },
};

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ javaScriptEnabled: true });
  // The pages come from here and nowhere else: any other request is refused.
  await context.route('**/*', (route) => {
    const view = pages[route.request().url()];
    return view
      ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: renderListingPage(view, config) })
      : route.abort();
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

/** WCAG relative luminance contrast of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('listing page in a browser', () => {
  it('shows hostile editorial text literally and runs none of it', async () => {
    await page.goto(`${SITE}/`, { waitUntil: 'load' });
    expect(await page.evaluate(() => window.__pwned as string | undefined)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('article h2').nth(1).textContent()).toBe(HOSTILE);
    expect(await page.locator('article').nth(1).locator('a[rel="tag"]').textContent()).toBe(
      '<img src=x onerror="window.__pwned=\'tag\'">',
    );
  });

  it('fits a phone screen, with a long unbroken title, summary and topic', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${SITE}/`, { waitUntil: 'load' });
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('main *')].map((e) => e.getBoundingClientRect().right)),
    }));
    expect(widths.document).toBeLessThanOrEqual(360);
    expect(widths.body).toBeLessThanOrEqual(360);
    expect(widths.widest).toBeLessThanOrEqual(360);
    const topic = { slug: 'long', label: LONG };
    await page.setContent(
      renderListingPage({ topic, page: 3, cardsHtml: cards, pageUrl: `${SITE}/topics/long/archive/3/`, feeds }, config),
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('follows the dark colour scheme with readable contrast', async () => {
    await page.goto(`${SITE}/`, { waitUntil: 'load' });
    const colours = () =>
      page.evaluate(() => {
        const style = (selector: string) => getComputedStyle(document.querySelector(selector));
        return {
          background: style('body').backgroundColor,
          text: style('body').color,
          title: style('.card h2 a').color,
          date: style('.card-date').color,
          topic: style('.card-topics a').color,
          nav: style('.pagination a').color,
        };
      });
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(dark.background).not.toBe(light.background);
    expect(dark.text).not.toBe(light.text);
    expect(dark.background).toBe('rgb(20, 20, 20)');
    for (const scheme of [light, dark]) {
      for (const key of ['text', 'title', 'date', 'topic', 'nav'] as const) {
        expect(contrast(scheme[key], scheme.background), `${key} on ${scheme.background}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('moves between the pages through the Older and Newer links', async () => {
    await page.goto(`${SITE}/`, { waitUntil: 'load' });
    expect(await page.locator('nav a').allTextContents()).toEqual(['Older']);
    await page.getByRole('link', { name: 'Older', exact: true }).click();
    await page.waitForURL(`${SITE}/archive/2/`);
    expect(await page.locator('h1').textContent()).toBe('Monexus: archive, page 2');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Newer', 'Older']);
    await page.getByRole('link', { name: 'Older', exact: true }).click();
    await page.waitForURL(`${SITE}/archive/1/`);
    expect(await page.locator('.listing-empty').isVisible()).toBe(true);
    expect(await page.locator('nav a').allTextContents()).toEqual(['Newer']);
    await page.getByRole('link', { name: 'Newer', exact: true }).click();
    await page.waitForURL(`${SITE}/archive/2/`);
    await page.getByRole('link', { name: 'Newer', exact: true }).click();
    await page.waitForURL(`${SITE}/`);
    expect(await page.locator('h1').textContent()).toBe('Monexus');
    const head = await page.evaluate(() => ({
      canonical: document.querySelector('link[rel="canonical"]')?.href,
      next: document.querySelector('link[rel="next"]')?.href,
      prev: document.querySelector('link[rel="prev"]'),
      feeds: [...document.querySelectorAll('link[rel="alternate"]')].map((l) => l.type),
    }));
    expect(head).toEqual({
      canonical: `${SITE}/`,
      next: `${SITE}/archive/2/`,
      prev: null,
      feeds: ['application/rss+xml', 'application/atom+xml', 'application/feed+json'],
    });
  });

  it('lays a right-to-left publication out right to left, each card in its own direction', async () => {
    const english = renderListingCard(makeEditorial(), arabicConfig);
    await page.setContent(renderListingPage({ cardsHtml: [english], pageUrl: `${SITE}/`, feeds }, arabicConfig), {
      waitUntil: 'load',
    });
    const layout = await page.evaluate(() => ({
      dir: document.documentElement.dir,
      main: getComputedStyle(document.querySelector('main')).direction,
      card: getComputedStyle(document.querySelector('article')).direction,
      lang: document.querySelector('article').lang,
    }));
    expect(layout).toEqual({ dir: 'rtl', main: 'rtl', card: 'ltr', lang: 'en' });
  });
});
