import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import { messagesFor } from '../../i18n/index.ts';
import { trimOf } from '../../strings.ts';
import {
  checkAddress,
  CRLF,
  encodedWords,
  foldTokens,
  HeaderError,
  headerText,
  mailboxHeader,
  messageIdValue,
  rfc5322Date,
  unstructuredHeader,
} from './headers.ts';
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
  if (!/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/i.test(url))
    throw new HeaderError('one-click unsubscribe needs an https URL');
  const targets = [`<${url}>`];
  if (config.unsubscribe.mailto)
    targets.push(`<mailto:${checkAddress(config.unsubscribe.mailto, 'unsubscribe.mailto')}?subject=unsubscribe>`);
  return [
    { name: 'List-Unsubscribe', value: targets.join(', ') },
    { name: 'List-Unsubscribe-Post', value: ONE_CLICK },
  ];
}

/** What a bulk message is, as its Feedback-ID says: an editorial's dispatch (a digest later). */
export type MailKind = 'editorial' | 'digest';

/** RFC 2919's list label: the same for every publication on a sender domain's list namespace. */
export const LIST_LABEL = 'newsletter';
/** SES takes header values of printable ASCII, at most 870 characters. */
const MAX_HEADER_VALUE = 870;
/** The publication's name in List-Id, at most this many characters (a phrase, not a place for a tagline). */
const MAX_LIST_NAME = 64;

/** The sender address's domain, lower case: the namespace of List-Id and the sender id of Feedback-ID. */
function senderDomain(config: Config): string {
  const domain = checkAddress(config.sender.address, 'sender.address').split('@').pop()!.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain) || domain.length > 253) {
    throw new HeaderError(`sender.address has no domain name a List-Id can be made from: ${JSON.stringify(domain)}`);
  }
  return domain;
}

/**
 * The publication's name as one lower-case label (`Le Monde diplomatique` → `le-monde-diplomatique`): accents
 * dropped, anything else but letters and digits a hyphen; `newsletter` when nothing is left (a name in another script).
 */
export function publicationLabel(config: Config): string {
  const label = config.publication.name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63);
  return trimOf(label, '-') || LIST_LABEL;
}

/** One field of Feedback-ID: Gmail's feedback loop splits at `:`, so only [A-Za-z0-9_.-], and bounded. */
function feedbackField(value: string, max: number): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, max) || '_';
}

/** `"Monexus" <newsletter.monexus.example>`: the display name quoted when printable ASCII, else encoded-words. */
function listIdValue(config: Config, domain: string): string {
  const name = [...headerText(config.publication.name).replace(/\s+/g, ' ')].slice(0, MAX_LIST_NAME).join('').trim();
  const phrase = !name
    ? []
    : /^[\x20-\x7e]*$/.test(name) && !name.includes('=?')
      ? [`"${name.replace(/["\\]/g, '\\$&')}"`]
      : encodedWords(name);
  return [...phrase, `<${LIST_LABEL}.${domain}>`].join(' ');
}

/** `List-Id` alone, for a message of the list that is not an editorial (the welcome): RFC 2919 wants it beside
 * List-Unsubscribe, and filters read List-Unsubscribe without List-Id as a half-made list header. */
export function listIdHeader(config: Config): { name: string; value: string } {
  return { name: 'List-Id', value: listIdValue(config, senderDomain(config)) };
}

/**
 * Every header a bulk message carries besides From, To and Subject, as name and value on one line each (for an API
 * that takes them so; composeMessage folds them):
 *
 * - `List-Id` (RFC 2919): `"<publication name>" <newsletter.<sender domain>>`. The label is fixed rather than derived
 *   from the name, so renaming the publication keeps the list's id (and the filters readers made with it); the
 *   sender's domain is the publication's own namespace.
 * - `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058 one-click).
 * - `Feedback-ID` (Gmail's feedback loop, `a:b:c:SenderId`): `<dispatch tag>:<kind>:<publication label>:<sender domain>`,
 *   so complaint rates are reported per dispatch. `dispatchId` is the dispatch's SES message tag (tagValue in
 *   src/pipeline/dispatch/recipient-sender.ts), which the CloudWatch metrics and the ledger's figures use too.
 */
export function bulkHeaders(
  config: Config,
  input: { unsubscribeUrl: string; dispatchId: string; kind: MailKind },
): { name: string; value: string }[] {
  const domain = senderDomain(config);
  const feedbackId = [
    feedbackField(input.dispatchId, 256),
    feedbackField(input.kind, 32),
    feedbackField(publicationLabel(config), 63),
    feedbackField(domain, 253),
  ].join(':');
  const added = [
    { name: 'List-Id', value: listIdValue(config, domain) },
    { name: 'Feedback-ID', value: feedbackId },
  ];
  for (const { name, value } of added) {
    if (!/^[\x20-\x7e]+$/.test(value) || value.length > MAX_HEADER_VALUE)
      throw new HeaderError(`${name} is not one line of at most ${MAX_HEADER_VALUE} printable ASCII characters`);
  }
  return [added[0]!, ...unsubscribeHeaders(config, input.unsubscribeUrl), added[1]!];
}

function part(contentType: string, body: string): string {
  return [
    `Content-Type: ${contentType}`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(body),
  ].join(CRLF);
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
  /** The dispatch tag in Feedback-ID. Default: `sample` (the builder's email.eml names the editorial's slug). */
  dispatchId?: string;
  /** Default: `editorial`. */
  kind?: MailKind;
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
  if (config.sender.replyTo)
    headers.push(foldTokens('Reply-To', [`<${checkAddress(config.sender.replyTo, 'Reply-To')}>`]));
  headers.push(
    unstructuredHeader('Subject', template.subject),
    foldTokens('Date', [rfc5322Date(input.date)]),
    foldTokens('Message-ID', [messageIdValue(input.messageId)]),
    'MIME-Version: 1.0',
  );
  const bulk = bulkHeaders(config, {
    unsubscribeUrl: input.unsubscribeUrl,
    dispatchId: input.dispatchId ?? 'sample',
    kind: input.kind ?? 'editorial',
  });
  // Each value is one line of single-space-separated tokens (no quoted string holds two spaces), so folding at its
  // spaces gives the same value back when unfolded.
  for (const { name, value } of bulk) headers.push(foldTokens(name, value.split(' ')));
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
