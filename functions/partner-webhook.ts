// Partner webhook worker: SQS messages of partner changes → signed POSTs to each partner's webhook.
import { createPartnerWebhookHandler } from '../src/app/partner-webhook.ts';
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';

export const handler = createPartnerWebhookHandler(await loadRuntimeConfig());
