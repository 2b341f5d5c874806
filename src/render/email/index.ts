// Senders import personalize.ts and mime.ts directly: neither loads mjml or Handlebars.
export type { EmailTemplate } from './types.ts';
export { EmailTooLargeError, renderEmail, renderEmailMjml } from './render.ts';
export { personalize, sampleUnsubscribeUrl } from './personalize.ts';
export { composeMessage, unsubscribeHeaders } from './mime.ts';
