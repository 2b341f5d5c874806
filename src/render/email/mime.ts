import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import { messagesFor } from '../../i18n/index.ts';
import { checkAddress, CRLF, foldTokens, HeaderError, headerText, mailboxHeader, messageIdValue, rfc5322Date, unstructuredHeader } from './headers.ts';
import { checkUnsubscribeUrl, personalize } from './personalize.ts';
import { quotedPrintable } from './qp.ts';
import type { EmailTemplate } from './types.ts';

export const ONE_CLICK = 'List-Unsubscribe=One-Click';

/**
 * RFC 2369 List-Unsubscribe (the https URL, then a mailto when configured) and RFC 8058 one-click
 * unsubscribe; values on one line, for an API that takes headers as name and value.
 */
export function unsubscribeHeaders(config: Config, unsubscribeUrl: string): { name: string; value: string }[] {
  const url = checkUnsubscribeUrl(headerText(unsubscribeUrl));
  // RFC 8058 requires https; plain http is allowed only for a local run on this machine.
  if (!/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/i.test(url)) throw new HeaderError('one-click unsubscribe needs an https URL');
  const targets = [`<${url}>`];
  if (config.unsubscribe.mailto) targets.push(`<mailto:${checkAddress(config.unsubscribe.mailto, 'unsubscribe.mailto')}?subject=unsubscribe>`);
  return [
    { name: 'List-Unsubscribe', value: targets.join(', ') },
    { name: 'List-Unsubscribe-Post', value: ONE_CLICK },
  ];
}

function part(contentType: string, body: string): string {
  return [`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(body)].join(CRLF);
}

/**
 * The whole message for one recipient: headers, then multipart/alternative with the text part first and
 * the HTML part last (the one clients prefer). CRLF line endings throughout.
 */
export function composeMessage(input: {
  config: Config;
  template: EmailTemplate;
  to: string;
  unsubscribeUrl: string;
  date: Date;
  messageId: string;
}): string {
  const { config, template } = input;
  const copy = personalize(template, { unsubscribeUrl: input.unsubscribeUrl });
  const text = part('text/plain; charset=UTF-8', copy.text);
  const html = part('text/html; charset=UTF-8', copy.html);
  // "=_" never occurs in quoted-printable output (every "=" there is an escape or a soft break), so no part can hold the boundary.
  const boundary = `=_bs_${createHash('sha256').update(text).update('\0').update(html).digest('hex').slice(0, 32)}`;

  const headers = [
    mailboxHeader('From', config.sender.name, config.sender.address),
    foldTokens('To', [`<${checkAddress(headerText(input.to), 'To')}>`]),
  ];
  if (config.sender.replyTo) headers.push(foldTokens('Reply-To', [`<${checkAddress(config.sender.replyTo, 'Reply-To')}>`]));
  headers.push(
    unstructuredHeader('Subject', template.subject),
    foldTokens('Date', [rfc5322Date(input.date)]),
    foldTokens('Message-ID', [messageIdValue(input.messageId)]),
    'MIME-Version: 1.0',
  );
  for (const { name, value } of unsubscribeHeaders(config, input.unsubscribeUrl)) {
    headers.push(foldTokens(name, value.split(', ').map((t, i, all) => (i < all.length - 1 ? `${t},` : t))));
  }
  headers.push(foldTokens('Content-Type', ['multipart/alternative;', `boundary="${boundary}"`]));

  return [
    ...headers,
    '',
    // Shown only by a client that cannot read MIME: the one fixed sentence of the message itself.
    messagesFor(template.language, config.publication.language).t('email.mimePreamble'),
    `--${boundary}`,
    text,
    `--${boundary}`,
    html,
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
