import type { HttpPoster } from '../ports.ts';
import { OutboundHttp, type OutboundOptions } from './outbound-http.ts';

/**
 * POSTs partner webhooks through the outbound client (outbound-http.ts): https to public addresses only (plain
 * http and loopback only with `allowLocal`, a local run), the URL checked again on every POST, no redirect
 * followed (a 3xx is the status returned, a failure to the caller), at most a few KiB of the answer read and
 * never returned, and one deadline for the lookup, the connection and the answer (`timeoutMs`).
 */
export class SafePoster implements HttpPoster {
  private readonly client: OutboundHttp;

  constructor(options: OutboundOptions & { timeoutMs: number }) {
    this.client = new OutboundHttp(options);
  }

  /** What is wrong with a webhook URL before any lookup, or undefined. */
  urlProblem(url: string): string | undefined {
    return this.client.urlProblem(url);
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
    const { status } = await this.client.post(url, body, headers);
    return { status };
  }
}
