// Publish: S3 events of the editorials bucket (and the embargo schedule) → pages, feeds, the dispatch plan.
import { createPublishHandler } from '../src/app/publish.ts';
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';

export const handler = createPublishHandler(await loadRuntimeConfig());
