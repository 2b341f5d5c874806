// Conditional polling of the public bucket through the local server, against the real S3 emulator: the ETag and
// Last-Modified a feed reader keeps from one GET turn its next GET into a 304 without a body, exactly while the
// object is unchanged, the way S3 behind CloudFront answers. Hostile precondition headers and paths that try to
// leave the bucket are answered at once, and never with anything from outside it.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { entityTag, httpDate, isNotModified, noneMatchFails, parseHttpDate } from '../../src/http/conditional.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { startEmulators, type Emulators } from '../../src/local/emulators.ts';

const RSS = 'feeds/rss.xml';
const PAGE = 'editorials/2026-06-04-harbour-talks/index.html';
const md5 = (text: string) => `"${createHash('md5').update(text, 'utf8').digest('hex')}"`;

describe('conditional requests, evaluated', () => {
  const now = new Date('2026-06-04T12:00:00Z');
  const current = { etag: '"abc"', lastModified: new Date('2026-06-04T10:00:00.750Z') };

  it('match entity tags by weak comparison, in lists, and * for any', () => {
    expect(noneMatchFails('"abc"', '"abc"')).toBe(true);
    expect(noneMatchFails('W/"abc"', '"abc"')).toBe(true);
    expect(noneMatchFails('"abc"', 'W/"abc"')).toBe(true);
    expect(noneMatchFails('"x", W/"y" ,\t"abc"', '"abc"')).toBe(true);
    expect(noneMatchFails(',,"abc",', '"abc"')).toBe(true);
    expect(noneMatchFails(' * ', '"abc"')).toBe(true);
    expect(noneMatchFails('*', undefined)).toBe(true);
    for (const miss of ['"abcd"', '"ab"', 'abc', '"abc', 'w/"abc"', '"x", *', '"abc"x', 'W/ "abc"', '', '"a,"abc"']) {
      expect(noneMatchFails(miss, '"abc"'), miss).toBe(false);
    }
    // A comma inside a quoted tag belongs to the tag.
    expect(noneMatchFails('"a,b"', '"a,b"')).toBe(true);
  });

  it('read HTTP-dates in all three forms and nothing else', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(t);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(t);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', now)).toBe(t);
    // Two-digit years more than 50 years ahead are in the past century.
    expect(parseHttpDate('Thursday, 04-Jun-26 10:00:00 GMT', now)).toBe(Date.UTC(2026, 5, 4, 10));
    expect(parseHttpDate('Monday, 04-Jun-90 10:00:00 GMT', now)).toBe(Date.UTC(1990, 5, 4, 10));
    for (const weird of [
      '',
      'yesterday',
      '0',
      '1717495200',
      '2026-06-04T10:00:00Z',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'sun, 06 nov 1994 08:49:37 gmt',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 06 Nov 1994 08:49:37 +0000',
      'Sun, 31 Feb 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:60:00 GMT',
      'Sun, 06 Nov 0094 08:49:37 GMT',
      ' Sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT\u0000',
      'Sun, 06 Nov 1994 08:49:37 GMT'.repeat(100_000),
    ]) {
      expect(parseHttpDate(weird, now), weird.slice(0, 60)).toBeUndefined();
    }
  });

  it('answer 304 for If-Modified-Since at or after the last modification, to the second, unless in the future', () => {
    const since = (value: string) => isNotModified({ ifModifiedSince: value }, current, now);
    expect(since('Thu, 04 Jun 2026 10:00:00 GMT')).toBe(true);
    expect(since('Thu, 04 Jun 2026 11:00:00 GMT')).toBe(true);
    expect(since('Thu, 04 Jun 2026 09:59:59 GMT')).toBe(false);
    expect(since('Fri, 05 Jun 2026 10:00:00 GMT')).toBe(false);
    expect(since('not a date')).toBe(false);
    expect(isNotModified({ ifModifiedSince: 'Thu, 04 Jun 2026 10:00:00 GMT' }, { etag: '"abc"' }, now)).toBe(false);
  });

  it('ignore If-Modified-Since when If-None-Match is present (RFC 9110 section 13.2.2)', () => {
    expect(
      isNotModified({ ifNoneMatch: '"other"', ifModifiedSince: 'Thu, 04 Jun 2026 11:00:00 GMT' }, current, now),
    ).toBe(false);
    expect(
      isNotModified({ ifNoneMatch: '"abc"', ifModifiedSince: 'Thu, 04 Jun 2026 09:00:00 GMT' }, current, now),
    ).toBe(true);
    expect(isNotModified({}, current, now)).toBe(false);
  });

  it('send the store tag quoted and Last-Modified as IMF-fixdate', () => {
    expect(entityTag('"abc"')).toBe('"abc"');
    expect(entityTag('W/"abc"')).toBe('W/"abc"');
    expect(entityTag('abc')).toBe('"abc"');
    for (const unusable of ['', undefined, 'a"b', 'a b', 'a\r\nSet-Cookie: x=1'])
      expect(entityTag(unusable)).toBeUndefined();
    expect(httpDate(current.lastModified)).toBe('Thu, 04 Jun 2026 10:00:00 GMT');
    expect(httpDate(new Date(Number.NaN))).toBeUndefined();
  });

  it('scan hostile If-None-Match values of a megabyte once (the hook timeout is only a hang guard)', () => {
    const mb = 1 << 20;
    const hostile = [
      '"x", '.repeat(mb / 5),
      'W/'.repeat(mb / 2),
      '"'.repeat(mb),
      ',"'.repeat(mb / 2),
      '"abc'.repeat(mb / 4),
      `${'"ab",'.repeat(mb / 5)}"abc"`,
      ' '.repeat(mb),
      `"${'a'.repeat(mb)}`,
      'W/"abc"x'.repeat(mb / 8),
    ];
    for (const field of hostile) {
      const expected = field.endsWith('"abc"');
      expect(noneMatchFails(field, '"abc"'), field.slice(0, 20)).toBe(expected);
      expect(isNotModified({ ifNoneMatch: field, ifModifiedSince: field }, current, now)).toBe(expected);
    }
  });
});

