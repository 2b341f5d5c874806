import type { Config } from '../config.ts';
import { messagesFor } from '../i18n/index.ts';
import { dropForbiddenChars } from '../render/escape.ts';
import { urls } from '../render/urls.ts';
import { precompiledTemplates } from '../render/templates-precompiled.ts';

const handlebars = precompiledTemplates({
  pageStyle: 'page-style.hbs',
  topicChoices: 'topic-choices.hbs',
  cadenceChoices: 'cadence-choices.hbs',
});
const template = handlebars.template<NoticeView>('notice.html.hbs');

export interface NoticeForm {
  /** Posts to the page's own URL. */
  button: string;
  hidden?: { name: string; value: string }[];
  emailField?: boolean;
  emailValue?: string;
  /** Topics to tick (the subscribe form's). */
  topics?: { name: string; label: string; chosen: boolean }[];
  topicsLegend?: string;
  /** Cadences to choose from (the subscribe form's, when more than one is offered). */
  cadences?: { value: string; label: string; chosen: boolean }[];
  cadenceLegend?: string;
}

export interface Notice {
  title: string;
  paragraphs: string[];
  form?: NoticeForm;
  link?: { href: string; text: string };
}

interface NoticeView extends Notice {
  lang: string;
  dir: 'ltr' | 'rtl';
  emailLabel: string;
  siteName: string;
  homeUrl: string;
  postalAddress: string;
  copyrightNotice: string;
}

/**
 * A short page in the site's look (subscribe, confirm, unsubscribe); every value is escaped by the template. The
 * page's own words are in `language` (the reader's, from the form or the link) when Broadsheet writes it, else in the
 * publication's; the notice's title and paragraphs come in that language from the caller.
 */
export function renderNotice(config: Config, notice: Notice, language?: string): string {
  const m = messagesFor(language, config.publication.language);
  return template({
    ...(withoutForbiddenChars(notice) as Notice),
    lang: m.locale,
    dir: m.dir,
    emailLabel: m.t('subscribe.emailLabel'),
    siteName: config.publication.name,
    homeUrl: urls.home(config),
    postalAddress: config.postalAddress,
    copyrightNotice: config.rights.copyrightNotice,
  });
}

/** Control characters have no place in a page: they are dropped from every string before escaping. */
function withoutForbiddenChars(value: unknown): unknown {
  if (typeof value === 'string') return dropForbiddenChars(value);
  if (Array.isArray(value)) return value.map(withoutForbiddenChars);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutForbiddenChars(v)]));
  return value;
}

/**
 * What the local server answers at `/` while the public bucket has no home page: a 404 that says why and how to
 * get one. No configuration is at hand there, so the page names no publication.
 */
export function renderNothingPublished(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Nothing published yet</title>
</head>
<body>
<h1>Nothing published yet</h1>
<p>The public bucket has no <code>index.html</code>: the publish stage writes the home page, the archive, the topic pages,
the feeds and the sitemaps with the first approved editorial.</p>
<p>Approve one by putting it under <code>approved/</code> in the editorials bucket (<code>npm start</code> does that with
the samples), then reload this page.</p>
</body>
</html>
`;
}
