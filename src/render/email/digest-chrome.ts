import type { Config } from '../../config.ts';
import type { Messages } from '../../i18n/index.ts';
import { publicationChrome } from '../chrome.ts';
import { dropForbiddenChars } from '../escape.ts';
import { urls } from '../urls.ts';
import { directionView, type EmailView } from './content.ts';
import type { DigestPeriod } from './digest-types.ts';
import { dayOf } from './digest-items.ts';
import { PREHEADER_PADDING } from './digest-preheader.ts';
import { headerText as oneLine } from './headers.ts';

const DAY_ID = /^\d{4}-\d{2}-\d{2}$/;

/** The day a period ends as its id names it (in the digests' time zone), read as a calendar day. */
function periodDay(period: DigestPeriod): Date {
  const day = DAY_ID.test(period.id) ? new Date(`${period.id}T00:00:00Z`) : period.end;
  return Number.isNaN(day.getTime()) ? period.end : day;
}

const moment = (m: Messages, date: Date) => (Number.isNaN(date.getTime()) ? '' : m.dateTime(date));

export function digestTitle(config: Config, m: Messages, period: DigestPeriod): string {
  const key = period.cadence === 'weekly' ? 'digest.titleWeekly' : 'digest.titleDaily';
  return oneLine(m.t(key, { publication: config.publication.name }));
}

export function digestSubject(config: Config, m: Messages, period: DigestPeriod): string {
  const key = period.cadence === 'weekly' ? 'digest.subjectWeekly' : 'digest.subjectDaily';
  return oneLine(m.t(key, { publication: config.publication.name, date: dayOf(m, periodDay(period)) }));
}

/** The byline under the title: the period, as the reader's language writes a moment. */
function periodLine(m: Messages, period: DigestPeriod): string {
  return oneLine(m.t('digest.period', { start: moment(m, period.start), end: moment(m, period.end) }));
}

/** As for an editorial: the preference page answers in the digest's language. */
function unsubscribeSuffix(config: Config, m: Messages): string {
  return m.lang === publicationChrome(config).lang ? '' : `&lang=${m.lang}`;
}

/**
 * The view an editorial's email is filled from (content.ts `emailView`), for a digest: the whole document is in the
 * reader's language, the page it points to is the site's home, and the body is `bodyHtml`, where the items go.
 */
export function digestView(
  config: Config,
  m: Messages,
  period: DigestPeriod,
  preheader: string,
  placeholder: string,
  bodyHtml: string,
): EmailView {
  const homeUrl = urls.home(config);
  return {
    lang: m.lang,
    ...directionView(m.dir),
    text: {
      viewInBrowser: m.t('email.viewInBrowser'),
      unsubscribe: m.t('email.unsubscribe'),
      why: m.t('email.why', { publication: config.publication.name }),
    },
    chromeAttrs: '',
    subject: digestTitle(config, m, period),
    preheader,
    preheaderPadding: PREHEADER_PADDING,
    byline: periodLine(m, period),
    publicationName: config.publication.name,
    postalAddress: config.postalAddress,
    homeUrl,
    pageUrl: homeUrl,
    placeholder,
    unsubscribeSuffix: unsubscribeSuffix(config, m),
    correctionHtml: '',
    bodyHtml,
    footerHtml: '',
  };
}

/** The plain-text part around the items, as an editorial's (content.ts `emailText`) is around its body. */
export function digestTextChrome(
  config: Config,
  m: Messages,
  period: DigestPeriod,
  placeholder: string,
): { head: string; tail: string } {
  const title = digestTitle(config, m, period);
  const underline = '='.repeat(Math.min(Math.max([...title].length, 3), 72));
  const head = [config.publication.name, `${title}\n${underline}\n${periodLine(m, period)}`].join('\n\n');
  const tail = [
    m.t('email.textViewInBrowser', { url: urls.home(config) }),
    m.t('email.textUnsubscribe', { url: `${placeholder}${unsubscribeSuffix(config, m)}` }),
    `${config.publication.name} · ${config.postalAddress}`,
  ].join('\n');
  return { head: `${dropForbiddenChars(head)}\n\n`, tail: `${dropForbiddenChars(tail)}\n` };
}
