// Confirm: GET → a page with a button; POST → the pending subscriber is confirmed (double opt-in).
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';
import { createConfirmHandler } from '../src/app/subscribers.ts';

export const handler = createConfirmHandler(await loadRuntimeConfig());
