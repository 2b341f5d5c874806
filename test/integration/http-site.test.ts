// The whole public site through the local server, as CloudFront in front of the public bucket serves it: folders
// by their index.html (the home page at /), folders named without their slash redirected to it, percent-encoded
// paths read as the raw UTF-8 keys the publish stage writes, each object with the Content-Type and Cache-Control
// it was stored with, and conditional GET for every document. The documents are the publish stage's own.
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { listingFiles, type PublicFile } from '../../src/catalogue/documents.ts';
import { emptyHead } from '../../src/catalogue/head.ts';
import { currentSiteMapFiles, siteMapIndexFile } from '../../src/catalogue/site-maps.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { ALL, publicKeys, topicScope } from '../../src/render/scopes.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { htmlXPath } from '../helpers/html.ts';

const config = loadConfig();
const UKRAINE = topicScope({ slug: 'україна', label: 'Україна' });
const SAHEL = topicScope({ slug: 'الساحل', label: 'الساحل' });
/** Percent-encoded as a browser sends it: `/topics/%D1%83%D0%BA…/`. */
const ukrainePath = `/topics/${encodeURIComponent('україна')}/`;

/** Home page and feeds with archive pages 1 and 2 behind them, page 2 open; two topics; the sitemaps and robots.txt. */
const FILES: PublicFile[] = [
  ...listingFiles(config, { scope: ALL, openPage: 2 }, []),
  ...listingFiles(config, { scope: ALL, page: 1, openPage: 2 }, []),
  ...listingFiles(config, { scope: ALL, page: 2, openPage: 2 }, []),
  ...listingFiles(config, { scope: UKRAINE, openPage: 0 }, []),
  ...listingFiles(config, { scope: SAHEL, openPage: 0 }, []),
  ...currentSiteMapFiles(config, emptyHead(), 2, new Date()),
  siteMapIndexFile(config, 2),
];
const stored = (key: string) => {
  const file = FILES.find((f) => f.key === key);
  if (!file) throw new Error(`no such file in the test site: ${key}`);
  return file;
};

const emulators = useEmulators({ s3Buckets: ['public', 'private', 'empty'] });
let site: S3ObjectStore;
let server: HttpServer;
let empty: HttpServer;

beforeAll(async () => {
  site = new S3ObjectStore(emulators.s3, 'public');
  for (const file of FILES)
    await site.put(file.key, file.body, { contentType: file.contentType, cacheControl: file.cacheControl });
  // Stored without a type of its own: S3 reports binary/octet-stream, and the extension decides.
  await site.put('untyped/notes.txt', 'plain', { contentType: 'binary/octet-stream' });
  await new S3ObjectStore(emulators.s3, 'private').put('secret.txt', 'SECRET', { contentType: 'text/plain' });
  server = await startHttpServer({ routes: {}, static: site });
  empty = await startHttpServer({ routes: {}, static: new S3ObjectStore(emulators.s3, 'empty') });
});

