import { createHash } from 'node:crypto';
import type { FunctionUrlResult } from './types.ts';

const BASE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Confirm and preference URLs carry a token: it must not travel to another site in a Referer header. Within the
  // site it may: with no-referrer, a browser would send `Origin: null` on these pages' own forms, which no
  // cross-site check can tell from a sandboxed frame elsewhere.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'x-robots-tag': 'noindex',
};

/** Hashes of the page's own style elements: no other style, script, frame or form target is allowed. */
export function contentSecurityPolicy(html: string): string {
  const hashes = styleElements(html).map(
    (css) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${hashes.length ? hashes.join(' ') : "'none'"}`,
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function htmlResponse(
  statusCode: number,
  html: string,
  extraHeaders: Record<string, string> = {},
): FunctionUrlResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy(html),
      ...BASE_HEADERS,
      ...extraHeaders,
    },
    body: html,
  };
}

/** A file to download (a reader's own data): never cached, never framed, never read as a page. */
export function downloadResponse(body: string, contentType: string, fileName: string): FunctionUrlResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${fileName}"`,
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      ...BASE_HEADERS,
    },
    body,
  };
}

export function textResponse(
  statusCode: number,
  text: string,
  extraHeaders: Record<string, string> = {},
): FunctionUrlResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      ...BASE_HEADERS,
      ...extraHeaders,
    },
    body: text,
  };
}

/** The contents of each `<style>` element, found with indexOf: /<style>([\s\S]*?)<\/style>/g is quadratic on
 * many opening tags without a closing one. */
function styleElements(html: string): string[] {
  const found: string[] = [];
  for (let from = html.indexOf('<style>'); from >= 0; ) {
    const start = from + '<style>'.length;
    const end = html.indexOf('</style>', start);
    if (end < 0) break;
    found.push(html.slice(start, end));
    from = html.indexOf('<style>', end);
  }
  return found;
}
