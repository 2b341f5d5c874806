// SES events: bounces and complaints from the configuration set's event destination suppress subscribers.
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';
import { createSesEventsHandler } from '../src/app/ses-events.ts';

export const handler = createSesEventsHandler(await loadRuntimeConfig());
