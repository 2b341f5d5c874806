import type { HttpPoster } from '../ports.ts';

/** POSTs with fetch, giving up after `timeoutMs` (answer included); redirects are not followed. */
export class FetchPoster implements HttpPoster {
  constructor(private readonly options: { timeoutMs: number; fetch?: typeof fetch }) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
    const response = await (this.options.fetch ?? fetch)(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    // The answer's body is not read beyond what closes the connection cleanly.
    await response.body?.cancel().catch(() => {});
    return { status: response.status };
  }
}
