import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { mailbox } from '../../render/email/headers.ts';
import { renderEmail, type EmailTemplate } from '../../render/email/index.ts';

/** What the dispatch workers read from `rendered/<slug>/<dispatchId>/email.json`: rendered once, spliced per recipient. */
export interface StoredEmailTemplate extends EmailTemplate {
  from: string;
  replyTo?: string;
  slug: string;
  dispatchId: string;
}

export async function renderStoredTemplate(
  editorial: Editorial,
  config: Config,
  dispatchId: string,
): Promise<StoredEmailTemplate> {
  const email = await renderEmail(editorial, config);
  return {
    ...email,
    from: mailbox(config.sender.name, config.sender.address),
    ...(config.sender.replyTo && { replyTo: config.sender.replyTo }),
    slug: editorial.slug,
    dispatchId,
  };
}
