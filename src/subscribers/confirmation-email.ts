import type { Config } from '../config.ts';
import { messagesFor, type Messages } from '../i18n/index.ts';
import type { OutgoingEmail } from '../ports.ts';
import { inReaderLanguage, messageHtml } from '../render/chrome.ts';
import { escapeHtml } from '../render/escape.ts';
import { mailbox } from '../render/email/headers.ts';
import { CONFIRM_TOKEN_LIFETIME_MS } from './tokens.ts';

const LIFETIME_DAYS = Math.round(CONFIRM_TOKEN_LIFETIME_MS / (24 * 60 * 60 * 1000));

/**
 * The double opt-in message: one link, what happens if it is ignored, and who sent it; in `language` (the one the
 * reader subscribed in) when Broadsheet writes it, else in the publication's.
 */
export function confirmationEmail(
  config: Config,
  to: string,
  confirmLink: string,
  configurationSet?: string,
  language?: string,
): OutgoingEmail {
  const m = messagesFor(language, config.publication.language);
  // The confirm page then answers in the language of this email.
  const link = inReaderLanguage(config, m, confirmLink);
  const name = config.publication.name;
  const subject = m.t('confirmation.subject', { publication: name });
  const expiry = m.t('confirmation.expiry', { count: LIFETIME_DAYS });
  const text = [
    m.t('confirmation.intro', { publication: name }),
    '',
    m.t('confirmation.textLink'),
    link,
    '',
    expiry,
    '',
    '-- ',
    name,
    config.postalAddress,
    '',
  ].join('\n');
  const e = escapeHtml;
  // The address is one long word: it breaks anywhere so that a narrow screen wraps it instead of scrolling sideways.
  const linked = `<a href="${e(link)}" style="color:#0b5cad;word-break:break-all;overflow-wrap:anywhere">${e(link)}</a>`;
  const html = letterHtml(
    m,
    subject,
    `<p>${messageHtml(m, 'confirmation.intro', { publication: `<strong>${e(name)}</strong>` })}</p>
<p><a href="${e(link)}" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;text-decoration:none;font-family:system-ui,sans-serif">${e(m.t('confirmation.button'))}</a></p>
<p style="font-size:14px;color:#5a5a5a">${messageHtml(m, 'confirmation.orOpen', { link: linked })}</p>
<p style="font-size:14px;color:#5a5a5a">${e(expiry)}</p>
<p style="font-size:13px;color:#5a5a5a">${e(name)} · ${e(config.postalAddress)}</p>`,
  );
  return {
    from: mailbox(config.sender.name, config.sender.address),
    to,
    ...(config.sender.replyTo !== undefined && { replyTo: config.sender.replyTo }),
    subject,
    html,
    text,
    headers: [],
    ...(configurationSet !== undefined && { configurationSet }),
    tags: { kind: 'confirmation' },
  };
}

/**
 * A short letter from the publication (confirmation, welcome), headed by its subject: `body` is this project's own
 * escaped markup.
 */
export function letterHtml(m: Messages, subject: string, body: string): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="${e(m.locale)}" dir="${m.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#fdfdfb;color:#1b1b1b;font:16px/1.5 Georgia,'Times New Roman',serif">
<h1 style="margin:0 0 16px;font-size:24px;line-height:1.25;font-weight:bold">${e(subject)}</h1>
${body}
</body>
</html>
`;
}
