import type { FunctionUrlEvent } from './types.ts';
import { BroadsheetError } from '../errors.ts';

/** Larger bodies are refused: every form this project serves is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends BroadsheetError {
  override name = 'BodyTooLargeError';
}

export function requestMethod(event: FunctionUrlEvent): string {
  return (event.requestContext?.http?.method ?? 'GET').toUpperCase();
}

export function header(event: FunctionUrlEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** CloudFront's header naming the viewer's address and port; the local server sets it from the socket. */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/**
 * The address of the client that sent the request, for per-client limits: the `CloudFront-Viewer-Address` header
 * (`198.51.100.10:46532`, `2001:db8::1:46532`) without its port, which only the distribution can set because only
 * it may call the functions; else the request context's source IP (the caller of a Function URL); else empty.
 */
export function clientAddress(event: FunctionUrlEvent): string {
  const viewer = header(event, VIEWER_ADDRESS_HEADER)?.trim();
  if (viewer) {
    const colon = viewer.lastIndexOf(':');
    const address = colon > 0 && /^\d+$/.test(viewer.slice(colon + 1)) ? viewer.slice(0, colon) : viewer;
    return address.replace(/^\[(.*)\]$/, '$1');
  }
  return event.requestContext?.http?.sourceIp?.trim() ?? '';
}

export function bodyBytes(event: FunctionUrlEvent): Buffer {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body larger than ${MAX_BODY_BYTES} bytes`);
  return bytes;
}

/** The query string's parameters (form-URL-decoded). */
export function queryParams(event: FunctionUrlEvent): URLSearchParams {
  return new URLSearchParams(event.rawQueryString ?? '');
}

/**
 * The fields of a form body: `application/x-www-form-urlencoded` (also assumed when no type is given) or
 * `multipart/form-data`, which RFC 8058 one-click unsubscribers are asked to send. File parts are skipped.
 */
export function formFields(event: FunctionUrlEvent): URLSearchParams {
  const bytes = bodyBytes(event);
  const type = header(event, 'content-type') ?? '';
  if (/^\s*multipart\/form-data\b/i.test(type)) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    return multipartFields(bytes, boundary?.[1] ?? boundary?.[2] ?? '');
  }
  return new URLSearchParams(bytes.toString('utf8'));
}

function multipartFields(bytes: Buffer, boundary: string): URLSearchParams {
  const fields = new URLSearchParams();
  if (!boundary) return fields;
  // latin1 maps every byte to one character, so splitting the string splits the bytes.
  const raw = bytes.toString('latin1');
  for (const part of raw.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /(?:^|;)\s*filename\*?=/i.test(disposition)) continue;
    const content = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    fields.append(Buffer.from(name, 'latin1').toString('utf8'), Buffer.from(content, 'latin1').toString('utf8'));
  }
  return fields;
}
