import type { Config } from '../config.ts';
import type { Editorial } from '../model.ts';
import { composeMessage, renderEmail, sampleUnsubscribeUrl, personalize, type EmailTemplate } from './email/index.ts';
import { renderNinjs } from './ninjs.ts';
import { renderPage } from './page.ts';
import { createHash } from 'node:crypto';

/** Everything rendered for one editorial, as files relative to the editorial's folder. */
export interface EditorialOutputs {
  email: EmailTemplate;
  files: { name: string; contentType: string; body: string }[];
}

export async function renderEditorialOutputs(editorial: Editorial, config: Config): Promise<EditorialOutputs> {
  const email = await renderEmail(editorial, config);
  const recipient = config.email.sampleRecipient;
  const unsubscribeUrl = sampleUnsubscribeUrl(config, editorial.slug, recipient);
  const sample = personalize(email, { unsubscribeUrl });
  const eml = composeMessage({
    config,
    template: email,
    to: recipient,
    unsubscribeUrl,
    date: editorial.updated,
    messageId: sampleMessageId(config, editorial),
    // The sample's Feedback-ID names the editorial's first dispatch, whose id is its slug.
    dispatchId: editorial.slug,
  });
  return {
    email,
    files: [
      { name: 'index.html', contentType: 'text/html; charset=utf-8', body: renderPage(editorial, config) },
      { name: 'email.html', contentType: 'text/html; charset=utf-8', body: sample.html },
      { name: 'email.txt', contentType: 'text/plain; charset=utf-8', body: sample.text },
      { name: 'email.eml', contentType: 'message/rfc822', body: eml },
      {
        name: 'ninjs.json',
        contentType: 'application/json; charset=utf-8',
        body: `${JSON.stringify(renderNinjs(editorial, config), null, 2)}\n`,
      },
    ],
  };
}

function sampleMessageId(config: Config, editorial: Editorial): string {
  const host = new URL(config.publication.siteUrl).hostname;
  const hash = createHash('sha256')
    .update(`${editorial.slug}\n${editorial.updated.toISOString()}`)
    .digest('hex')
    .slice(0, 16);
  return `<${hash}.${editorial.slug.slice(0, 40)}@${host}>`;
}
