import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { renderNotice } from '../../src/http/pages.ts';
import { clientAddress, formFields, queryParams, MAX_BODY_BYTES } from '../../src/http/request.ts';
import { contentSecurityPolicy, htmlResponse } from '../../src/http/response.ts';
import type { FunctionUrlEvent } from '../../src/http/types.ts';
import { dropForbiddenChars } from '../../src/render/escape.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { htmlXPath } from '../helpers/html.ts';

const config = loadConfig();

const event = (overrides: Partial<FunctionUrlEvent> & { contentType?: string } = {}): FunctionUrlEvent => {
  const { contentType, ...rest } = overrides;
  return {
    rawPath: '/x',
    rawQueryString: '',
    headers: contentType ? { 'content-type': contentType } : {},
    requestContext: { http: { method: 'POST' } },
    isBase64Encoded: false,
    ...rest,
  };
};

const xpath = htmlXPath;

describe('the client address', () => {
  it('is the viewer CloudFront names, without the port, else the caller of the Function URL', () => {
    const from = (headers: Record<string, string>, sourceIp?: string) =>
      clientAddress(
        event({ headers, requestContext: { http: { method: 'POST', ...(sourceIp !== undefined && { sourceIp }) } } }),
      );
    expect(from({ 'cloudfront-viewer-address': '198.51.100.10:46532' }, '130.176.0.1')).toBe('198.51.100.10');
    expect(from({ 'CloudFront-Viewer-Address': '2001:db8::7:1:46532' }, '130.176.0.1')).toBe('2001:db8::7:1');
    expect(from({}, '203.0.113.4')).toBe('203.0.113.4');
    expect(from({})).toBe('');
  });
});

describe('request parsing', () => {
  it('reads urlencoded bodies, plain or base64 as Function URLs send them', () => {
    const body = 'email=ann%2Bnews%40example.org&source=harbour-talks&topics=a&topics=b+c';
    for (const e of [
      event({ body, contentType: 'application/x-www-form-urlencoded' }),
      event({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
    ]) {
      const form = formFields(e);
      expect(form.get('email')).toBe('ann+news@example.org');
      expect(form.getAll('topics')).toEqual(['a', 'b c']);
    }
  });

  it('reads multipart/form-data bodies (RFC 8058 one-click), with quoted boundaries and UTF-8 values', () => {
    const boundary = 'xYz--"boundary"';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      `--${boundary}`,
      'Content-Disposition: form-data; name="note"',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Grüße,\r\nzwei Zeilen',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="a.txt"',
      '',
      'ignored',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const form = formFields(
      event({
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
        contentType: `multipart/form-data; boundary="${boundary}"`,
      }),
    );
    expect([...form]).toEqual([
      ['List-Unsubscribe', 'One-Click'],
      ['note', 'Grüße,\r\nzwei Zeilen'],
    ]);
  });

  it('reads query strings and refuses oversized bodies', () => {
    expect(queryParams(event({ rawQueryString: 'token=a.b%2Bc&x' })).get('token')).toBe('a.b+c');
    expect(() => formFields(event({ body: 'x'.repeat(MAX_BODY_BYTES + 1) }))).toThrow(/larger than/);
  });
});

describe('pages', () => {
  it('allow exactly their own style, no script, no framing, and forms only to themselves', () => {
    const html = renderNotice(config, { title: 'T', paragraphs: ['p'] });
    const response = htmlResponse(200, html);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
    });
    const csp = response.headers['content-security-policy']!;
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    expect(contentSecurityPolicy(html.replace('--rule', '--rules'))).not.toBe(csp);
  });

  it('escape whatever text they show, in text and attributes alike', () => {
    const hostile = fc.string({
      unit: fc.constantFrom('<', '>', '&', '"', "'", '`', '=', '{', '}', '/', 's', 'c', ' ', '\u0000', '\u2028', 'é'),
    });
    fc.assert(
      fc.property(hostile, hostile, hostile, (title, paragraph, value) => {
        const html = renderNotice(config, {
          title,
          paragraphs: [paragraph],
          form: { button: title, hidden: [{ name: 'token', value }], emailField: true, emailValue: value },
          link: { href: value, text: paragraph },
        });
        const body = html.slice(html.indexOf('<body>'));
        const markup = body.replace(
          /<\/?(header|a|main|h1|p|section|form|input|label|button|footer|address|body|html)\b[^<>]*>/g,
          '',
        );
        expect(markup).not.toMatch(/[<>]/);
        expect(body).not.toMatch(/"[^"=]*"[^\s>/]/);
      }),
      { numRuns: 300 },
    );
    const value = `"><script>alert(1)</script>{{x}} ' & \u0007`;
    const html = renderNotice(config, {
      title: value,
      paragraphs: [value],
      form: { button: 'Go', hidden: [{ name: 'token', value }] },
    });
    expect(xpath(html, 'string(//h1)')).toBe(dropForbiddenChars(value));
    expect(xpath(html, 'string(//input[@name="token"]/@value)')).toBe(dropForbiddenChars(value));
    expect(html).not.toContain('\u0007');
    expect(xpath(html, 'count(//script)')).toBe('0');
  });
});

