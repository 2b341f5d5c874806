// Publish benchmark: the latency and the storage requests of one publish with 10 and with 2,000 editorials already
// published, against the local emulators started in this process.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { systemClock } from '../src/adapters/clock.ts';
import { objectStore } from '../src/app/adapters.ts';
import { configFrom } from '../src/config.ts';
import { startEmulators, type Emulators } from '../src/local/emulators.ts';
import { createLogger } from '../src/log.ts';
import { rebuildCatalogue } from '../src/pipeline/publish/catalogue-rebuild.ts';
import type { PublishDeps } from '../src/pipeline/publish/deps.ts';
import { encodeIndexEntry } from '../src/pipeline/publish/index-entry.ts';
import { publishObject } from '../src/pipeline/publish/index.ts';
import { JSON_TYPE, keys } from '../src/pipeline/publish/keys.ts';
import { countingStore, RequestTally, total } from './counting-store.ts';
import { parse, syntheticEditorial } from './sample.ts';
import { median, round } from './stats.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HISTORIES = [10, 2000] as const;
/**
 * Items in each subscription document and archive page. With a window of 8 both histories reach past it, so every
 * measured publish moves an editorial out of the window into the open archive page and writes that page's
 * documents as well as the subscription documents. One publish in 8 also completes an archive page and writes it
 * (some ten requests more); the histories meet that publish at different runs, and the medians leave it out.
 */
const FEEDS_LIMIT = 8;
const SEED_BATCH = 50;
const PROGRESS_EVERY = 500;
const HOUR = 3_600_000;
/** Numbers of the measured editorials: apart from every history's, and the same in both histories. */
const MEASURED_FROM = 1_000_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface History {
  size: number;
  deps: PublishDeps;
  tally: RequestTally;
  /** Per measured publish: milliseconds, and the requests by call. */
  ms: number[];
  calls: Map<string, number>[];
  /** When the last upload to this history's bucket had returned (epoch ms). */
  lastUpload: number;
  /** Editorials uploaded so far, warm-up included: numbers the next one. */
  uploads: number;
}

const buckets = (label: string) => ({
  editorials: `bench-publish-${label}-editorials`,
  site: `bench-publish-${label}-site`,
});

export async function benchPublish(options: { runs: number }): Promise<Record<string, number>> {
  const runs = Math.max(5, Math.round(options.runs / 3));
  const labels = ['warm', ...HISTORIES.map(String)];
  const emulators = await startEmulators({ s3Buckets: labels.flatMap((l) => Object.values(buckets(l))) });
  try {
    // A history of its own to warm the publish path on (first calls, connections), so neither measured history
    // publishes more than its measured runs.
    const warm = await history(emulators, 'warm', 10);
    for (let r = 0; r < 2; r++) await publishOne(warm);

    const histories = [];
    for (const size of HISTORIES) histories.push(await history(emulators, String(size), size));
    log(`publish: ${runs} publishes into each history, interleaved…`);
    for (let r = 0; r < runs; r++) {
      // Interleaved, each history first every other run, so both see the same machine load.
      for (const h of r % 2 ? [...histories].reverse() : histories) {
        await publishOne(h);
        log(
          `publish: history ${h.size}, run ${r + 1}/${runs}: ${round(h.ms.at(-1)!, 1)} ms, ${total(h.calls.at(-1)!)} requests`,
        );
      }
    }

    const [small, large] = histories as [History, History];
    const ms = (h: History) => round(median(h.ms));
    const requests = (h: History) => median(h.calls.map(total));
    if (requests(small) !== requests(large)) explainDifference(small, large);
    return {
      publish_feeds_limit: FEEDS_LIMIT,
      publish_ms_history_10: ms(small),
      publish_ms_history_2000: ms(large),
      publish_ms_ratio: round(ms(large) / ms(small), 2),
      publish_requests_history_10: requests(small),
      publish_requests_history_2000: requests(large),
      publish_requests_ratio: round(requests(large) / requests(small), 2),
    };
  } finally {
    await emulators.stop();
  }
}

