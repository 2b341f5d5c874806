import { proofEmails } from '../../src/cli/desk-proof.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { handleConfirmRequest, handleSubscribeRequest } from '../../src/http/subscriber-routes.ts';
import { renderPreferencePage } from '../../src/http/preference-page.ts';
import type { FunctionUrlEvent } from '../../src/http/types.ts';
import type { Editorial } from '../../src/model.ts';
import { assembleDigest, renderDigest, type DigestEntry } from '../../src/render/email/digest.ts';
import { personalize, renderEmail, sampleUnsubscribeUrl } from '../../src/render/email/index.ts';
import { renderListingCard, renderListingPage } from '../../src/render/listing.ts';
import { renderPage } from '../../src/render/page.ts';
import { welcomeEmail } from '../../src/subscribers/welcome-email.ts';
import type { Subscriber } from '../../src/subscribers/subscriber.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { subscriberDepsInMemory } from './subscriber-deps-memory.ts';

/** One HTML document a reader gets: a page of the site or the HTML part of an email. */
export interface ReaderDocument {
  /** Which document, in which language: how a failure names it. */
  name: string;
  kind: 'page' | 'email';
  html: string;
}

export const LANGUAGES = ['en', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

const SECRET = 'every-document-secret-0123456789-abcdefgh';
const SITE_TOPIC = { slug: 'ports', label: 'Ports' };

function configIn(language: Language): Config {
  const config = loadConfig();
  return { ...config, publication: { ...config.publication, language } };
}

/** An editorial with everything a page or an email can show: summary, correction, framing, author, topics. */
function editorialIn(language: Language): Editorial {
  const common = { correction: 'An earlier version named the wrong port.', author: 'Monexus Desk', topics: ['Ports'] };
  if (language === 'en') return makeEditorial({ ...common, summary: 'Talks were offered with the venue chosen.' });
  return makeEditorial({
    ...common,
    lang: 'ar',
    dir: 'rtl',
    title: 'محادثات الميناء التي لم تكن',
    summary: 'عُرضت المحادثات والمكان مختار سلفاً.',
    correction: 'ذكرت نسخة سابقة الميناء الخطأ.',
    framing: 'تصف مونكسوس العرض بأنه باب مغلق.',
    provenanceIntro: 'يستند هذا التحليل إلى المنشورات العامة التالية:',
    blocks: [
      { kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات. جاء العرض مع مكان وموعد نهائي.') },
      { kind: 'heading', level: 2, ...inline('هندسة العرض') },
      { kind: 'paragraph', ...inline('اجتماع. توقف. تبادل على الصيغة التي نجحت من قبل.') },
    ],
  });
}

/** A request to a subscriber route as the Function URL passes it, from one client. */
function request(method: 'GET' | 'POST', path: string, fields: Record<string, string>): FunctionUrlEvent {
  const encoded = new URLSearchParams(fields).toString();
  return {
    rawPath: path,
    rawQueryString: method === 'GET' ? encoded : '',
    headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    requestContext: { http: { method, sourceIp: '198.51.100.7' } },
    ...(method === 'POST' && { body: encoded }),
    isBase64Encoded: false,
  };
}

/** The confirm link of a confirmation email: the one line of its text part that is a /confirm address. */
function confirmLinkOf(text: string): URL {
  const line = text.split('\n').find((l) => l.startsWith('http') && l.includes('/confirm'));
  if (line === undefined) throw new Error(`no confirm link in the confirmation email:\n${text}`);
  return new URL(line.trim());
}

/**
 * The subscriber pages as the routes answer a reader (the form, a refused address, "check your inbox", the confirm
 * button, confirmed, a spent link), and the confirmation and welcome emails that reader gets.
 */
async function subscriberDocuments(language: Language): Promise<ReaderDocument[]> {
  const { deps, mailer } = subscriberDepsInMemory(SECRET, () => new Date('2026-06-10T10:00:00Z'));
  const config = deps.config;
  const address = `reader-${language}@example.org`;
  const lang = { lang: language };
  const form = await handleSubscribeRequest(deps, request('GET', '/subscribe', lang));
  const refused = await handleSubscribeRequest(deps, request('POST', '/subscribe', { email: 'no-at-sign', ...lang }));
  const sent = await handleSubscribeRequest(deps, request('POST', '/subscribe', { email: address, ...lang }));
  const confirmation = (await mailer.sentMail()).find((mail) => mail.email.tags?.kind === 'confirmation');
  if (!confirmation) throw new Error(`no confirmation email was sent to ${address}`);
  const token = confirmLinkOf(confirmation.email.text).searchParams.get('token') ?? '';
  const button = await handleConfirmRequest(deps, request('GET', '/confirm', { token, ...lang }));
  const confirmed = await handleConfirmRequest(deps, request('POST', '/confirm', { token, ...lang }));
  const spent = await handleConfirmRequest(deps, request('GET', '/confirm', { token: 'spent', ...lang }));
  const subscriber: Subscriber = {
    id: 'reader',
    email: address,
    status: 'confirmed',
    topics: ['ports'],
    language,
    softBounces: 0,
    updatedAt: '2026-06-10T10:00:00Z',
    version: 1,
  };
  const welcome = welcomeEmail(config, subscriber, `${config.unsubscribe.url}?token=sample-preferences-0123456789`);
  return [
    { name: `subscribe form page (${language})`, kind: 'page', html: form.body },
    { name: `invalid address notice (${language})`, kind: 'page', html: refused.body },
    { name: `check your inbox notice (${language})`, kind: 'page', html: sent.body },
    { name: `confirm button page (${language})`, kind: 'page', html: button.body },
    { name: `confirmed page (${language})`, kind: 'page', html: confirmed.body },
    { name: `invalid confirm link notice (${language})`, kind: 'page', html: spent.body },
    { name: `confirmation email (${language})`, kind: 'email', html: confirmation.email.html },
    { name: `welcome email (${language})`, kind: 'email', html: welcome.html },
  ];
}

/** A daily digest of two editorials (the second corrected), as a reader who chose both gets it. */
function digestEmail(config: Config, editorial: Editorial, language: Language): ReaderDocument {
  const entry = (slug: string, correction?: string): DigestEntry => ({
    slug,
    title: editorial.title,
    summary: editorial.summary ?? '',
    publishedAt: editorial.published,
    topics: editorial.topics,
    sources: editorial.sources.length,
    lang: editorial.lang,
    dir: editorial.dir,
    ...(correction !== undefined && { correction }),
  });
  const period = {
    cadence: 'daily' as const,
    id: '2026-06-04',
    start: new Date('2026-06-03T06:00:00Z'),
    end: new Date('2026-06-04T06:00:00Z'),
  };
  const entries = [entry(editorial.slug), entry(`${editorial.slug}-earlier`, editorial.correction)];
  const template = renderDigest(entries, config, period, language);
  const unsubscribeUrl = sampleUnsubscribeUrl(config, 'digest', 'reader@example.org');
  const { html } = assembleDigest(template, [0, 1], unsubscribeUrl);
  return { name: `digest email (${language})`, kind: 'email', html };
}

/** Every kind of page and every kind of email, in `language`. */
export async function everyDocument(language: Language): Promise<ReaderDocument[]> {
  const config = configIn(language);
  const editorial = editorialIn(language);
  const card = renderListingCard(editorial, config);
  const at = (path: string) => new URL(path, config.publication.siteUrl).href;
  const feeds = { rss: at('/feeds/rss.xml'), atom: at('/feeds/atom.xml'), json: at('/feeds/feed.json') };
  const home = renderListingPage({ cardsHtml: [card], pageUrl: at('/'), feeds }, config);
  const topic = renderListingPage(
    { topic: SITE_TOPIC, cardsHtml: [card], pageUrl: at('/topics/ports/'), feeds },
    config,
  );
  const preferences = renderPreferencePage(config, {
    token: 'sample-preferences-0123456789',
    email: `reader-${language}@example.org`,
    language,
    topics: config.subscription.topics.map((t, n) => ({ name: t.name, labels: t.labels, chosen: n === 0 })),
  });
  const template = await renderEmail(editorial, config);
  const unsubscribeUrl = sampleUnsubscribeUrl(config, editorial.slug, 'reader@example.org');
  const { emails: proofs } = await proofEmails(editorial, config, ['desk@example.org']);
  return [
    { name: `editorial page (${language})`, kind: 'page', html: renderPage(editorial, config) },
    { name: `home page (${language})`, kind: 'page', html: home },
    { name: `topic page (${language})`, kind: 'page', html: topic },
    { name: `preference page (${language})`, kind: 'page', html: preferences },
    { name: `editorial email (${language})`, kind: 'email', html: personalize(template, { unsubscribeUrl }).html },
    { name: `proof email (${language})`, kind: 'email', html: proofs[0]!.html },
    ...(await subscriberDocuments(language)),
    digestEmail(config, editorial, language),
  ];
}
