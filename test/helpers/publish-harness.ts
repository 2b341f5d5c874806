import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Clock, HubNotifier, ObjectStore } from '../../src/ports.ts';
import {
  publishObject,
  type DispatchRequest,
  type ObjectEvent,
  type PublishDeps,
  type PublishOutcome,
  type StopRequest,
} from '../../src/pipeline/publish/index.ts';
import { parseFeedTexts, type ParsedFeed } from './feedparser.ts';
import { jsonFeedErrors } from './json-feed.ts';
import { MemoryStore } from './memory-store.ts';

/*
 * The publish stage as tests drive it: over buckets on s3rver (newStage, for what proves the S3 adapter and the
 * event flow) or over stores in memory (memoryStage, for the publish, catalogue and partner rules, with no server).
 * The publish functions tests call are re-exported here, so a test names what it exercises, not where it lives.
 */
export {
  decodeIndexEntry,
  deserialiseEditorial,
  publishObject,
  releaseEmbargoed,
  serialiseEditorial,
  type DispatchRequest,
  type ObjectEvent,
  type PublishDeps,
  type PublishOutcome,
  type StoredEmailTemplate,
} from '../../src/pipeline/publish/index.ts';
export { rebuildCatalogue } from '../../src/pipeline/publish/catalogue-rebuild.ts';

export const config = loadConfig();
const SAMPLES = new URL('../../samples/', import.meta.url);

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
  editorials: ObjectStore;
  site: ObjectStore;
  clock: FakeClock;
  /** Every call of planDispatch, in order. */
  planned: DispatchRequest[];
  /** Every call of stopDispatch, in order. */
  stopped: StopRequest[];
  logs: Record<string, unknown>[];
  deps: PublishDeps;
  /** Puts an approved file as the desk does; its key. */
  upload(name: string, body: string | Uint8Array): Promise<string>;
  /** Deletes an object from the editorials bucket, as a desk removing an approved file does. */
  remove(key: string): Promise<void>;
  /** Lets the store's upload time move to the next second (S3 keeps upload times to the second). */
  nextUploadSecond(): Promise<void>;
  publish(key: string, kind?: ObjectEvent['kind']): Promise<PublishOutcome>;
  text(store: ObjectStore, key: string): Promise<string | undefined>;
  keys(store: ObjectStore, prefix: string): Promise<string[]>;
  feeds(): Promise<Feeds>;
}

let stages = 0;

/** A fresh pair of buckets, and publish deps over them. */
export interface StageOptions {
  now?: Date;
  planDispatch?: (r: DispatchRequest) => Promise<void>;
  stopDispatch?: (r: StopRequest) => Promise<void>;
  /** The publication's configuration (default: the built-in one). */
  config?: Config;
  hub?: HubNotifier;
}

interface Stores {
  buckets: Stage['buckets'];
  editorials: ObjectStore;
  site: ObjectStore;
  upload: Stage['upload'];
  nextUploadSecond: Stage['nextUploadSecond'];
}

/** Buckets on the running emulator. The SDK loads only here, so unit tests over memoryStage never load it. */
export async function newStage(s3: S3Client, options: StageOptions = {}): Promise<Stage> {
  const { CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { S3ObjectStore } = await import('../../src/adapters/s3-store.ts');
  const n = ++stages;
  const buckets = { editorials: `editorials-${n}`, site: `site-${n}` };
  for (const bucket of Object.values(buckets)) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return stageOver(
    {
      buckets,
      editorials: new S3ObjectStore(s3, buckets.editorials),
      site: new S3ObjectStore(s3, buckets.site),
      upload: async (name, body) => {
        const key = `approved/${name}`;
        await s3.send(
          new PutObjectCommand({ Bucket: buckets.editorials, Key: key, Body: body, ContentType: UPLOAD_TYPE }),
        );
        return key;
      },
      nextUploadSecond: () => delay(1_100),
    },
    options,
  );
}

/**
 * Stores in memory, held to the same contract as S3 (test/integration/object-store.contract.test.ts). Upload times run with the
 * real clock, as S3's do, and nextUploadSecond moves them on a second without waiting for it.
 */
export async function memoryStage(options: StageOptions = {}): Promise<Stage> {
  const n = ++stages;
  let ahead = 0;
  const uploadTime = () => new Date(Date.now() + ahead);
  const editorials = new MemoryStore(uploadTime);
  return stageOver(
    {
      buckets: { editorials: `editorials-${n}`, site: `site-${n}` },
      editorials,
      site: new MemoryStore(uploadTime),
      upload: async (name, body) => {
        const key = `approved/${name}`;
        await editorials.put(key, body, { contentType: UPLOAD_TYPE });
        return key;
      },
      nextUploadSecond: async () => {
        ahead += 1_000;
      },
    },
    options,
  );
}

const UPLOAD_TYPE = 'text/plain; charset=utf-8';

function stageOver(stores: Stores, options: StageOptions): Stage {
  const { editorials, site } = stores;
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
    buckets: stores.buckets,
    editorials,
    site,
    clock,
    planned,
    stopped,
    logs,
    deps,
    upload: stores.upload,
    remove: (key) => editorials.delete(key),
    nextUploadSecond: stores.nextUploadSecond,
    publish: (key, kind = 'created') => publishObject(deps, { kind, key }),
    text,
    keys: async (store, prefix) => {
      const found: string[] = [];
      for await (const summary of store.list(prefix)) found.push(summary.key);
      return found;
    },
    feeds: async () => {
      const [rss, atom, json] = await Promise.all(
        ['feeds/rss.xml', 'feeds/atom.xml', 'feeds/feed.json'].map((key) => text(site, key)),
      );
      if (rss === undefined || atom === undefined || json === undefined) throw new Error('a feed is missing');
      const [parsedRss, parsedAtom] = parseFeedTexts([rss, atom]) as [ParsedFeed, ParsedFeed];
      return {
        rss: parsedRss,
        atom: parsedAtom,
        json: JSON.parse(json) as Feeds['json'],
        jsonErrors: jsonFeedErrors(json),
      };
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

export function markdown(
  fields: Record<string, string>,
  body = 'The body of the editorial, long enough to read.',
): string {
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  return [
    '---',
    ...lines,
    'provenance:',
    '  - url: https://t.me/harbour_watch',
    '    label: Harbour Watch',
    '---',
    '',
    body,
    '',
  ].join('\n');
}

export const sorted = (values: readonly string[]) => [...values].sort();

/** Every feed is well formed and links exactly these editorials' pages, in RSS, Atom and JSON Feed alike. */
export async function expectEveryFeed(stage: Stage, slugs: readonly string[]): Promise<void> {
  const feeds = await stage.feeds();
  const expected = sorted(slugs.map(pageUrl));
  expect(feeds.rss.bozo_exception).toBeNull();
  expect(feeds.atom.bozo_exception).toBeNull();
  expect(feeds.jsonErrors).toEqual([]);
  const links = feedLinks(feeds);
  expect({ rss: sorted(links.rss), atom: sorted(links.atom), json: sorted(links.json) }).toEqual({
    rss: expected,
    atom: expected,
    json: expected,
  });
}

/** Every request for one dispatch id is the same request: the dispatch ledger can merge them into one send. */
export function plannedSends(planned: readonly DispatchRequest[]): Map<string, DispatchRequest> {
  const sends = new Map<string, DispatchRequest>();
  for (const request of planned) {
    const first = sends.get(request.dispatchId);
    if (first) expect(request).toEqual(first);
    else sends.set(request.dispatchId, request);
  }
  return sends;
}