/** Fresh buckets holding `size` published editorials and the catalogue built from them. */
async function history(emulators: Emulators, label: string, size: number): Promise<History> {
  const tally = new RequestTally();
  const names = buckets(label);
  const what = `${size} editorials${label === 'warm' ? ' to warm up on' : ''}`;
  const deps: PublishDeps = {
    editorials: countingStore(objectStore(emulators, names.editorials), 'editorials', tally),
    site: countingStore(objectStore(emulators, names.site), 'site', tally),
    config: configFrom({ feeds: { limit: FEEDS_LIMIT } }, 'bench'),
    clock: systemClock,
    log: createLogger({}, () => {}),
    // The dispatch plan is measured by the dispatch benchmark.
    planDispatch: async () => {},
  };
  // One editorial an hour, the newest a day before now: distinct dates, all older than the measured editorials.
  const first = Math.floor(Date.now() / HOUR) * HOUR - (size + 24) * HOUR;
  for (let start = 0; start < size; start += SEED_BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(SEED_BATCH, size - start) }, async (_, i) => {
        const { file, bytes, published } = syntheticEditorial(start + i, {
          published: new Date(first + (start + i) * HOUR),
        });
        const editorial = parse(file, bytes, published);
        const entry = {
          editorial,
          sourceKey: `approved/${file}`,
          sourceLastModified: published,
          dispatchId: editorial.slug,
          dispatchedAt: published,
        };
        await deps.editorials.put(keys.index(editorial.slug), encodeIndexEntry(entry), { contentType: JSON_TYPE });
      }),
    );
    const done = Math.min(start + SEED_BATCH, size);
    if (done % PROGRESS_EVERY === 0 || done === size) log(`publish: seeding ${what}… ${done}/${size}`);
  }
  await rebuildCatalogue(deps, (done, all) => {
    if (done % PROGRESS_EVERY === 0 || done === all) log(`publish: building the catalogue of ${what}… ${done}/${all}`);
  });
  tally.take();
  return { size, deps, tally, ms: [], calls: [], lastUpload: 0, uploads: 0 };
}

/** Uploads the next new editorial and times its publish, from the call to the return (the feeds written). */
async function publishOne(h: History): Promise<void> {
  // S3 dates an upload to the second, and that date is the editorial's publication date: one per second.
  const next = (Math.floor(h.lastUpload / 1000) + 1) * 1000;
  if (Date.now() < next) await delay(next - Date.now());
  const { file, bytes } = syntheticEditorial(MEASURED_FROM + h.uploads++, { published: new Date() });
  const key = `approved/${file}`;
  await h.deps.editorials.put(key, bytes, { contentType: 'text/plain; charset=utf-8' });
  h.lastUpload = Date.now();
  h.tally.take();
  const start = performance.now();
  const outcome = await publishObject(h.deps, { kind: 'created', key });
  const ms = performance.now() - start;
  const calls = h.tally.take();
  if (outcome.outcome !== 'published')
    throw new Error(`publish of ${key} with ${h.size} behind it: ${JSON.stringify(outcome)}`);
  h.ms.push(ms);
  h.calls.push(calls);
}

/**
 * Prints to stderr the store calls that differ between a typical publish of each history (the run whose count is
 * nearest the median), keys with their numbers (archive pages, slugs) written as #.
 */
function explainDifference(a: History, b: History): void {
  const typical = (h: History) => {
    const target = median(h.calls.map(total));
    const run = h.calls.reduce(
      (best, c, i) => (Math.abs(total(c) - target) < Math.abs(total(h.calls[best]!) - target) ? i : best),
      0,
    );
    const byShape = new Map<string, number>();
    for (const [call, n] of h.calls[run]!) {
      const shape = call.replace(/\d+/g, '#');
      byShape.set(shape, (byShape.get(shape) ?? 0) + n);
    }
    return { run, count: total(h.calls[run]!), byShape };
  };
  const [x, y] = [typical(a), typical(b)];
  log(
    `publish: requests differ: history ${a.size} run ${x.run + 1} made ${x.count}, history ${b.size} run ${y.run + 1} made ${y.count}; the calls that differ:`,
  );
  for (const call of [...new Set([...x.byShape.keys(), ...y.byShape.keys()])].sort()) {
    const [m, n] = [x.byShape.get(call) ?? 0, y.byShape.get(call) ?? 0];
    if (m !== n) log(`  ${call}: ${m} with ${a.size}, ${n} with ${b.size}`);
  }
}
