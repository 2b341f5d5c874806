// npm run bench -- --json <file>: each figure of this project beside its baseline, measured in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mjml2html from 'mjml';
import { renderEmailMjml } from '../src/render/email/index.ts';
import type { Editorial } from '../src/model.ts';
import { config, parse, parseSample, SAMPLE_FILE, syntheticEditorial } from './sample.ts';
import { mb, median, pairedMedianMs, round } from './stats.ts';
import { buildOwnFeeds, buildPeerFeeds, renderSample } from './workloads.ts';
import { benchWorkerBundle } from './bundle.ts';
import { benchDispatch } from './dispatch.ts';

const { values } = parseArgs({
  options: { json: { type: 'string' }, runs: { type: 'string', default: '30' }, recipients: { type: 'string', default: '1000' } },
});
const runs = Number(values.runs);
const log = (line: string) => process.stderr.write(`${line}\n`);
const node = (script: string, ...args: string[]) =>
  JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx/esm', join(import.meta.dirname, script), ...args], { encoding: 'utf8' }));

log(`sample: ${SAMPLE_FILE}`);
const sampleBytes = readFileSync(SAMPLE_FILE);
const sample = parseSample(sampleBytes);
const mjml = await renderEmailMjml(sample, config);
const raw = () => mjml2html(mjml, { validationLevel: 'soft' });

log(`render: ${runs} runs beside raw mjml2html of the same MJML…`);
const [renderWarm, mjmlWarm] = await pairedMedianMs(() => renderSample(parseSample(sampleBytes), config), raw, runs);
const mjmlFile = join(mkdtempSync(join(tmpdir(), 'broadsheet-bench-')), 'sample.mjml');
writeFileSync(mjmlFile, mjml);
log('first calls in fresh processes…');
const firstRender = medianOf(3, () => node('first-call.ts', 'render'));
const firstMjml = medianOf(3, () => node('first-call.ts', 'raw-mjml', mjmlFile));

const feedFigures: Record<string, number> = {};
for (const count of [50, 500]) {
  log(`feeds: ${count} items, own renderer beside the feed package…`);
  const items: Editorial[] = Array.from({ length: count }, (_, n) => {
    const { file, bytes } = syntheticEditorial(n);
    return parse(file, bytes);
  });
  const [own, peer] = await pairedMedianMs(() => buildOwnFeeds(items, config, count), () => buildPeerFeeds(items, config, count), Math.max(5, runs / 3));
  feedFigures[`feed_build_${count}_ms`] = own;
  feedFigures[`feed_package_${count}_ms`] = peer;
  feedFigures[`feed_build_${count}_ratio`] = round(own / peer, 2);
}

log('memory: 500 and 5000 editorials streamed through the feed window…');
const mem500 = node('memory.ts', '500');
const mem5000 = node('memory.ts', '5000');

log('dispatch worker bundle: esbuild with the stack\'s options, cold import in fresh processes…');
const bundle = await benchWorkerBundle();
const dispatch = await benchDispatch({ recipients: Number(values.recipients), concurrency: 4 });

const result = {
  sample_file: SAMPLE_FILE.split('/').pop(),
  runs,
  render_warm_median_ms: renderWarm,
  raw_mjml_warm_median_ms: mjmlWarm,
  render_vs_raw_mjml_ratio: round(renderWarm / mjmlWarm, 2),
  render_first_call_ms: round(firstRender.firstCallMs!),
  raw_mjml_first_call_ms: round(firstMjml.firstCallMs!),
  render_import_ms: round(firstRender.importMs!),
  raw_mjml_import_ms: round(firstMjml.importMs!),
  ...feedFigures,
  feed_window: config.feeds.limit,
  peak_heap_500_items_mb: mb(mem500.peakHeapBytes),
  peak_heap_5000_items_mb: mb(mem5000.peakHeapBytes),
  peak_heap_growth_ratio: round(mem5000.peakHeapBytes / mem500.peakHeapBytes, 2),
  max_rss_500_items_mb: mb(mem500.maxRssBytes),
  max_rss_5000_items_mb: mb(mem5000.maxRssBytes),
  ...bundle,
  ...dispatch,
  bench_process_max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
};

const text = `${JSON.stringify(result, null, 2)}\n`;
// npm runs scripts from the project root; a relative --json path means the caller's folder.
if (values.json) writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.json), text);
process.stdout.write(text);

/** Each figure's median over `n` fresh processes. */
function medianOf(n: number, fn: () => Record<string, number>): Record<string, number> {
  const all = Array.from({ length: n }, fn);
  return Object.fromEntries(Object.keys(all[0]!).map((k) => [k, median(all.map((r) => r[k]!))]));
}
