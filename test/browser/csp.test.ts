// Every page works under its Content-Security-Policy: the home page, an editorial page, a withdrawal notice and the
// subscribe form's answer, in Chromium, through the local server that stands in for CloudFront.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { systemClock } from '../../src/adapters/clock.ts';
import { buildCatalogue } from '../../src/catalogue/site.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { SITE_CONTENT_SECURITY_POLICY } from '../../src/http/site-headers.ts';
import { subscriberRoutes } from '../../src/http/subscriber-routes.ts';
import { createLogger } from '../../src/log.ts';
import { renderPage } from '../../src/render/page.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import { launchBrowser, recordPolicyViolations, serveSiteFrom } from '../helpers/browser.ts';
import { useEmulators } from '../helpers/emulators.ts';

// Callbacks given to page.evaluate run in the browser; the project type-checks without the DOM library.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): { fontFamily: string; backgroundColor: string };

const SECRET = 'csp-browser-secret-0123456789-abcdefghijk';
const config = loadConfig();
const SITE = config.publication.siteUrl;
const live = makeEditorial({ slug: '2026-06-02-live', topics: ['ports'] });
const withdrawn = makeEditorial({ slug: '2026-06-03-withdrawn', status: 'withdrawn' });

const emulators = useEmulators({ s3Buckets: ['public'], tables: [{ tableName: 'subscribers', partitionKey: 'id' }] });
let server: HttpServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** What the browser reported: console messages about the policy and `securitypolicyviolation` events. */
const violations: string[] = [];

beforeAll(async () => {
  const site = new S3ObjectStore(emulators.s3, 'public');
  for (const file of buildCatalogue([live], config, new Date('2026-06-10T00:00:00Z')).files) {
    await site.put(file.key, file.body, { contentType: file.contentType });
  }
  for (const editorial of [live, withdrawn]) {
    await site.put(`editorials/${editorial.slug}/index.html`, renderPage(editorial, config), {
      contentType: 'text/html; charset=utf-8',
    });
  }
  const subscribers = new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' });
  const deps = {
    subscribers,
    mailer: new SesMailer(emulators.ses),
    config,
    tokenSecret: SECRET,
    clock: systemClock,
    log: createLogger({}, () => {}),
    softBounceThreshold: 3,
  };
  server = await startHttpServer({ routes: subscriberRoutes(deps), static: site });

  browser = await launchBrowser();
  context = await browser.newContext();
  // The browser believes it talks to the public site; the local server answers for it, nothing else is reachable.
  await serveSiteFrom(context, SITE, server.url);
  // Recorded from the first script the page runs, before any of its own content.
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e: any) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page = await context.newPage();
  recordPolicyViolations(page, violations);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const reported = async () => [...violations, ...((await page.evaluate(() => window.__violations)) as string[])];
const bodyStyle = () => page.evaluate(() => ({ font: getComputedStyle(document.body).fontFamily as string }));

describe('pages under their Content-Security-Policy', () => {
  it.each([
    ['the home page', '/'],
    ['an editorial page', `/editorials/${live.slug}/`],
    ['a withdrawal notice', `/editorials/${withdrawn.slug}/`],
  ])('%s carries the site policy and shows with its own style and nothing blocked', async (_, path) => {
    violations.length = 0;
    const response = await page.goto(`${SITE}${path}`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(SITE_CONTENT_SECURITY_POLICY);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    // The inline <style> applied: the body is not in the browser's default font.
    expect((await bodyStyle()).font).not.toMatch(/^"?Times New Roman"?$/);
    expect(await page.locator('form[action$="/subscribe"]').count()).toBeGreaterThan(0);
    expect(await reported()).toEqual([]);
  });

  it('posts the subscribe form and shows the answer under the answer’s own policy, nothing blocked', async () => {
    violations.length = 0;
    await page.goto(`${SITE}/editorials/${live.slug}/`);
    await page.fill('input[name=email]', 'csp.reader@example.org');
    const [answer] = await Promise.all([
      page.waitForResponse(`${SITE}/subscribe`),
      page.click('form[action$="/subscribe"] button'),
    ]);
    await page.waitForLoadState('load');
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect((await bodyStyle()).font).toContain('Georgia');
    expect(await reported()).toEqual([]);
  });

  it('is enforced: an image from another site, or a script, on a page is blocked and reported', async () => {
    violations.length = 0;
    await page.goto(`${SITE}/`);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img src="https://elsewhere.example/pixel.png">');
      const script = document.createElement('script');
      script.textContent = 'window.__ran = true';
      document.body.append(script);
    });
    await page.waitForFunction(() => window.__violations.length >= 2);
    const blocked = (await page.evaluate(() => window.__violations)) as string[];
    expect(blocked).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^img-src https:\/\/elsewhere\.example/),
        expect.stringMatching(/^script-src/),
      ]),
    );
    expect(await page.evaluate(() => window.__ran)).toBeUndefined();
  });
});
