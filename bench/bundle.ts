// The dispatch worker and the publish function as Lambda runs them: bundled with the stack's esbuild options (every
// template is compiled into the code at build time, so a bundle is one file), then imported in a fresh process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { REQUIRE_BANNER } from '../infra/constructs/broadsheet-function.ts';
import { median, round } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `entry` is a file, or module source resolved from the project root. */
async function bundle(entry: { file: string } | { source: string }, dir: string): Promise<string> {
  const outfile = join(dir, 'index.mjs');
  await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, loader: 'js' } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: REQUIRE_BANNER },
    logLevel: 'error',
  });
  return outfile;
}

const ENV = {
  EDITORIALS_BUCKET: 'editorials',
  PUBLIC_BUCKET: 'site',
  SUBSCRIBERS_TABLE: 'subscribers',
  LEDGER_TABLE: 'ledger',
  DISPATCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch',
  TOKEN_SECRET: 'a-bench-token-secret-of-forty-characters!',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds from start of import to a ready handler module, in a fresh process: the cold module init. */
function coldInitOnceMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...ENV },
      encoding: 'utf8',
    }),
  );
}

/**
 * The cold inits of a bundle and of its baselines, measured in turn (bundle, baseline, bundle, …) so that all see the
 * machine as it is at that moment, and their medians: measured one after the other, a change of load between the two
 * series moved the ratio by a third on a shared machine.
 */
function coldInitsMs(files: readonly string[], runs = 15): number[] {
  const times = files.map((): number[] => []);
  for (let i = 0; i < runs; i++) for (const [k, file] of files.entries()) times[k]!.push(coldInitOnceMs(file));
  return times.map((t) => round(median(t)));
}

/**
 * Worker bundle size and cold init, beside a bundle of the bare SES client sending one message (the raw floor), and
 * one of the SES and DynamoDB clients with the DynamoDB calls the worker makes: what any worker that sends and keeps
 * a ledger in DynamoDB loads, so what the worker adds to it is its own code.
 */
export async function benchWorkerBundle(): Promise<Record<string, number>> {
  const scratch = mkdtempSync(join(tmpdir(), 'broadsheet-bundle-'));
  const worker = await bundle(
    { file: join(ROOT, 'functions/dispatch-worker.ts') },
    mkdtempSync(join(scratch, 'worker-')),
  );
  const raw = await bundle(
    {
      source:
        "import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';\nconst ses = new SESv2Client({});\nexport const handler = (input) => ses.send(new SendEmailCommand(input));\n",
    },
    mkdtempSync(join(scratch, 'raw-')),
  );
  const clients = await bundle(
    {
      source: [
        "import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';",
        "import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';",
        "import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';",
        'const ses = new SESv2Client({});',
        'const db = new DynamoDBClient({});',
        'const calls = [GetItemCommand, PutItemCommand, UpdateItemCommand, QueryCommand, BatchGetItemCommand, BatchWriteItemCommand];',
        'export const handler = async (input) => {',
        '  for (const Call of calls) unmarshall((await db.send(new Call(marshall(input)))).Item ?? {});',
        '  return ses.send(new SendEmailCommand(input));',
        '};',
      ].join('\n'),
    },
    mkdtempSync(join(scratch, 'clients-')),
  );
  const [workerInit, rawInit, clientsInit] = coldInitsMs([worker, raw, clients]);
  return {
    worker_bundle_kb: round(statSync(worker).size / 1024, 1),
    raw_ses_client_bundle_kb: round(statSync(raw).size / 1024, 1),
    worker_cold_init_ms: workerInit!,
    raw_ses_client_cold_init_ms: rawInit!,
    raw_ses_dynamodb_clients_bundle_kb: round(statSync(clients).size / 1024, 1),
    raw_ses_dynamodb_clients_cold_init_ms: clientsInit!,
  };
}

/**
 * Publish bundle size and cold init (no mjml in it: the email layout is compiled at build time), beside a bundle of
 * the bare S3 client reading one object (the raw floor of a function that reads an uploaded editorial).
 */
export async function benchPublishBundle(): Promise<Record<string, number>> {
  const scratch = mkdtempSync(join(tmpdir(), 'broadsheet-bundle-'));
  const dir = mkdtempSync(join(scratch, 'publish-'));
  const publish = await bundle({ file: join(ROOT, 'functions/publish.ts') }, dir);
  const raw = await bundle(
    {
      source:
        "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nexport const handler = (input) => s3.send(new GetObjectCommand(input));\n",
    },
    mkdtempSync(join(scratch, 'raw-')),
  );
  const [publishInit, rawInit] = coldInitsMs([publish, raw]);
  return {
    publish_bundle_kb: round(statSync(publish).size / 1024, 1),
    raw_s3_client_bundle_kb: round(statSync(raw).size / 1024, 1),
    publish_cold_init_ms: publishInit!,
    raw_s3_client_cold_init_ms: rawInit!,
  };
}
