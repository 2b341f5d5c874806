import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deskEnvFile } from '../app/desk-runtime.ts';
import { REQUEST_LOG_ENV } from '../app/pickup-desk.ts';
import { RUNTIME_ENV } from '../app/runtime-config.ts';
import type { LocalPipeline } from './pipeline.ts';

/**
 * What the desk's commands need to act on this local run, in the variables they read (src/app/desk-runtime.ts):
 * the emulators (the same SES emulator, so a `broadsheet proof` lands in this run's mailbox), the buckets, tables and
 * queue, the configuration set, this run's token and partner secrets, and the publication with its local URLs.
 */
export function deskEnvValues(
  pipeline: Pick<LocalPipeline, 'emulators' | 'runtime'> & Partial<Pick<LocalPipeline, 'requests'>>,
): Record<string, string> {
  const { runtime } = pipeline;
  const requests = pipeline.requests?.file;
  return {
    [RUNTIME_ENV.endpoints]: JSON.stringify(pipeline.emulators.endpoints),
    [RUNTIME_ENV.editorialsBucket]: runtime.editorialsBucket,
    [RUNTIME_ENV.publicBucket]: runtime.publicBucket,
    [RUNTIME_ENV.subscribersTable]: runtime.subscribersTable,
    [RUNTIME_ENV.ledgerTable]: runtime.ledgerTable,
    [RUNTIME_ENV.dispatchQueueUrl]: runtime.dispatchQueueUrl,
    ...(runtime.webhookQueueUrl !== undefined && { [RUNTIME_ENV.webhookQueueUrl]: runtime.webhookQueueUrl }),
    ...(runtime.configurationSet !== undefined && { [RUNTIME_ENV.configurationSet]: runtime.configurationSet }),
    [RUNTIME_ENV.tokenSecret]: runtime.tokenSecret,
    [RUNTIME_ENV.publication]: JSON.stringify(runtime.publication),
    ...(runtime.partnerSecret !== undefined && { [RUNTIME_ENV.partnerSecret]: runtime.partnerSecret }),
    // The site server's requests, for broadsheet partners report.
    ...(requests !== undefined && { [REQUEST_LOG_ENV]: requests }),
  };
}

/** Writes `<dir>/desk.env` (readable by its owner only: it holds the run's secrets); returns its path. */
export async function writeDeskEnv(
  pipeline: Pick<LocalPipeline, 'emulators' | 'runtime'> & Partial<Pick<LocalPipeline, 'requests'>>,
  dir: string,
): Promise<string> {
  const path = join(dir, 'desk.env');
  await writeFile(path, deskEnvFile(deskEnvValues(pipeline)), { mode: 0o600 });
  return path;
}
