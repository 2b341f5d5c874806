import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_NAMES, startLocalPipeline, type LocalPipeline } from '../../src/local/pipeline.ts';
import type { SentEmail } from '../../src/local/emulators.ts';
import { launchBrowser } from '../helpers/browser.ts';

// Callbacks given to page.evaluate run in the browser; the project type-checks without the DOM library.
declare const document: any;

const SAMPLES = join(import.meta.dirname, '../../samples');
const READER = 'e2e.reader@example.org';

let local: LocalPipeline;
let s3: S3Client;
let browser: Browser;
let page: Page;

async function approve(name: string, body: string | Uint8Array = readFileSync(join(SAMPLES, name))): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_NAMES.editorials, Key: `approved/${name}`, Body: body }));
  await local.settled();
}

const mailTo = async (address: string): Promise<SentEmail[]> =>
  (await local.emulators.sentMail()).filter((m) => m.destination.to.includes(address));
const heading = () => page.locator('h1').first().textContent();

const LOG_FILE = join(mkdtempSync(join(tmpdir(), 'broadsheet-e2e-')), 'functions.jsonl');

beforeAll(async () => {
  local = await startLocalPipeline({ serve: true, functionLogFile: LOG_FILE });
  s3 = new S3Client(local.emulators.clientConfigs.s3);
  browser = await launchBrowser();
  page = await browser.newPage();
  await approve('2026-06-02-grain-corridor.txt');
});

afterAll(async () => {
  await browser?.close();
  s3?.destroy();
  await local?.stop();
});

describe('a reader in a browser, against the local run', () => {
  it('subscribes from an editorial page, confirms from the emailed link, reads the next editorial, and leaves with one click', async () => {
    const site = local.http!.url;
    await page.goto(`${site}/editorials/2026-06-02-grain-corridor/`);
    expect(await heading()).toBe('The grain corridor is a shipping lane, not a peace plan');
    await page.fill('input[name=email]', READER);
    await Promise.all([page.waitForURL(`${site}/subscribe`), page.click('form[action$="/subscribe"] button')]);
    expect(await heading()).toBe('Check your inbox');

    // The confirmation sender takes the request from its queue and mails the link.
    await local.settled();
    const [confirmation] = await mailTo(READER);
    const confirmLink = new RegExp(`${site}/confirm\\?token=\\S+`).exec(confirmation!.body.text ?? '')![0];
    await page.goto(confirmLink);
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Confirm subscription")')]);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === "You're subscribed");

    // The confirmation owes one welcome, sent from the queue.
    await local.settled();
    const welcome = 'Welcome to Monexus';
    expect((await mailTo(READER)).filter((m) => m.subject === welcome)).toHaveLength(1);

    // Only editorials approved after confirming reach the new reader.
    await approve('2026-06-03-energy-grid.md');
    const editorials = (mail: Awaited<ReturnType<typeof mailTo>>) =>
      mail.filter((m) => m.subject !== welcome && m.headers?.some((h) => h.name === 'List-Unsubscribe-Post'));
    const editorialMail = editorials(await mailTo(READER));
    expect(editorialMail.map((m) => m.subject)).toEqual([
      "Europe's grid is the new front line, and it is paid for in kilowatt-hours",
    ]);

    const letter = editorialMail[0]!;
    await page.setContent(letter.body.html!);
    const viewInBrowser = await page.locator('a:has-text("View in browser")').first().getAttribute('href');
    expect(viewInBrowser).toBe(`${site}/editorials/2026-06-03-energy-grid/`);
    await page.goto(viewInBrowser!);
    expect(await page.locator('footer.provenance h2').textContent()).toBe('Wire provenance');

    // RFC 8058: the mailbox provider POSTs to the List-Unsubscribe URL; no page, no login.
    const listUnsubscribe = letter.headers!.find((h) => h.name === 'List-Unsubscribe')!.value;
    const oneClick = /<(http[^>]+)>/.exec(listUnsubscribe)![1]!;
    expect(oneClick).not.toContain(READER);
    const response = await fetch(oneClick, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);

    await approve('2026-06-05-sahel-ceasefire.md');
    const after = editorials(await mailTo(READER));
    expect(after).toHaveLength(1);
  });

  it("logs every step as JSON, and never a reader's address", () => {
    const lines = readFileSync(LOG_FILE, 'utf8').trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { fn: string; message: string });
    expect(new Set(entries.map((e) => e.fn))).toEqual(
      new Set(['publish', 'dispatch-worker', 'subscribe', 'confirmation-sender', 'confirm', 'unsubscribe']),
    );
    expect(lines.join('\n')).not.toContain('@example.');
  });

  it('serves the feeds the pipeline published, with their content types', async () => {
    const rss = await fetch(`${local.http!.url}/feeds/rss.xml`);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(await rss.text()).toContain(`<link>${local.http!.url}/editorials/2026-06-03-energy-grid/`);
  });
});
