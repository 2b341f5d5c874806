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

/**
 * The network a per-client limit counts a client address as: an IPv4 address is itself, an IPv6 address its /64
 * (`2001:db8:0:7::/64`), because one subscriber line or host usually holds a whole /64 and can pick any interface id
 * in it; an IPv4-mapped IPv6 address (`::ffff:198.51.100.7`) is its IPv4 address. Anything else is returned as given.
 */
export function clientNetwork(address: string): string {
  const bare = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const zone = bare.indexOf('%');
  const value = zone >= 0 ? bare.slice(0, zone) : bare;
  if (!value.includes(':')) return value;
  const groups = ipv6Groups(value);
  if (groups === undefined) return value;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

const HEXTET = /^[0-9a-f]{1,4}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 read), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parts = (half: string | undefined): number[] | undefined => {
    if (half === undefined || half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [i, piece] of pieces.entries()) {
      const dotted = IPV4.exec(piece);
      if (dotted && i === pieces.length - 1) {
        const bytes = dotted.slice(1).map(Number);
        if (bytes.some((b) => b > 255)) return undefined;
        out.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
      } else if (HEXTET.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parts(halves[0]);
  const tail = parts(halves[1]);
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
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
