import type { Config } from '../config.ts';
import { messagesFor } from '../i18n/index.ts';
import type { OutgoingEmail } from '../ports.ts';
import { inReaderLanguage, messageHtml, readerTopicChoices } from '../render/chrome.ts';
import { escapeHtml } from '../render/escape.ts';
import { mailbox } from '../render/email/headers.ts';
import { listIdHeader, unsubscribeHeaders } from '../render/email/mime.ts';
import { letterHtml } from './confirmation-email.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * The welcome after a confirmation (when `subscription.welcomeEmail` is on): what the reader will get, and the one
 * link where they change it, as at the foot of every editorial; in the reader's language where Broadsheet has it.
 */
export function welcomeEmail(
  config: Config,
  subscriber: Subscriber,
  preferenceLink: string,
  configurationSet?: string,
): OutgoingEmail {
  const m = messagesFor(subscriber.language, config.publication.language);
  const link = inReaderLanguage(config, m, preferenceLink);
  const name = config.publication.name;
  const chosen = new Set(subscriber.topics.map((t) => t.trim().toLowerCase()));
  const topics = readerTopicChoices(config, m, (topic) => chosen.has(topic.trim().toLowerCase()))
    .filter((topic) => topic.chosen)
    .map((topic) => topic.label);
  const what = topics.length ? m.t('welcome.someTopics', { topics: topics.join(', ') }) : m.t('welcome.everyTopic');
  const subject = m.t('welcome.subject', { publication: name });
  const text = [
    m.t('welcome.intro', { publication: name }),
    '',
    what,
    '',
    m.t('welcome.textChange', { url: link }),
    '',
    '-- ',
    name,
    config.postalAddress,
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = letterHtml(
    m,
    subject,
    `<p>${messageHtml(m, 'welcome.intro', { publication: `<strong>${e(name)}</strong>` })}</p>
<p>${e(what)}</p>
<p><a href="${e(link)}" style="color:#0b5cad">${e(m.t('welcome.change'))}</a></p>
<p style="font-size:13px;color:#5a5a5a">${e(name)} · ${e(config.postalAddress)}</p>`,
  );
  return {
    from: mailbox(config.sender.name, config.sender.address),
    to: subscriber.email,
    ...(config.sender.replyTo !== undefined && { replyTo: config.sender.replyTo }),
    subject,
    html,
    text,
    headers: [listIdHeader(config), ...unsubscribeHeaders(config, preferenceLink)],
    ...(configurationSet !== undefined && { configurationSet }),
    tags: { kind: 'welcome' },
  };
}
