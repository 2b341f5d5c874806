// Subscribe: the web form's POST → a pending subscriber and a queued confirmation send; GET → the form.
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';
import { createSubscribeHandler } from '../src/app/subscribers.ts';

export const handler = createSubscribeHandler(await loadRuntimeConfig());
