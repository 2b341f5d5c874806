// Confirmation sender: SQS messages of subscribe requests → the double opt-in email each record owes, once.
import { createConfirmationSenderHandler } from '../src/app/confirmation-sender.ts';
import { loadRuntimeConfig } from '../src/app/runtime-config.ts';

export const handler = createConfirmationSenderHandler(await loadRuntimeConfig());
