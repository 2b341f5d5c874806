// Senders import personalize.ts and mime.ts directly: neither loads Handlebars. No module here loads mjml at run
// time: the layout is compiled at build time (`npm run build:email`).
export type { EmailTemplate } from './types.ts';
export { EmailTooLargeError, renderEmail } from './render.ts';
export { personalize, sampleUnsubscribeUrl } from './personalize.ts';
export { composeMessage, unsubscribeHeaders } from './mime.ts';