afterAll(async () => {
  await server?.close();
  await empty?.close();
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${server.url}${path}`, { method, headers, redirect: 'manual' });

/** A request sent as written: fetch would resolve `..` and `%2e%2e` before sending. */
async function raw(
  target: HttpServer,
  path: string,
): Promise<{ status: number; location: string | undefined; body: string }> {
  const req = request({ host: '127.0.0.1', port: target.port, path }).end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk;
  return { status: res.statusCode ?? 0, location: res.headers.location, body };
}

/** The response is the stored object, with the type and cache time it was stored with. */
async function expectStored(res: Response, key: string): Promise<void> {
  const file = stored(key);
  expect(res.status, key).toBe(200);
  expect(res.headers.get('content-type'), key).toBe(file.contentType);
  expect(res.headers.get('cache-control'), key).toBe(file.cacheControl);
  expect(res.headers.get('etag'), key).toMatch(/^"[0-9a-f]{32}"$/);
  expect(await res.text(), key).toBe(file.body);
}

describe('the local server serves the published site', () => {
  it('answers / with the stored home page', async () => {
    await expectStored(await get('/'), 'index.html');
    expect(stored('index.html').contentType).toBe('text/html; charset=utf-8');
    expect(htmlXPath(stored('index.html').body, 'count(//html)')).toBe('1');
    await expectStored(await get('/index.html'), 'index.html');
  });

  it('answers archive folders with their index.html and redirects them named without the slash', async () => {
    await expectStored(await get('/archive/2/'), publicKeys.html(ALL, 2));
    await expectStored(await get('/archive/1/'), 'archive/1/index.html');
    for (const path of ['/archive/2', '//archive/2', '/.//archive/2']) {
      const res = await raw(server, path);
      expect(res.status, path).toBe(301);
      expect(res.location, path).toBe('/archive/2/');
    }
    const head = await get('/archive/2', {}, 'HEAD');
    expect(head.status).toBe(301);
    // Only folders that have an index.html are redirected.
    for (const missing of ['/archive', '/archive/3', '/archive/3/', '/feeds', '/feeds/', '/topics/'])
      expect((await get(missing)).status, missing).toBe(404);
  });

  it('reads percent-encoded paths as the raw UTF-8 keys of Cyrillic and Arabic topics', async () => {
    expect(publicKeys.html(UKRAINE)).toBe('topics/україна/index.html');
    await expectStored(await get(ukrainePath), 'topics/україна/index.html');
    await expectStored(await get(ukrainePath.toLowerCase()), 'topics/україна/index.html');
    await expectStored(await get(`${ukrainePath}feeds/atom.xml`), publicKeys.feed(UKRAINE, 'atom'));
    await expectStored(
      await get(`/topics/${encodeURIComponent('الساحل')}/feeds/feed.json`),
      publicKeys.feed(SAHEL, 'json'),
    );
    const bare = await get(ukrainePath.slice(0, -1));
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(ukrainePath);
  });

  it('serves feeds, the sitemaps and robots.txt with their stored types', async () => {
    await expectStored(await get('/feeds/rss.xml'), 'feeds/rss.xml');
    expect(stored('feeds/rss.xml').contentType).toBe('application/rss+xml; charset=utf-8');
    await expectStored(await get('/feeds/feed.json'), 'feeds/feed.json');
    await expectStored(await get('/feeds/archive/1/atom.xml'), publicKeys.feed(ALL, 'atom', 1));
    await expectStored(await get('/sitemap.xml'), 'sitemap.xml');
    expect(stored('sitemap.xml').contentType).toBe('application/xml; charset=utf-8');
    await expectStored(await get('/sitemaps/current.xml'), 'sitemaps/current.xml');
    await expectStored(await get('/news-sitemap.xml'), 'news-sitemap.xml');
    await expectStored(await get('/robots.txt'), 'robots.txt');
    expect(stored('robots.txt').contentType).toBe('text/plain; charset=utf-8');
    // The extension table stands in only for an object stored without a type.
    const untyped = await get('/untyped/notes.txt');
    expect(untyped.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(untyped.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 304 to If-None-Match and If-Modified-Since for the home page, a topic feed and every other document', async () => {
    const topicFeed = `${ukrainePath}feeds/rss.xml`;
    for (const path of [
      '/',
      topicFeed,
      ukrainePath,
      '/archive/2/',
      '/sitemap.xml',
      '/robots.txt',
      '/feeds/feed.json',
    ]) {
      const first = await get(path);
      const etag = first.headers.get('etag')!;
      const again = await get(path, { 'if-none-match': etag });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe('');
      expect(again.headers.get('etag'), path).toBe(etag);
      expect(again.headers.get('cache-control'), path).toBe(first.headers.get('cache-control'));
      expect(again.headers.get('content-length'), path).toBeNull();
      expect((await get(path, { 'if-none-match': `W/${etag}` }, 'HEAD')).status, path).toBe(304);
      expect((await get(path, { 'if-modified-since': first.headers.get('last-modified')! })).status, path).toBe(304);
      expect((await get(path, { 'if-none-match': '"other"' })).status, path).toBe(200);
    }
  });

  it('refuses paths that climb out of the bucket, encoded or not, with backslashes or NUL', async () => {
    for (const path of [
      '/../private/secret.txt',
      '/%2e%2e/private/secret.txt',
      '/..%2fprivate%2fsecret.txt',
      `${ukrainePath}..%2f..%2f..%2fprivate%2fsecret.txt`,
      '/topics/%2e%2e%2f%2e%2e%2fprivate/secret.txt',
      '/archive%2f..%2f..%2fprivate%2fsecret.txt',
      '/..%5cprivate%5csecret.txt',
      '/archive/%5c..%5c..%5cprivate/secret.txt',
      '/archive/2/%00/../../../private/secret.txt',
      '/archive/2%00',
      '/%2e%2e%2fprivate',
    ]) {
      const res = await raw(server, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('SECRET');
      expect(res.location, path).toBeUndefined();
    }
  });
});

describe('the local server before anything is published', () => {
  it('answers / with a 404 page that says how to publish', async () => {
    const res = await fetch(`${empty.url}/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(htmlXPath(html, 'string(//h1)')).toBe('Nothing published yet');
    expect(html).toContain('approved/');
    expect((await fetch(`${empty.url}/`, { method: 'HEAD' })).status).toBe(404);
    for (const path of ['/archive/1', '/archive/1/', '/sitemap.xml', '/robots.txt'])
      expect((await raw(empty, path)).status, path).toBe(404);
  });
});
