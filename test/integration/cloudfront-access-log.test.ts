// The partner fetches in CloudFront's standard logs (v2, JSON output) as the pickup report reads them, from an
// access-log bucket on the S3 emulator: only the hour folders asked for, gzip-compressed objects and plain ones.
import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontAccessLog, hourPrefix } from '../../src/adapters/cloudfront-access-log.ts';
import { S3ObjectStore } from '../../src/adapters/s3-store.ts';
import { startEmulators, type Emulators } from '../../src/local/emulators.ts';
import type { SiteFetch } from '../../src/ports.ts';

const DISTRIBUTION = 'E2EXAMPLE7PICK';
const BUCKET = 'broadsheet-access-logs';
const FEED = '/partners/q3v7x2kfa9cjm4tr8nd6bwp5hy/atom.xml';

/** One record as CloudFront writes it with the stack's fields (site-access-logs.ts): strings, no query or referrer. */
function record(time: string, stem: string, status: number): string {
  return JSON.stringify({
    date: time.slice(0, 10),
    time: time.slice(11, 19),
    'x-edge-location': 'FRA56-P1',
    'sc-bytes': '5120',
    'c-ip': '192.0.2.10',
    'cs-method': 'GET',
    'cs(Host)': 'd111111abcdef8.cloudfront.net',
    'cs-uri-stem': stem,
    'sc-status': String(status),
    'cs(User-Agent)': 'PartnerPoller/1.0',
    'x-edge-result-type': status === 304 ? 'RefreshHit' : 'Miss',
    'x-edge-request-id': 'ab12',
    'cs-protocol': 'https',
    'time-taken': '0.012',
  });
}

describe('CloudFront access logs', () => {
  let emulators: Emulators;
  let s3: S3Client;
  let store: S3ObjectStore;

  beforeAll(async () => {
    emulators = await startEmulators({ s3Buckets: [BUCKET] });
    s3 = new S3Client(emulators.clientConfigs.s3);
    store = new S3ObjectStore(s3, BUCKET);
    const put = (key: string, lines: string[], gzip: boolean) => {
      const text = `${lines.join('\n')}\n`;
      return store.put(key, gzip ? gzipSync(text) : text, { contentType: 'application/octet-stream' });
    };
    const folder = (iso: string) => hourPrefix(DISTRIBUTION, new Date(iso));
    await put(
      `${folder('2026-12-07T09:00:00Z')}${DISTRIBUTION}.2026-12-07-09.a1b2c3d4.gz`,
      [
        record('2026-12-07T09:05:01Z', FEED, 200),
        record('2026-12-07T09:06:01Z', '/feeds/atom.xml', 200),
        record('2026-12-07T09:07:01Z', FEED, 404),
        record('2026-12-07T09:08:01Z', '/partners/q3v7x2kfa9cjm4tr8nd6bwp5hy/archive/2/ninjs.json', 304),
      ],
      true,
    );
    // An uncompressed object, and a line that is no record.
    await put(
      `${folder('2026-12-07T10:00:00Z')}${DISTRIBUTION}.2026-12-07-10.e5f6a7b8`,
      [record('2026-12-07T10:15:00Z', FEED, 304), '#Version: 1.0'],
      false,
    );
    // Outside the period asked for, and another distribution's: never read.
    await put(
      `${folder('2026-12-07T06:00:00Z')}${DISTRIBUTION}.2026-12-07-06.00000000.gz`,
      [record('2026-12-07T06:30:00Z', FEED, 200)],
      true,
    );
    await put(
      `${hourPrefix('EOTHER', new Date('2026-12-07T09:00:00Z'))}EOTHER.gz`,
      [record('2026-12-07T09:30:00Z', FEED, 200)],
      true,
    );
  }, 60_000);

  afterAll(async () => {
    s3?.destroy();
    await emulators?.stop();
  });

  it("yields the partner requests answered 200 or 304 in the period, from that period's hour folders only", async () => {
    const log = new CloudFrontAccessLog(store, DISTRIBUTION);
    const fetches: SiteFetch[] = [];
    for await (const f of log.fetchesSince(new Date('2026-12-07T09:00:00Z'), new Date('2026-12-07T11:00:00Z')))
      fetches.push(f);
    expect(fetches.sort((a, b) => a.at.getTime() - b.at.getTime())).toEqual([
      { at: new Date('2026-12-07T09:05:01Z'), path: FEED.slice(1), status: 200 },
      {
        at: new Date('2026-12-07T09:08:01Z'),
        path: 'partners/q3v7x2kfa9cjm4tr8nd6bwp5hy/archive/2/ninjs.json',
        status: 304,
      },
      { at: new Date('2026-12-07T10:15:00Z'), path: FEED.slice(1), status: 304 },
    ]);
    expect(log.objectsRead).toBe(2);
  });

  it('reads nothing, and says so, for a period no log has arrived for yet', async () => {
    const log = new CloudFrontAccessLog(store, DISTRIBUTION);
    const fetches: SiteFetch[] = [];
    for await (const f of log.fetchesSince(new Date('2026-12-07T12:00:00Z'), new Date('2026-12-07T13:30:00Z')))
      fetches.push(f);
    expect(fetches).toEqual([]);
    expect(log.objectsRead).toBe(0);
  });
});
