// npm run bench -- [--only <group>] [--json <file>]: each figure of this project beside its baseline, measured in the
// same run; with --only, one group of figures, and only its keys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mjml2html from 'mjml';
import { renderEmailMjml } from '../src/render/email/mjml-source.ts';
import type { Editorial } from '../src/model.ts';
import { config, parse, parseSample, SAMPLE_FILE, syntheticEditorial } from './sample.ts';
import { interleavedMedianMs, mb, median, pairedMedianMs, round } from './stats.ts';
import { assembleFeeds, buildOwnFeeds, buildPeerFeeds, catalogueItems, renderSample } from './workloads.ts';
import { benchPublishBundle, benchWorkerBundle } from './bundle.ts';
import { benchDispatch } from './dispatch.ts';
import { benchPlan, benchStatus } from './plan.ts';
import { benchPublish } from './publish.ts';

type Figures = Record<string, number | string>;

const USAGE =
  'usage: npm run bench -- [--only <group>] [--runs N] [--recipients N] [--plan-subscribers N] [--json <file>]';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Each group's figures, in the order a full run measures them. */
const GROUPS: Record<string, () => Promise<Figures>> = {
  render,
  feeds,
  memory,
  bundle,
  dispatch: () => benchDispatch({ recipients: Number(values.recipients), concurrency: 4 }),
  publish: () => benchPublish({ runs }),
  plan: () => benchPlan({ subscribers: Number(values['plan-subscribers']) }),
  status: () => benchStatus(),
};

let values: { json?: string; runs: string; recipients: string; 'plan-subscribers': string; only?: string };
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'string' },
      runs: { type: 'string', default: '30' },
      recipients: { type: 'string', default: '1000' },
      'plan-subscribers': { type: 'string', default: '100000' },
      only: { type: 'string' },
    },
  }));
} catch (err) {
  usageError((err as Error).message);
}
const runs = Number(values.runs);
const node = (script: string, ...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx/esm', join(import.meta.dirname, script), ...args], {
      encoding: 'utf8',
    }),
  );

/** Render and MJML figures: warm, beside raw mjml2html of the same MJML, and first calls in fresh processes. */
async function render(): Promise<Figures> {
  log(`sample: ${SAMPLE_FILE}`);
  const sampleBytes = readFileSync(SAMPLE_FILE);
  const mjml = renderEmailMjml(parseSample(sampleBytes), config);
  const raw = () => mjml2html(mjml, { validationLevel: 'soft' });

  log(`render: ${runs} runs beside raw mjml2html of the same MJML…`);
  const [renderWarm, mjmlWarm] = await pairedMedianMs(() => renderSample(parseSample(sampleBytes), config), raw, runs);
  const mjmlFile = join(mkdtempSync(join(tmpdir(), 'broadsheet-bench-')), 'sample.mjml');
  writeFileSync(mjmlFile, mjml);
  log('first calls in fresh processes…');
  const firstRender = medianOf(3, () => node('first-call.ts', 'render'));
  const firstMjml = medianOf(3, () => node('first-call.ts', 'raw-mjml', mjmlFile));
  return {
    sample_file: SAMPLE_FILE.split('/').pop()!,
    render_warm_median_ms: renderWarm,
    raw_mjml_warm_median_ms: mjmlWarm,
    render_vs_raw_mjml_ratio: round(renderWarm / mjmlWarm, 2),
    render_first_call_ms: round(firstRender.firstCallMs!),
    raw_mjml_first_call_ms: round(firstMjml.firstCallMs!),
    render_import_ms: round(firstRender.importMs!),
    raw_mjml_import_ms: round(firstMjml.importMs!),
  };
}

/**
 * Feeds built from editorials by the own renderer beside the feed package; for 50, also the assembly a feed rebuild
 * does now, from catalogue items rendered beforehand (at publish), in the same interleaved runs.
 */
async function feeds(): Promise<Figures> {
  const figures: Figures = {};
  for (const count of [50, 500]) {
    const assembly = count === 50;
    log(`feeds: ${count} items, own renderer${assembly ? ', catalogue assembly' : ''} beside the feed package…`);
    const editorials: Editorial[] = Array.from({ length: count }, (_, n) => {
      const { file, bytes } = syntheticEditorial(n);
      return parse(file, bytes);
    });
    const items = assembly ? catalogueItems(editorials, config, count) : [];
    const [own, peer, assembled] = await interleavedMedianMs(
      [
        () => buildOwnFeeds(editorials, config, count),
        () => buildPeerFeeds(editorials, config, count),
        ...(assembly ? [() => assembleFeeds(items, config)] : []),
      ],
      Math.max(5, runs / 3),
    );
    figures[`feed_build_${count}_ms`] = own!;
    figures[`feed_package_${count}_ms`] = peer!;
    figures[`feed_build_${count}_ratio`] = round(own! / peer!, 2);
    if (assembled !== undefined) {
      figures[`feed_assembly_${count}_ms`] = assembled;
      figures[`feed_assembly_${count}_ratio`] = round(assembled / peer!, 2);
    }
  }
  return { ...figures, feed_window: config.feeds.limit };
}

async function memory(): Promise<Figures> {
  log('memory: 500 and 5000 editorials streamed through the feed window…');
  const mem500 = node('memory.ts', '500');
  const mem5000 = node('memory.ts', '5000');
  return {
    peak_heap_500_items_mb: mb(mem500.peakHeapBytes),
    peak_heap_5000_items_mb: mb(mem5000.peakHeapBytes),
    peak_heap_growth_ratio: round(mem5000.peakHeapBytes / mem500.peakHeapBytes, 2),
    max_rss_500_items_mb: mb(mem500.maxRssBytes),
    max_rss_5000_items_mb: mb(mem5000.maxRssBytes),
  };
}

async function bundle(): Promise<Figures> {
  log("dispatch worker and publish bundles: esbuild with the stack's options, cold import in fresh processes…");
  return { ...(await benchWorkerBundle()), ...(await benchPublishBundle()) };
}

if (values.only !== undefined && !Object.hasOwn(GROUPS, values.only)) {
  usageError(`--only ${values.only}: no such group`);
}
const figures: Figures = {};
for (const [name, group] of Object.entries(GROUPS))
  if (values.only === undefined || values.only === name) Object.assign(figures, await group());
const result: Figures =
  values.only === undefined
    ? {
        sample_file: figures.sample_file!,
        runs,
        ...figures,
        bench_process_max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
      }
    : figures;

const text = `${JSON.stringify(result, null, 2)}\n`;
// npm runs scripts from the project root; a relative --json path means the caller's folder.
if (values.json) writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.json), text);
process.stdout.write(text);

/** Each figure's median over `n` fresh processes. */
function medianOf(n: number, fn: () => Record<string, number>): Record<string, number> {
  const all = Array.from({ length: n }, fn);
  return Object.fromEntries(Object.keys(all[0]!).map((k) => [k, median(all.map((r) => r[k]!))]));
}

function usageError(message: string): never {
  log(`${message}\n${USAGE}\n  groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
