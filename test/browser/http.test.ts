import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { systemClock } from '../../src/adapters/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { subscriberRoutes } from '../../src/http/subscriber-routes.ts';
import { createLogger } from '../../src/log.ts';
import { renderPage } from '../../src/render/page.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import { unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import { launchBrowser, recordPolicyViolations, serveSiteFrom } from '../helpers/browser.ts';
import { useEmulators } from '../helpers/emulators.ts';

// Callbacks given to page.evaluate run in the browser; the project type-checks without the DOM library.
declare const document: any;
declare function getComputedStyle(element: unknown): { fontFamily: string };

const SECRET = 'browser-test-secret-0123456789-abcdefghij';
const config = loadConfig();
const editorial = makeEditorial();

const emulators = useEmulators({ s3Buckets: ['public'], tables: [{ tableName: 'subscribers', partitionKey: 'id' }] });
let server: HttpServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let store: SubscriberStore;
const violations: string[] = [];

beforeAll(async () => {
  const subscribers = new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' });
  store = new SubscriberStore(subscribers, SECRET, systemClock);
  const site = new S3ObjectStore(emulators.s3, 'public');
  await site.put(`editorials/${editorial.slug}/index.html`, renderPage(editorial, config), {
    contentType: 'text/html; charset=utf-8',
  });
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
  await serveSiteFrom(context, config.publication.siteUrl, server.url);
  page = await context.newPage();
  recordPolicyViolations(page, violations);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const heading = () => page.locator('h1').textContent();
const bodyFont = () => page.evaluate(() => getComputedStyle(document.body).fontFamily as string);

describe('subscribing in a browser', () => {
  it('goes from the editorial page form through the emailed link to a confirmed subscription, and out again', async () => {
    await page.goto(`${config.publication.siteUrl}/editorials/${editorial.slug}/`);
    await page.fill('input[name=email]', 'Browser.Reader@Example.org');
    await Promise.all([
      page.waitForURL(`${config.publication.siteUrl}/subscribe`),
      page.click('form[action$="/subscribe"] button'),
    ]);
    expect(await heading()).toBe('Check your inbox');
    // The page's own style applies under its Content-Security-Policy, and nothing was blocked.
    expect(await bodyFont()).toContain('Georgia');

    const [mail] = await emulators.sentMail();
    expect(mail?.destination.to).toEqual(['browser.reader@example.org']);
    const link = /https:\/\/\S+\/confirm\?token=\S+/.exec(mail!.body.text ?? '')![0];
    await page.goto(link);
    expect(await heading()).toBe('Confirm your subscription');
    expect((await store.getByAddress('browser.reader@example.org'))?.status).toBe('pending');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Confirm subscription")')]);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === "You're subscribed");
    const subscriber = await store.getByAddress('browser.reader@example.org');
    expect(subscriber?.status).toBe('confirmed');

    await page.goto(unsubscribeUrl(config, SECRET, subscriber!.id, subscriber!.linkNonce));
    expect(await heading()).toBe(`Unsubscribe from ${config.publication.name}`);
    await page.click('button:has-text("Unsubscribe")');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === "You're unsubscribed");
    expect((await store.get(subscriber!.id))?.status).toBe('unsubscribed');
    expect(await bodyFont()).toContain('Georgia');
    expect(violations).toEqual([]);
  });
});
