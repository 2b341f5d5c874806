import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRE_BANNER, type HandlerName } from '../../infra/constructs/broadsheet-function.ts';
import { synthesizeBroadsheet, type Synthesised } from '../../infra/synth.ts';

// One synthesis as `npx cdk synth` does it: real esbuild bundles, CloudFormation validation and cdk-nag.

interface Bundle {
  handler: HandlerName;
  dir: string;
  code: string;
  bytes: number;
  mapBytes: number;
}

let synth: Synthesised;
const bundles = new Map<HandlerName, Bundle>();
const scratch = mkdtempSync(join(tmpdir(), 'broadsheet-bundles-'));

beforeAll(() => {
  synth = synthesizeBroadsheet({ bundling: true, cloudFormationValidation: true });
  const { pipeline } = synth.stacks;
  const functions: [HandlerName, NodejsFunction][] = [
    ['publish', pipeline.publish.publish.function],
    ['dispatch-worker', pipeline.dispatch.worker.function],
    ['partner-webhook', pipeline.webhooks.worker.function],
    ['subscribe', pipeline.subscribers.functions.subscribe.function],
    ['confirm', pipeline.subscribers.functions.confirm.function],
    ['unsubscribe', pipeline.subscribers.functions.unsubscribe.function],
    ['ses-events', pipeline.feedback.sesEvents.function],
  ];
  const template = synth.assembly.getStackByName(pipeline.stackName).template as {
    Resources: Record<string, { Properties: { Code: { S3Key?: string } } }>;
  };
  for (const [handler, fn] of functions) {
    const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
    // The asset's hash names both the uploaded zip and its staging directory in the cloud assembly.
    const hash = /^([0-9a-f]{64})\.zip$/.exec(template.Resources[logicalId]?.Properties.Code.S3Key ?? '')?.[1];
    if (!hash) throw new Error(`no asset for ${handler}`);
    const dir = join(synth.assembly.directory, `asset.${hash}`);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    bundles.set(handler, {
      handler,
      dir,
      code,
      bytes: statSync(join(dir, 'index.mjs')).size,
      mapBytes: existsSync(join(dir, 'index.mjs.map')) ? statSync(join(dir, 'index.mjs.map')).size : 0,
    });
  }
  console.log(
    'function bundles (index.mjs / source map):\n' +
      [...bundles.values()]
        .map((b) => `  ${b.handler.padEnd(16)} ${kb(b.bytes).padStart(9)} / ${kb(b.mapBytes).padStart(9)}`)
        .join('\n'),
  );
}, 300_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (synth) rmSync(synth.assembly.directory, { recursive: true, force: true });
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const bundle = (handler: HandlerName) => bundles.get(handler) ?? expect.fail(`no bundle for ${handler}`);
/** Code only mjml carries: its package name and the names of its components. */
const MJML_MARKERS = ['mjml-core', 'mj-column', 'mj-section', 'mjml2html'];
/** Packages only mjml brings in. */
const MJML_DEPENDENCIES = ['html-minifier', 'html-minifier-terser', 'js-beautify', 'juice', 'cheerio'];

/** The files a bundle was built from, as its source map lists them. */
const sourcesOf = (b: Bundle): string[] =>
  (JSON.parse(readFileSync(join(b.dir, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;

/** The npm packages a bundle holds code of (`@scope/name` or `name`), from its source map. */
function packagesIn(b: Bundle): Set<string> {
  const packages = new Set<string>();
  for (const source of sourcesOf(b)) {
    const at = source.lastIndexOf('node_modules/');
    if (at === -1) continue;
    const [first = '', second = ''] = source.slice(at + 'node_modules/'.length).split('/');
    packages.add(first.startsWith('@') ? `${first}/${second}` : first);
  }
  return packages;
}

describe('function bundles (esbuild, as deployed)', () => {
  it('bundles every handler as minified ESM with a source map and a `require` for CommonJS dependencies', () => {
    expect(bundles.size).toBeGreaterThanOrEqual(6);
    for (const b of bundles.values()) {
      expect(b.mapBytes, b.handler).toBeGreaterThan(0);
      // Booleans, not the code itself: a failure must not print megabytes of bundle.
      expect(b.code.startsWith(REQUIRE_BANNER), `${b.handler} starts with the require banner`).toBe(true);
      expect(/export\s*\{[^}]*\bas handler\b/.test(b.code), `${b.handler} exports handler`).toBe(true);
      // Minified: long lines, not the source's.
      expect(b.code.split('\n').length, b.handler).toBeLessThan(b.bytes / 1000);
    }
  });

  it('keeps mjml out of the dispatch and webhook workers, which stay under 1 MB', () => {
    const worker = bundle('dispatch-worker');
    for (const marker of MJML_MARKERS) expect(worker.code.includes(marker), marker).toBe(false);
    expect(worker.bytes).toBeLessThan(1024 * 1024);
    // The webhook worker signs and POSTs what its queue carries: no mjml, and smaller still.
    const webhooks = bundle('partner-webhook');
    for (const marker of MJML_MARKERS) expect(webhooks.code.includes(marker), `partner-webhook ${marker}`).toBe(false);
    expect(webhooks.bytes).toBeLessThan(1024 * 1024);
  });

  it('keeps mjml out of the publish function, which fills the email layout compiled at build time, at most 1.5 MB', () => {
    const publish = bundle('publish');
    const packages = packagesIn(publish);
    // The source map does name the packages a bundle holds: the pages render with functions compiled at build time.
    expect(packages.has('handlebars')).toBe(false);
    expect([...packages].filter((p) => p.startsWith('mjml') || MJML_DEPENDENCIES.includes(p))).toEqual([]);
    expect(sourcesOf(publish).some((s) => s.endsWith('src/render/email/layout.generated.ts'))).toBe(true);
    // Not mj-column or mj-section: the compiled layout's HTML carries mjml's class names (mj-column-per-100).
    for (const marker of ['mjml-core', 'mjml2html']) expect(publish.code.includes(marker), marker).toBe(false);
    expect(publish.bytes).toBeLessThanOrEqual(1536 * 1024);
  });

  it('renders pages with the templates compiled at build time: no templates/ beside a handler, no Handlebars', () => {
    for (const b of bundles.values())
      expect(readdirSync(b.dir).sort(), b.handler).toEqual(['index.mjs', 'index.mjs.map']);
    for (const handler of ['publish', 'subscribe', 'confirm', 'unsubscribe'] as const) {
      const sources = sourcesOf(bundle(handler));
      expect(
        sources.some((s) => s.endsWith('src/render/templates.generated.ts')),
        `${handler} holds the compiled templates`,
      ).toBe(true);
      // No Handlebars at all: neither its runtime nor the compiler and the source-map package its code generator loads.
      // (The package's own source maps lead to lib/, so lib/ and dist/cjs/ paths both show.)
      expect(
        sources.filter((s) => s.includes('node_modules/handlebars/')),
        handler,
      ).toEqual([]);
      expect(packagesIn(bundle(handler)).has('source-map'), `${handler} holds source-map`).toBe(false);
    }
  });

  it('passes CloudFormation validation and cdk-nag with the real assets', () => {
    const report = JSON.parse(readFileSync(join(synth.assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
    };
    expect(
      report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.severity} ${v.ruleName}`)),
    ).toEqual([]);
  });
});

interface Start {
  status: number | null;
  stdout: string;
  stderr: string;
}

async function startFromAsset(handler: HandlerName): Promise<Start> {
  // Two levels deep in an empty directory, so nothing of the project is within reach of a relative path.
  const task = join(scratch, handler, 'var', 'task');
  mkdirSync(task, { recursive: true });
  cpSync(bundle(handler).dir, task, { recursive: true });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--enable-source-maps',
        '--input-type=module',
        '-e',
        "const m = await import('./index.mjs'); console.log('handler:' + typeof m.handler);",
      ],
      {
        cwd: task,
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          EDITORIALS_BUCKET: 'editorials',
          PUBLIC_BUCKET: 'site',
          SUBSCRIBERS_TABLE: 'subscribers',
          LEDGER_TABLE: 'ledger',
          DISPATCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch',
          TOKEN_SECRET: 'a-local-token-secret-of-forty-characters',
        },
      },
      (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('each bundle starts from its own asset directory alone (as in /var/task)', () => {
  const handlers: HandlerName[] = ['publish', 'dispatch-worker', 'subscribe', 'confirm', 'unsubscribe', 'ses-events'];
  // The processes are independent: all started at once, each test reads its own.
  const starts = new Map<HandlerName, Promise<Start>>();
  beforeAll(() => {
    for (const handler of handlers) starts.set(handler, startFromAsset(handler));
  });
  for (const handler of handlers) {
    it(`${handler} initialises`, async () => {
      const run = await starts.get(handler)!;
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.stdout.trim()).toBe('handler:function');
      expect(run.status).toBe(0);
    });
  }
});
