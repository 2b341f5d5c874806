// Dispatch worker: SQS shards of recipients → SES, exactly once per subscriber as far as SES allows.
import { createDispatchWorkerHandler } from '../src/app/dispatch-worker.ts';
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';

export const handler = createDispatchWorkerHandler(await loadRuntimeConfig());
