import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ObjectStore, StoredObject } from '../ports.ts';
import { entityTag, httpDate, isNotModified, type Preconditions } from './conditional.ts';
import { renderNothingPublished } from './pages.ts';
import { MAX_BODY_BYTES, VIEWER_ADDRESS_HEADER } from './request.ts';
import { SITE_PAGE_HEADERS } from './site-headers.ts';
import type { FunctionUrlEvent, FunctionUrlResult, HttpHandler } from './types.ts';

export interface HttpServerOptions {
  /** Handlers by exact path (`/subscribe`); each gets the request as a Function URL event. Looked up on every
   * request, so routes that need the server's own URL may be added to this object after it started. */
  routes: Record<string, HttpHandler>;
  port?: number;
  host?: string;
  /** GET and HEAD of any other path serve this store's objects, like the CDN in front of the public bucket. */
  static?: ObjectStore;
  log?: (line: string) => void;
  /** Told of every GET and HEAD of the site's objects once answered, as the CDN's access log is (the pickup report
   * reads it): the key asked for (no leading slash) and the status. */
  onRequest?: (request: { at: Date; path: string; status: number }) => void;
}

export interface HttpServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Types by extension, for objects stored without one (S3 then reports `binary/octet-stream`). */
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const UNTYPED = new Set(['', 'binary/octet-stream']);

/**
 * A local stand-in for the Function URLs and the CDN: requests to a route become Function URL (payload 2.0)
 * events for the same handlers Lambda runs; other GETs read the public bucket.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const server = createServer((req, res) => {
    serve(req, res, options).catch((err: unknown) => {
      log(`http: ${req.method} ${req.url?.split('?')[0]} failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const url = requestUrl(req.url ?? '/');
  if (!url)
    return send(res, {
      statusCode: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'Bad request\n',
    });
  const handler = Object.hasOwn(options.routes, url.pathname) ? options.routes[url.pathname] : undefined;
  if (handler) {
    const body = await readBody(req);
    if (body === undefined)
      return send(res, {
        statusCode: 413,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Too large\n',
      });
    return send(res, await handler(toEvent(req, url, body)));
  }
  if (options.static && (req.method === 'GET' || req.method === 'HEAD')) {
    const preconditions = {
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
    };
    const result = await staticResponse(options.static, url.pathname, preconditions);
    options.onRequest?.({ at: new Date(), path: bucketKey(url.pathname) ?? url.pathname, status: result.statusCode });
    return send(res, result, req.method === 'HEAD');
  }
  send(res, { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found\n' });
}

/** The request target as a URL. A path is read as a path even when it starts with `//`, which URL alone would take
 * for a host name (and throw on, for `//[x`). */
