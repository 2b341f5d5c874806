import { readFileSync } from 'node:fs';
import type { PartnerFetchLog, SiteFetch } from '../ports.ts';

/*
 * A served local run's requests (`requests.jsonl`, one `{ at, path, status }` a line, written by its site server) as
 * a fetch log, for a desk command run beside it.
 */

const underPartners = (f: SiteFetch) => f.path.startsWith('partners/') && (f.status === 200 || f.status === 304);

/** A served run's request file (`requests.jsonl`), as a fetch log; a line that is not a request is skipped. */
export function requestLogFile(file: string): PartnerFetchLog {
  return {
    async *fetchesSince(since, until) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') return;
        throw err;
      }
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        let raw: { at?: unknown; path?: unknown; status?: unknown };
        try {
          raw = JSON.parse(line) as typeof raw;
        } catch {
          continue;
        }
        const at = new Date(String(raw.at));
        if (typeof raw.path !== 'string' || typeof raw.status !== 'number' || Number.isNaN(at.getTime())) continue;
        const f = { at, path: raw.path, status: raw.status };
        if (underPartners(f) && at >= since && at <= until) yield f;
      }
    },
  };
}
