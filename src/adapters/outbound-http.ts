import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { BroadsheetError } from '../errors.ts';
import {
  isLoopbackAddress,
  isPublicAddress,
  literalAddress,
  OutboundRefusedError,
  outboundUrlProblem,
} from '../address-policy.ts';

/*
 * The one way out to a URL someone else names (partner webhooks, the WebSub hub). It refuses anything but https
 * (plain http and loopback only in a local run, `allowLocal`), resolves the name itself and refuses it when ANY
 * address is not public, connects to the address it checked (no second lookup: SNI and Host stay the name),
 * follows no redirect (a 3xx is just an answer), keeps at most `maxBodyBytes` of the answer and then hangs up,
 * and gives up at one deadline covering the lookup, the connection and the whole answer.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (node:dns lookup with all: true by default). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const DEFAULT_OUTBOUND_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024;

export interface OutboundOptions {
  /** A local run: plain http and loopback destinations (127.0.0.1, ::1, localhost) allowed. Lambda never sets it. */
  allowLocal?: boolean;
  /** Lookup, connection and the whole answer (default 5 s). */
  timeoutMs?: number;
  /** The most of the answer's body kept; the connection is closed past it (default 4 KiB). */
  maxBodyBytes?: number;
  resolve?: Resolver;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most `maxBodyBytes` of the answer. Never log it: it is whatever the other side chose to say. */
  body: Buffer;
  /** The answer went on past `maxBodyBytes`; the connection was closed. */
  truncated: boolean;
}

export { OutboundRefusedError };

/** No whole answer within the deadline. */
export class OutboundTimeoutError extends BroadsheetError {
  override name = 'OutboundTimeoutError';
}

const defaultResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class OutboundHttp {
  private readonly allowLocal: boolean;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly resolve: Resolver;

  constructor(options: OutboundOptions = {}) {
    this.allowLocal = options.allowLocal === true;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OUTBOUND_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.resolve = options.resolve ?? defaultResolver;
  }

  /** What is wrong with the URL before any lookup, or undefined. */
  urlProblem(url: string): string | undefined {
    return outboundUrlProblem(url, { allowLocal: this.allowLocal });
  }

  /**
   * POSTs the body; the answer, whatever its status (3xx included: redirects are not followed). Throws an
   * OutboundRefusedError before connecting when the URL or its addresses are not allowed, an OutboundTimeoutError
   * past the deadline or when `signal` aborts, and the network error otherwise.
   */
  async post(
    url: string,
    body: string | Buffer,
    headers: Record<string, string>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<OutboundResponse> {
    const problem = this.urlProblem(url);
    if (problem) throw new OutboundRefusedError(`refused to send to ${redacted(url)}: the URL ${problem}`);
    const target = new URL(url);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;

    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new OutboundTimeoutError(`no whole answer from ${target.host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onOuterAbort = () =>
      controller.abort(new OutboundTimeoutError(`gave up on ${target.host}: ${messageOf(options.signal?.reason)}`));
    if (options.signal?.aborted) onOuterAbort();
    else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const signal = controller.signal;
    try {
      const address = await abortable(this.vetted(target), signal);
      return await this.send(target, address, body, headers, signal);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** The address to connect to, once every address of the host is allowed. */
  private async vetted(target: URL): Promise<ResolvedAddress> {
    const literal = literalAddress(target);
    // A literal IP host passed urlProblem already.
    if (literal !== undefined) return { address: literal, family: literal.includes(':') ? 6 : 4 };
    const hostname = target.hostname.replace(/\.$/, '');
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(hostname);
    } catch (err) {
      throw new BroadsheetError(`could not resolve ${hostname}: ${messageOf(err)}`, { cause: err });
    }
    if (addresses.length === 0) throw new BroadsheetError(`${hostname} resolves to no address`);
    const refused = addresses.filter((a) => !this.allowed(a.address));
    if (refused.length) {
      throw new OutboundRefusedError(
        `refused to send to ${hostname}: it resolves to ${refused.map((a) => a.address).join(', ')}, not a public address`,
      );
    }
    return addresses[0]!;
  }

  private allowed(address: string): boolean {
    return isPublicAddress(address) || (this.allowLocal && isLoopbackAddress(address));
  }

  private send(
    target: URL,
    vetted: ResolvedAddress,
    body: string | Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<OutboundResponse> {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    // Whatever the agent asks (one address or all), the answer is the address checked above.
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, [vetted]);
      else callback(null, vetted.address, vetted.family);
    };
    const requestOptions: RequestOptions = {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      headers: { ...headers, 'content-length': String(payload.length) },
      lookup,
      agent: false,
      signal,
    };
    const maxBodyBytes = this.maxBodyBytes;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const fail = (err: unknown) => reject(signal.aborted ? signal.reason : err);
      const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = (truncated: boolean) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, kept), truncated });
        res.on('data', (chunk: Buffer) => {
          const room = maxBodyBytes - kept;
          if (chunk.length > room) {
            if (room > 0) chunks.push(chunk.subarray(0, room));
            kept += Math.max(room, 0);
            done(true);
            res.destroy();
            req.destroy();
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () => done(false));
        res.on('error', fail);
        res.on('aborted', () => fail(new BroadsheetError('the answer was cut off')));
      });
      req.on('error', fail);
      req.end(payload);
    });
  }
}

/** The URL without its query or credentials, for messages (a webhook URL's query may hold a token). */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
