// Streams N synthetic editorials through parse → feed window → feeds in a fresh process and reports peak memory.
import { config, parse, syntheticEditorial } from './sample.ts';
import { renderFeeds } from '../src/render/feeds/index.ts';
import { FeedWindow } from '../src/render/feeds/window.ts';

const count = Number(process.argv[2]);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const baseline = process.memoryUsage().heapUsed;
let peakHeap = 0;
const window = new FeedWindow(config.feeds.limit, new Date('2100-01-01T00:00:00Z'));
for (let n = 0; n < count; n++) {
  const { file, bytes } = syntheticEditorial(n);
  window.add(parse(file, bytes));
  if (n % 100 === 99) {
    gc();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - baseline);
  }
}
const feeds = renderFeeds(window.entries(), config);
gc();
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - baseline);
process.stdout.write(
  JSON.stringify({
    items: count,
    feedItems: window.entries().length,
    bytes: feeds.rss.length,
    peakHeapBytes: peakHeap,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
