import { gunzipSync } from 'node:zlib';
import type { ObjectStore, PartnerFetchLog, SiteFetch } from '../ports.ts';

/*
 * The partner fetches in the distribution's standard logs (v2, JSON output, infra/constructs/site-access-logs.ts):
 * objects under `cloudfront/<distribution id>/yyyy/MM/dd/HH/` of the access-log bucket, each a gzip-compressed (or,
 * as some deliveries write them, plain) file of one JSON record a line. Only the hours asked for are listed, so a
 * report costs what its period holds, not the whole history. A record lands in the folder of the hour it was
 * delivered in, a few minutes after the request: the hour after `until` is not read, so the last minutes may be
 * missing.
 */

export const ACCESS_LOG_ROOT = 'cloudfront';
const HOUR_MS = 3_600_000;
const PARTNERS = '/partners/';

const pad = (n: number) => String(n).padStart(2, '0');

/** The folder of one hour: `cloudfront/<id>/2026/12/07/04/`. */
export function hourPrefix(distributionId: string, hour: Date): string {
  const d = hour;
  return `${ACCESS_LOG_ROOT}/${distributionId}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
}

/** Every hour folder from the one holding `since` to the one holding `until`. */
export function hourPrefixes(distributionId: string, since: Date, until: Date): string[] {
  const prefixes: string[] = [];
  for (let t = Math.floor(since.getTime() / HOUR_MS) * HOUR_MS; t <= until.getTime(); t += HOUR_MS)
    prefixes.push(hourPrefix(distributionId, new Date(t)));
  return prefixes;
}

/** The text of a log object, compressed or not: gzip is told by its magic bytes, whatever the name says. */
export function logText(body: Uint8Array): string {
  const gzipped = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  return new TextDecoder().decode(gzipped ? gunzipSync(body) : body);
}

/** When the request was made: `date` and `time` (UTC), else `timestamp` (seconds or milliseconds since 1970). */
function requestTime(record: Record<string, unknown>): Date | undefined {
  if (typeof record.date === 'string' && typeof record.time === 'string') {
    const at = new Date(`${record.date}T${record.time}Z`);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const stamp = Number(record.timestamp);
  if (!Number.isFinite(stamp) || stamp <= 0) return undefined;
  return new Date(stamp < 1e11 ? stamp * 1000 : stamp);
}

/** A partner fetch in one log line, or undefined for anything else (another path, another status, not a record). */
export function partnerFetchOf(line: string): SiteFetch | undefined {
  if (!line.includes(PARTNERS)) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const fields = record as Record<string, unknown>;
  const stem = fields['cs-uri-stem'];
  const status = Number(fields['sc-status']);
  const at = requestTime(fields);
  if (typeof stem !== 'string' || !stem.startsWith(PARTNERS) || !at) return undefined;
  if (status !== 200 && status !== 304) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(stem.slice(1));
  } catch {
    return undefined;
  }
  return { at, path, status };
}

export class CloudFrontAccessLog implements PartnerFetchLog {
  /** Log objects read by the last iteration: none means no log has arrived for that period yet. */
  objectsRead = 0;

  constructor(
    private readonly bucket: ObjectStore,
    private readonly distributionId: string,
  ) {}

  async *fetchesSince(since: Date, until: Date): AsyncIterable<SiteFetch> {
    this.objectsRead = 0;
    for (const prefix of hourPrefixes(this.distributionId, since, until)) {
      for await (const summary of this.bucket.list(prefix)) {
        const object = await this.bucket.get(summary.key);
        if (!object) continue;
        this.objectsRead++;
        for (const line of logText(object.body).split('\n')) {
          const fetch = partnerFetchOf(line);
          if (fetch && fetch.at >= since && fetch.at <= until) yield fetch;
        }
      }
    }
  }
}
