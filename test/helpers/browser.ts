import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompressSync } from 'node:zlib';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Headless Chromium from an npm package that carries the browser inside itself (@sparticuz/chromium), so the
 * browser tests need nothing installed beside Node. The package also carries the few shared libraries the
 * binary needs beyond glibc (NSS, NSPR, expat), built for Amazon Linux 2023; the browser is pointed at those, so
 * it starts on a minimal Debian too, where they are not installed.
 */

const execFileAsync = promisify(execFile);

/** Where the package itself would unpack those libraries. */
const LIBRARIES = join(tmpdir(), 'al2023', 'lib');

/** The package's flags, less the ones that would make these tests lie: the same-origin policy and mixed-content
 * blocking stay on (the pages are checked against other origins) and the browser keeps its usual processes. */
const DROPPED = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--single-process',
  '--no-zygote',
]);

/**
 * Unpacks the browser, its fonts and its libraries into the temporary folder, once. The package writes straight
 * to the final paths and takes any existing path as done, so two processes unpacking at the same moment could
 * start a half-written binary: the browser project runs this in its global set-up, before any test file.
 */
export async function unpackBrowser(): Promise<string> {
  const executablePath = await sparticuz.executablePath();
  if (!existsSync(join(LIBRARIES, 'libnss3.so'))) {
    const archive = join(
      dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')),
      '../../bin/al2023.tar.br',
    );
    await mkdir(dirname(LIBRARIES), { recursive: true });
    // Unpacked beside the target and renamed into place, so a reader sees all of the libraries or none.
    const staging = await mkdtemp(join(dirname(LIBRARIES), '.unpacking-'));
    try {
      // Decompressed to a file first: tar may stop reading a pipe at the end-of-archive marker, before the padding.
      const archiveTar = join(staging, 'libraries.tar');
      await writeFile(archiveTar, brotliDecompressSync(await readFile(archive)));
      await execFileAsync('tar', ['-xf', archiveTar, '-C', staging]);
      await rename(join(staging, 'lib'), LIBRARIES).catch((err: NodeJS.ErrnoException) => {
        if (!existsSync(join(LIBRARIES, 'libnss3.so'))) throw err;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return executablePath;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await unpackBrowser();
  const args = [
    ...sparticuz.args.filter((arg) => !DROPPED.has(arg)),
    // This machine reaches no network: no background fetches, component updates or sync at start.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--no-first-run',
  ];
  const env = { ...process.env, LD_LIBRARY_PATH: [LIBRARIES, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  return chromium.launch({ executablePath, args, env, headless: true });
}

/** Makes the context believe it talks to `siteOrigin`: the local server at `serverUrl` answers, nothing else is reachable. */
export async function serveSiteFrom(context: BrowserContext, siteOrigin: string, serverUrl: string): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== siteOrigin) return route.abort();
    const response = await route.fetch({ url: `${serverUrl}${url.pathname}${url.search}`, maxRedirects: 0 });
    await route.fulfill({ response });
  });
}

/** Collects the Content-Security-Policy complaints the page logs to its console into `violations`. */
export function recordPolicyViolations(page: Page, violations: string[]): void {
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
}
