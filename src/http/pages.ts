import Handlebars from 'handlebars';
import type { Config } from '../config.ts';
import { dropForbiddenChars } from '../render/escape.ts';
import { urls } from '../render/urls.ts';
import { readTemplate } from '../render/templates.ts';


const handlebars = Handlebars.create();
handlebars.registerPartial('pageStyle', readTemplate('page-style.hbs'));
const template = handlebars.compile<NoticeView>(readTemplate('notice.html.hbs'), { strict: false });

export interface NoticeForm {
  /** Posts to the page's own URL. */
  button: string;
  hidden?: { name: string; value: string }[];
  emailField?: boolean;
  emailValue?: string;
}

export interface Notice {
  title: string;
  paragraphs: string[];
  form?: NoticeForm;
  link?: { href: string; text: string };
}

interface NoticeView extends Notice {
  lang: string;
  siteName: string;
  homeUrl: string;
  postalAddress: string;
  copyrightNotice: string;
}

/** A short page in the site's look (subscribe, confirm, unsubscribe); every value is escaped by the template. */
export function renderNotice(config: Config, notice: Notice): string {
  return template({
    ...(withoutForbiddenChars(notice) as Notice),
    lang: config.publication.language,
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
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutForbiddenChars(v)]));
  return value;
}
