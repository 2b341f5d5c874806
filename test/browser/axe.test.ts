// Every kind of page and email as axe-core (Deque's accessibility engine, from npm) judges it in Chromium, in light
// and dark colour schemes, in English and Arabic; and every email at a 320 px wide screen, where nothing may scroll
// sideways.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { everyDocument, LANGUAGES, type ReaderDocument } from '../helpers/every-document.ts';

// The callbacks given to page.evaluate run in the browser; the project type-checks for Node, without the DOM
// library, so the browser globals they use are declared here, loosely, for this file only.
declare const document: any;
declare const axe: any;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;
/** The impacts a reader who depends on assistive technology cannot work around. */
const BLOCKING = new Set(['serious', 'critical']);
/** Rules held whatever their impact: a heading to start from everywhere, and landmarks on the site's pages (an email
 * sits inside the mail client's own landmarks, so it declares none). */
const REQUIRED: Record<ReaderDocument['kind'], Set<string>> = {
  page: new Set(['page-has-heading-one', 'landmark-one-main', 'region']),
  email: new Set(['page-has-heading-one']),
};
const NARROW = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 800 };

const documents = (await Promise.all(LANGUAGES.map((language) => everyDocument(language)))).flat();

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext();
  // Each document must stand on its own: nothing it needs comes from the network.
  await context.route('**/*', (route) => route.abort());
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The violations axe finds in `doc` that fail it, seen in `scheme`, each naming its rule and targets. */
async function blockingViolations(doc: ReaderDocument, scheme: (typeof SCHEMES)[number]): Promise<string[]> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.setContent(doc.html, { waitUntil: 'load' });
  // Evaluated through the debugging protocol: the pages' Content-Security-Policy does not apply to it.
  await page.evaluate(AXE_SOURCE);
  const findings: Finding[] = await page.evaluate(async () => {
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v: any) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((node: any) => node.target.join(' ')),
    }));
  });
  return findings
    .filter((f) => BLOCKING.has(f.impact) || REQUIRED[doc.kind].has(f.rule))
    .map((f) => `${doc.name}, ${scheme}: ${f.rule} (${f.impact}: ${f.help}) at ${f.targets.join(', ')}`);
}

describe('every page and email, as axe-core judges them', () => {
  it('has every kind of page and email in each language', () => {
    const names = documents.map((doc) => doc.name);
    for (const language of LANGUAGES) {
      for (const kind of ['editorial page', 'home page', 'topic page', 'subscribe form page', 'preference page']) {
        expect(names).toContain(`${kind} (${language})`);
      }
      for (const kind of ['confirmed page', 'invalid address notice', 'invalid confirm link notice']) {
        expect(names).toContain(`${kind} (${language})`);
      }
      for (const kind of ['editorial email', 'proof email', 'confirmation email', 'welcome email', 'digest email']) {
        expect(names).toContain(`${kind} (${language})`);
      }
    }
  });

  it.each(documents.map((doc) => [doc.name, doc] as const))(
    '%s: no serious or critical violation, and a level-one heading, in light and dark',
    async (_name, doc) => {
      await page.setViewportSize(doc.kind === 'email' ? NARROW : WIDE);
      const violations: string[] = [];
      for (const scheme of SCHEMES) violations.push(...(await blockingViolations(doc, scheme)));
      expect(violations).toEqual([]);
    },
  );
});

describe('every email on a 320 px wide screen', () => {
  it.each(documents.filter((doc) => doc.kind === 'email').map((doc) => [doc.name, doc] as const))(
    '%s: does not scroll sideways',
    async (_name, doc) => {
      await page.setViewportSize(NARROW);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setContent(doc.html, { waitUntil: 'load' });
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth as number);
      expect(width, `${doc.name} is ${width} px wide`).toBeLessThanOrEqual(NARROW.width);
    },
  );
});
