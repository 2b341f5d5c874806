// Unsubscribe: GET → a page with a button; POST from it or RFC 8058 one-click → unsubscribed.
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';
import { createUnsubscribeHandler } from '../src/app/subscribers.ts';

export const handler = createUnsubscribeHandler(await loadRuntimeConfig());