function requestUrl(target: string): URL | undefined {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function toEvent(req: IncomingMessage, url: URL, body: Buffer): FunctionUrlEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // As CloudFront does: the viewer's address comes from the connection, never from what the client wrote.
  headers[VIEWER_ADDRESS_HEADER] = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? 0}`;
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(req.headers.cookie && { cookies: req.headers.cookie.split(/;\s*/) }),
    requestContext: {
      http: {
        method,
        path: url.pathname,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: req.headers['user-agent'] ?? '',
        protocol: `HTTP/${req.httpVersion}`,
      },
      domainName: req.headers.host ?? '',
      timeEpoch: Date.now(),
    },
    // Function URLs hand over form bodies base64-encoded; the handlers see them the same way here.
    ...(body.length > 0 && { body: body.toString('base64') }),
    isBase64Encoded: body.length > 0,
  };
}

function send(res: ServerResponse, result: FunctionUrlResult, headOnly = false): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  // A 304 has no body, and a Content-Length on it would have to be the full object's, so it gets none.
  const length = result.statusCode === 304 ? {} : { 'content-length': String(body.length) };
  res.writeHead(result.statusCode, { ...result.headers, ...length });
  res.end(headOnly || result.statusCode === 304 ? undefined : body);
}

/** S3's limit on the length of a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * The bucket key a request path names, or undefined when it can name none. s3rver keeps each object as a file
 * under its bucket's folder and joins the key onto that folder, so a `..` segment (sent as `%2e%2e`, or after an
 * encoded slash as in `..%2f`) would read another bucket or any file of the machine: such paths never reach the
 * store. Backslashes (a separator on Windows) and control characters are refused with them; no page has any.
 * Anything else is decoded to the raw UTF-8 key: `/topics/%D0%B5%D1%81/` names `topics/ес/`.
 */
function bucketKey(pathname: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return undefined;
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  return path.replace(/^\/+/, '');
}

/**
 * The public site's answer to a path: a folder (`/`, `/archive/3/`, `/topics/экономика/`) is its index.html, as
 * the distribution's directory-index function makes it, any other path the object of that key. A folder named
 * without its slash (`/archive/3`) that has an index.html is redirected to the slash form, so relative links on
 * the page resolve inside it. `/` of a bucket without a home page is a 404 page that says how to publish.
 */
async function staticResponse(
  store: ObjectStore,
  pathname: string,
  preconditions: Preconditions,
): Promise<FunctionUrlResult> {
  const key = bucketKey(pathname);
  if (key === undefined) return notFound();
  const folder = key === '' || key.endsWith('/');
  const object = await readKey(store, folder ? `${key}index.html` : key);
  if (object) return objectResponse(object, preconditions);
  if (key === '') return htmlNotFound(renderNothingPublished());
  if (folder || !(await readKey(store, `${key}/index.html`))) return notFound();
  // Built from the checked key, not echoed from the request: `//archive/3` must not redirect to another host.
  return { statusCode: 301, headers: { location: `/${key.split('/').map(encodeURIComponent).join('/')}/` }, body: '' };
}

/** The object under a key S3 could hold (at most 1,024 bytes of UTF-8); undefined for any other. */
async function readKey(store: ObjectStore, key: string): Promise<StoredObject | undefined> {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return undefined;
  // S3 never serves half of an object; s3rver, writing its files in place, can while a publish rewrites one. Its
  // ETag is the MD5 of what was stored, so a body that does not match it is read again (the local emulator's gap).
  for (let attempt = 1; ; attempt++) {
    const object = await store.get(key);
    const stored = /^"?([0-9a-f]{32})"?$/.exec(object?.etag ?? '')?.[1];
    if (!object || stored === undefined || attempt === TORN_READ_ATTEMPTS || md5(object.body) === stored) return object;
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
}

const TORN_READ_ATTEMPTS = 6;
const md5 = (body: Uint8Array) => createHash('md5').update(body).digest('hex');

/**
 * An object as S3 serves it through CloudFront: its ETag, Last-Modified and Cache-Control, and 304 Not Modified
 * with only those three when the request's preconditions show the client's copy is current. No Vary: nothing here
 * depends on a request header (CloudFront adds `Vary: Accept-Encoding` to what it compresses itself).
 */
function objectResponse(object: StoredObject, preconditions: Preconditions): FunctionUrlResult {
  const etag = entityTag(object.etag);
  const lastModified = httpDate(object.lastModified);
  const validators: Record<string, string> = {
    ...(etag && { etag }),
    ...(lastModified && { 'last-modified': lastModified }),
    ...(object.cacheControl && { 'cache-control': object.cacheControl }),
  };
  if (isNotModified(preconditions, object, new Date())) return { statusCode: 304, headers: validators, body: '' };
  const extension = /\.([a-z0-9]+)$/i.exec(object.key)?.[1]?.toLowerCase() ?? '';
  const stored = object.contentType ?? '';
  const type = UNTYPED.has(stored) ? (CONTENT_TYPES[extension] ?? 'application/octet-stream') : stored;
  return {
    statusCode: 200,
    // Pages get the distribution's page headers (its Content-Security-Policy included), feeds and JSON only nosniff.
    headers: {
      'content-type': type,
      ...validators,
      'x-content-type-options': 'nosniff',
      ...(type.startsWith('text/html') && SITE_PAGE_HEADERS),
    },
    body: Buffer.from(object.body).toString('base64'),
    isBase64Encoded: true,
  };
}

function notFound(): FunctionUrlResult {
  return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found\n' };
}

function htmlNotFound(html: string): FunctionUrlResult {
  return {
    statusCode: 404,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SITE_PAGE_HEADERS },
    body: html,
  };
}