describe('local server, conditional GET and HEAD of the public bucket', () => {
  let emulators: Emulators;
  let s3: S3Client;
  let site: S3ObjectStore;
  let server: HttpServer;

  beforeAll(async () => {
    // A second bucket next to the public one: s3rver stores both under one folder, so a key that climbed out of
    // the public bucket would land here.
    emulators = await startEmulators({ s3Buckets: ['public', 'private'] });
    s3 = new S3Client(emulators.clientConfigs.s3);
    site = new S3ObjectStore(s3, 'public');
    await new S3ObjectStore(s3, 'private').put('secret.txt', 'SECRET', { contentType: 'text/plain' });
    await site.put(RSS, '<rss version="2.0"><channel/></rss>', {
      contentType: 'application/rss+xml; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    await site.put(PAGE, '<!doctype html><title>Harbour</title>', {
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
    });
    server = await startHttpServer({ routes: {}, static: site });
  });

  afterAll(async () => {
    await server?.close();
    s3?.destroy();
    await emulators?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers });

  /** A request sent as written: fetch would resolve `..` and `%2e%2e` before sending. */
  const raw = (path: string) =>
    new Promise<{ status: number; location: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });

  it("answers a feed with the object's S3 ETag, Last-Modified, Cache-Control and length", async () => {
    const stored = (await site.get(RSS))!;
    const res = await get(`/${RSS}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toBe('<rss version="2.0"><channel/></rss>');
    // A single-part upload's ETag is the MD5 of its bytes: byte-identical renders keep it.
    expect(res.headers.get('etag')).toBe(md5(body));
    expect(res.headers.get('etag')).toBe(stored.etag);
    expect(res.headers.get('last-modified')).toBe(stored.lastModified.toUTCString());
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(res.headers.get('vary')).toBeNull();
  });

  it('answers 304 without a body to If-None-Match with its ETag, weak, in a list, or *', async () => {
    const first = await get(`/${RSS}`);
    const etag = first.headers.get('etag')!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"nope", W/"other", ${etag}`, '*']) {
      const res = await get(`/${RSS}`, { 'if-none-match': ifNoneMatch });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('last-modified')).toBe(first.headers.get('last-modified'));
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
      expect(res.headers.get('content-length')).toBeNull();
    }
    const other = await get(`/${RSS}`, { 'if-none-match': '"nope", W/"other"' });
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('<rss');
  });

  it('answers If-Modified-Since: 304 at Last-Modified, 200 before it, in the future or unparseable', async () => {
    const first = await get(`/${RSS}`);
    const lastModified = first.headers.get('last-modified')!;
    const at = new Date(lastModified);
    const asctime = (d: Date) => {
      const [day, , month, year, time] = d.toUTCString().split(' ');
      return `${day!.slice(0, 3)} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${year}`;
    };
    for (const since of [lastModified, asctime(at)]) {
      const res = await get(`/${RSS}`, { 'if-modified-since': since });
      expect(res.status, since).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(first.headers.get('etag'));
    }
    const tomorrow = new Date(Date.now() + 86_400_000).toUTCString();
    for (const since of [
      new Date(at.getTime() - 1000).toUTCString(),
      tomorrow,
      'yesterday',
      '',
      'Thu, 32 Jan 2026 00:00:00 GMT',
    ]) {
      expect((await get(`/${RSS}`, { 'if-modified-since': since })).status, since).toBe(200);
    }
    // If-None-Match decides alone when both are sent.
    expect((await get(`/${RSS}`, { 'if-none-match': '"nope"', 'if-modified-since': lastModified })).status).toBe(200);
  });

  it('gives the same answers to HEAD, with the length of the full object', async () => {
    const head = await get(`/${RSS}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(head.headers.get('content-length')).toBe(String((await site.get(RSS))!.body.length));
    expect(head.headers.get('last-modified')).toBeTruthy();
    const notModified = await get(`/${RSS}`, { 'if-none-match': etag }, 'HEAD');
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await get(`/${RSS}`, { 'if-modified-since': head.headers.get('last-modified')! }, 'HEAD')).status).toBe(
      304,
    );
  });

  it('serves pages the same way, also under their directory path', async () => {
    const page = await get('/editorials/2026-06-04-harbour-talks/');
    expect(page.status).toBe(200);
    const etag = page.headers.get('etag')!;
    expect(etag).toBe(md5(await page.text()));
    const again = await get('/editorials/2026-06-04-harbour-talks/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await get(`/${PAGE}`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('keeps the ETag for byte-identical content and answers a changed object in full, with its new ETag', async () => {
    const key = 'feeds/atom.xml';
    const v1 = '<feed xmlns="http://www.w3.org/2005/Atom"><title>v1</title></feed>';
    await site.put(key, v1, { contentType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=60' });
    const old = (await get(`/${key}`)).headers.get('etag')!;
    await site.put(key, v1, { contentType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=60' });
    expect((await get(`/${key}`, { 'if-none-match': old })).status).toBe(304);

    const v2 = v1.replace('v1', 'v2');
    await site.put(key, v2, { contentType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=60' });
    const changed = await get(`/${key}`, { 'if-none-match': old });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(v2);
    const fresh = changed.headers.get('etag')!;
    expect(fresh).not.toBe(old);
    expect(fresh).toBe(md5(v2));
    expect((await get(`/${key}`, { 'if-none-match': `${old}, ${fresh}` })).status).toBe(304);
    expect((await get(`/${key}`, { 'if-none-match': old }, 'HEAD')).status).toBe(200);
  });

  it('answers hostile If-None-Match headers at once and keeps serving', async () => {
    const etag = (await get(`/${RSS}`)).headers.get('etag')!;
    // Node refuses request headers over 16 KiB with 431, as CloudFront and S3 refuse theirs (about 20 KB and 8 KB);
    // the refusal can race the client's upload, so a reset connection is as good an answer.
    const huge = await get(`/${RSS}`, { 'if-none-match': '"x", '.repeat(200_000) }).then(
      (res) => res.status,
      () => 'reset',
    );
    expect([431, 'reset']).toContain(huge);
    // As large as Node lets through: thousands of tags, the matching one last, or none matching.
    const many = `${'W/"0123456789abcdef", '.repeat(600)}${etag}`;
    expect((await get(`/${RSS}`, { 'if-none-match': many })).status).toBe(304);
    for (const junk of ['"'.repeat(12_000), 'W/'.repeat(6_000), ', '.repeat(6_000), `"${etag}`.repeat(300)]) {
      expect((await get(`/${RSS}`, { 'if-none-match': junk })).status).toBe(200);
    }
    expect((await get(`/${RSS}`)).status).toBe(200);
  });

  it('never serves anything from outside the public bucket', async () => {
    const escapes = [
      '/../private/secret.txt',
      '/%2e%2e/private/secret.txt',
      '/%2E%2E/private/secret.txt',
      '/..%2fprivate%2fsecret.txt',
      '/%2e%2e%2fprivate%2fsecret.txt',
      '/feeds/..%2f..%2fprivate/secret.txt',
      '/feeds/%2e%2e/%2e%2e/private/secret.txt',
      '/feeds%2f..%2f..%2fprivate%2fsecret.txt',
      '/.%2e/private/secret.txt',
      '/..%5cprivate%5csecret.txt',
      '/%5c..%5c..%5cprivate/secret.txt',
      '/feeds/%00/../../private/secret.txt',
      '/%252e%252e/private/secret.txt',
      '/%c0%ae%c0%ae/private/secret.txt',
      '//../private/secret.txt',
      '/.//../private/secret.txt',
    ];
    for (const path of escapes) {
      const res = await raw(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('SECRET');
    }
    for (const odd of ['/feeds/rss.xml%00', `/${'a'.repeat(1100)}`, '/%ff'])
      expect((await raw(odd)).status, odd).toBe(404);
    expect((await raw('/feeds/./rss.xml')).status).toBe(200);
  });

  it('redirects a bare editorial path to its directory on this host only', async () => {
    for (const path of [
      '/editorials/2026-06-04-harbour-talks',
      '/.//editorials/2026-06-04-harbour-talks',
      '//editorials/2026-06-04-harbour-talks',
    ]) {
      const res = await raw(path);
      expect(res.status, path).toBe(301);
      expect(res.location, path).toBe('/editorials/2026-06-04-harbour-talks/');
    }
    expect((await raw('//[::1/x')).status).toBe(404);
  });
});
