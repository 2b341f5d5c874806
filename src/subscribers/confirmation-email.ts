import type { Config } from '../config.ts';
import type { OutgoingEmail } from '../ports.ts';
import { escapeHtml } from '../render/escape.ts';
import { mailbox } from '../render/email/headers.ts';
import { CONFIRM_TOKEN_LIFETIME_MS } from './tokens.ts';


const LIFETIME_DAYS = Math.round(CONFIRM_TOKEN_LIFETIME_MS / (24 * 60 * 60 * 1000));

/** The double opt-in message: one link, what happens if it is ignored, and who sent it. */
export function confirmationEmail(config: Config, to: string, link: string, configurationSet?: string): OutgoingEmail {
  const name = config.publication.name;
  const subject = `Confirm your subscription to ${name}`;
  const text = [
    `Please confirm that you want to receive ${name} by email.`,
    '',
    'Confirm your subscription:',
    link,
    '',
    `The link works for ${LIFETIME_DAYS} days. If you did not ask for this, ignore this message: you will not be subscribed and will not hear from us again.`,
    '',
    '-- ',
    name,
    config.postalAddress,
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${e(config.publication.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#fdfdfb;color:#1b1b1b;font:16px/1.5 Georgia,'Times New Roman',serif">
<p>Please confirm that you want to receive <strong>${e(name)}</strong> by email.</p>
<p><a href="${e(link)}" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;text-decoration:none;font-family:system-ui,sans-serif">Confirm your subscription</a></p>
<p style="font-size:14px;color:#5a5a5a">Or open this link: <a href="${e(link)}" style="color:#0b5cad">${e(link)}</a></p>
<p style="font-size:14px;color:#5a5a5a">The link works for ${LIFETIME_DAYS} days. If you did not ask for this, ignore this message: you will not be subscribed and will not hear from us again.</p>
<p style="font-size:13px;color:#5a5a5a">${e(name)} · ${e(config.postalAddress)}</p>
</body>
</html>
`;
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