describe('local HTTP server', () => {
  const emulators = useEmulators({ s3Buckets: ['public'] });
  let server: HttpServer;
  const seen: FunctionUrlEvent[] = [];

  beforeAll(async () => {
    const site = new S3ObjectStore(emulators.s3, 'public');
    await site.put('editorials/2026-06-04-harbour-talks/index.html', '<!doctype html><title>Harbour</title>', {
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=300',
    });
    await site.put('feeds/rss.xml', '<rss version="2.0"/>', {
      contentType: 'application/rss+xml; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    await site.put('feeds/feed.json', '{}', { contentType: 'application/feed+json; charset=utf-8' });
    await site.put(
      'index.html',
      '<!doctype html><title>Home</title><a href="/editorials/2026-06-04-harbour-talks/">Harbour</a>',
      {
        contentType: 'text/html; charset=utf-8',
        cacheControl: 'public, max-age=60',
      },
    );
    server = await startHttpServer({
      routes: {
        '/echo': async (e) => {
          seen.push(e);
          return { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-test': 'yes' }, body: 'ok' };
        },
      },
      static: site,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('hands route requests to the handler as Function URL events and sends back its answer', async () => {
    const res = await fetch(`${server.url}/echo?token=abc&x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-test')).toBe('yes');
    expect(await res.text()).toBe('ok');
    const e = seen.at(-1)!;
    expect(e).toMatchObject({
      rawPath: '/echo',
      rawQueryString: 'token=abc&x=1',
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' } },
    });
    expect(e.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(formFields(e).get('List-Unsubscribe')).toBe('One-Click');
  });

  it('serves the public bucket with its content types, and its index.html at /', async () => {
    const page = await fetch(`${server.url}/editorials/2026-06-04-harbour-talks/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('public, max-age=300');
    const bare = await fetch(`${server.url}/editorials/2026-06-04-harbour-talks`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/editorials/2026-06-04-harbour-talks/');
    const rss = await fetch(`${server.url}/feeds/rss.xml`);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(await rss.text()).toBe('<rss version="2.0"/>');
    expect((await fetch(`${server.url}/feeds/feed.json`)).headers.get('content-type')).toBe(
      'application/feed+json; charset=utf-8',
    );
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get('cache-control')).toBe('public, max-age=60');
    expect(xpath(await home.text(), 'string(//a[1]/@href)')).toBe('/editorials/2026-06-04-harbour-talks/');
    for (const missing of ['/nothing', '/editorials/none/', '/%2e%2e/etc/passwd', '/%E0%A4%A']) {
      expect((await fetch(`${server.url}${missing}`)).status, missing).toBe(404);
    }
  });
});
