import { appendFileSync } from 'node:fs';
import type { PartnerFetchLog, SiteFetch } from '../ports.ts';

/*
 * A local run's stand-in for the distribution's access logs: every answer of the local site server, kept in memory
 * (and, when a file is named, one JSON line each, so a desk command can read a served run's requests).
 */

const underPartners = (f: SiteFetch) => f.path.startsWith('partners/') && (f.status === 200 || f.status === 304);

export class LocalRequestLog implements PartnerFetchLog {
  private readonly requests: SiteFetch[] = [];

  /** `file`: where each request is also written, a JSON line each. */
  constructor(readonly file?: string) {}

  /** The local server's `onRequest`. */
  readonly record = (request: SiteFetch): void => {
    this.requests.push(request);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(request)}\n`);
  };

  async *fetchesSince(since: Date, until: Date): AsyncIterable<SiteFetch> {
    for (const f of this.requests) if (underPartners(f) && f.at >= since && f.at <= until) yield f;
  }
}
