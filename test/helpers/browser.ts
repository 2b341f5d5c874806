import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/*
 * Headless Chromium from an npm package that carries the browser inside itself (@sparticuz/chromium unpacks it
 * to the temporary folder on first use), so the browser tests need nothing installed beside Node.
 */

/** The package's flags, less the ones that would make these tests lie: the same-origin policy stays on (the
 * pages are checked against other origins) and the browser keeps its usual processes. */
const DROPPED = new Set(['--disable-web-security', '--single-process', '--no-zygote']);

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await sparticuz.executablePath();
  const args = [
    ...sparticuz.args.filter((arg) => !DROPPED.has(arg)),
    // This machine reaches no network: no background fetches, component updates or sync at start.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--no-first-run',
  ];
  return chromium.launch({ executablePath, args, headless: true });
}
