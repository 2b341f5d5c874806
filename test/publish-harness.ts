import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../src/adapters/s3-store.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import type { Clock, HubNotifier, ObjectStore } from '../src/ports.ts';
import { publishObject, type DispatchRequest, type ObjectEvent, type PublishDeps, type PublishOutcome, type StopRequest } from '../src/pipeline/publish/index.ts';
import { parseFeedTexts, type ParsedFeed } from './helpers/feedparser.ts';
import { jsonFeedErrors } from './helpers/json-feed.ts';

export const config = loadConfig();
const SAMPLES = new URL('../samples/', import.meta.url);

export function samples(): { name: string; bytes: Uint8Array }[] {
  return readdirSync(SAMPLES)
    .filter((name) => /\.(txt|md)$/.test(name))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(new URL(name, SAMPLES)) }));
}

export interface FakeClock extends Clock {
  set(date: Date): void;
}

/** Time stands still unless a test moves it; sleeping waits a little real time so colliding writers spread out. */
export function fakeClock(start: Date): FakeClock {
  let now = start;
  return {
    now: () => now,
    sleep: (ms) => delay(Math.min(Math.max(ms, 0), 50)),
    set: (date) => void (now = date),
  };
}

export interface Feeds {
  rss: ParsedFeed;
  atom: ParsedFeed;
  json: { items: { id: string; url?: string; title?: string; date_modified?: string }[] };
  jsonErrors: string[];
}

export interface Stage {
  buckets: { editorials: string; site: string };
  editorials: S3ObjectStore;
  site: S3ObjectStore;
  clock: FakeClock;
  /** Every call of planDispatch, in order. */
  planned: DispatchRequest[];
  /** Every call of stopDispatch, in order. */
  stopped: StopRequest[];
  logs: Record<string, unknown>[];
  deps: PublishDeps;
  upload(name: string, body: string | Uint8Array): Promise<string>;
  publish(key: string, kind?: ObjectEvent['kind']): Promise<PublishOutcome>;
  text(store: ObjectStore, key: string): Promise<string | undefined>;
  keys(store: ObjectStore, prefix: string): Promise<string[]>;
  feeds(): Promise<Feeds>;
}

let stages = 0;

/** A fresh pair of buckets on the running emulator, and publish deps over them. */
export interface StageOptions {
  now?: Date;
  planDispatch?: (r: DispatchRequest) => Promise<void>;
  stopDispatch?: (r: StopRequest) => Promise<void>;
  /** The publication's configuration (default: the built-in one). */
  config?: Config;
  hub?: HubNotifier;
}

export async function newStage(s3: S3Client, options: StageOptions = {}): Promise<Stage> {
  const n = ++stages;
  const buckets = { editorials: `editorials-${n}`, site: `site-${n}` };
  for (const bucket of Object.values(buckets)) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const editorials = new S3ObjectStore(s3, buckets.editorials);
  const site = new S3ObjectStore(s3, buckets.site);
  const clock = fakeClock(options.now ?? new Date('2026-07-01T00:00:00Z'));
  const planned: DispatchRequest[] = [];
  const stopped: StopRequest[] = [];
  const logs: Record<string, unknown>[] = [];
  const deps: PublishDeps = {
    editorials,
    site,
    config: options.config ?? config,
    clock,
    ...(options.hub && { hub: options.hub }),
    log: createLogger({}, (line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
    planDispatch:
      options.planDispatch ??
      (async (request) => {
        planned.push(request);
      }),
    stopDispatch:
      options.stopDispatch ??
      (async (request) => {
        stopped.push(request);
      }),
  };
  const text = async (store: ObjectStore, key: string) => {
    const object = await store.get(key);
    return object && new TextDecoder().decode(object.body);
  };
  return {
    buckets,
    editorials,
    site,
    clock,
    planned,
    stopped,
    logs,
    deps,
    upload: async (name, body) => {
      const key = `approved/${name}`;
      await s3.send(new PutObjectCommand({ Bucket: buckets.editorials, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8' }));
      return key;
    },
    publish: (key, kind = 'created') => publishObject(deps, { kind, key }),
    text,
    keys: async (store, prefix) => {
      const found: string[] = [];
      for await (const summary of store.list(prefix)) found.push(summary.key);
      return found;
    },
    feeds: async () => {
      const [rss, atom, json] = await Promise.all(['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'].map((key) => text(site, key)));
      if (rss === undefined || atom === undefined || json === undefined) throw new Error('a feed is missing');
      const [parsedRss, parsedAtom] = parseFeedTexts([rss, atom]) as [ParsedFeed, ParsedFeed];
      return { rss: parsedRss, atom: parsedAtom, json: JSON.parse(json) as Feeds['json'], jsonErrors: jsonFeedErrors(json) };
    },
  };
}

export const pageUrl = (slug: string) => `${config.publication.siteUrl}/editorials/${encodeURIComponent(slug)}/`;

/** The page links of each feed (RSS, Atom, JSON Feed), so a test sees the same list from all three. */
export function feedLinks(feeds: Feeds): { rss: string[]; atom: string[]; json: string[] } {
  return {
    rss: feeds.rss.entries.map((e) => e.link ?? ''),
    atom: feeds.atom.entries.map((e) => e.link ?? ''),
    json: feeds.json.items.map((i) => i.url ?? ''),
  };
}

export function markdown(fields: Record<string, string>, body = 'The body of the editorial, long enough to read.'): string {
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  return ['---', ...lines, 'provenance:', '  - url: https://t.me/harbour_watch', '    label: Harbour Watch', '---', '', body, ''].join('\n');
}
