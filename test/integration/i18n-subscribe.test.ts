import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { subscriberRoutes } from '../../src/http/subscriber-routes.ts';
import { en, messagesFor } from '../../src/i18n/index.ts';
import type { Logger } from '../../src/log.ts';
import { confirmationEmail } from '../../src/subscribers/confirmation-email.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { htmlXPath } from '../helpers/html.ts';

/* The subscribe, confirm and unsubscribe answers follow the language the reader's page (or link) gives. */
const config = loadConfig();
const emulators = useEmulators({ tables: [{ tableName: 'subscribers', partitionKey: 'id' }] });
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
let server: HttpServer;

beforeAll(async () => {
  const deps: SubscriberDeps = {
    subscribers: new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' }),
    mailer: new SesMailer(emulators.ses),
    config,
    tokenSecret: 'i18n-test-secret-0123456789-abcdefghij',
    clock: { now: () => new Date('2026-06-10T08:00:00Z'), sleep: async () => {} },
    log: quiet,
    softBounceThreshold: 3,
  };
  server = await startHttpServer({ routes: subscriberRoutes(deps) });
});

afterAll(async () => {
  await server?.close();
});

async function request(path: string, body?: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: body ? 'POST' : 'GET',
    ...(body && {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    }),
  });
  return { status: res.status, body: await res.text() };
}

const englishFragments = Object.values(en)
  .flatMap((message) => (typeof message === 'string' ? [message] : Object.values(message)))
  .flatMap((message) => message.split(/\{\w+\}/))
  .map((fragment) => fragment.trim())
  .filter((fragment) => /[A-Za-z]{3}/.test(fragment));

/** The English fixed text on a page, leaving out the publication's own words from its configuration. */
function englishOn(html: string): string[] {
  const text = [config.postalAddress, config.rights.copyrightNotice, config.publication.description].reduce(
    (t, own) => t.split(own).join(' '),
    htmlXPath(html, 'string(/html)') + htmlXPath(html, '//@aria-label'),
  );
  return englishFragments.filter((fragment) => text.includes(fragment));
}

describe('the subscriber pages in the reader’s language', () => {
  it('shows the subscribe page in the language of its link, and the form sends that language back', async () => {
    const page = await request('/subscribe?lang=uk');
    expect(page.status).toBe(200);
    expect(htmlXPath(page.body, 'string(/html/@lang)')).toBe('uk');
    expect(htmlXPath(page.body, 'string(//h1)')).toBe('Отримуйте Monexus електронною поштою');
    expect(htmlXPath(page.body, 'string(//form//button)')).toBe('Підписатися');
    expect(htmlXPath(page.body, 'string(//form//input[@name="lang"]/@value)')).toBe('uk');
    expect(englishOn(page.body)).toEqual([]);
  });

  it('explains a refused address in Arabic, right to left, when the Arabic page’s form sent it', async () => {
    const answer = await request('/subscribe', { email: 'reader.example.org', source: 'home', lang: 'ar' });
    expect(answer.status).toBe(400);
    expect(htmlXPath(answer.body, 'string(/html/@dir)')).toBe('rtl');
    expect(htmlXPath(answer.body, 'string(//h1)')).toBe('يبدو أن هذا العنوان غير صحيح');
    expect(htmlXPath(answer.body, '//main/p[1]')).toBe('يجب أن يحتوي العنوان على علامة @ واحدة فقط.');
    expect(htmlXPath(answer.body, 'string(//form//input[@name="lang"]/@value)')).toBe('ar');
    expect(englishOn(answer.body)).toEqual([]);
  });

  it('answers a subscription from the Russian page in Russian, with the days in the right plural', async () => {
    const answer = await request('/subscribe', { email: 'chitatel@example.org', source: 'home', lang: 'ru' });
    expect(answer.status).toBe(200);
    expect(htmlXPath(answer.body, 'string(//h1)')).toBe('Проверьте почту');
    expect(answer.body).toContain('Она действует 7 дней');
    expect(englishOn(answer.body)).toEqual([]);
  });

  it('answers a broken confirmation or unsubscribe link in the language the link names', async () => {
    const confirm = await request('/confirm?token=broken&lang=fr');
    expect(confirm.status).toBe(400);
    expect(htmlXPath(confirm.body, 'string(//h1)')).toBe('Ce lien de confirmation ne fonctionne pas');
    expect(englishOn(confirm.body)).toEqual([]);
    const unsubscribe = await request(`${new URL(config.unsubscribe.url).pathname}?token=broken&lang=de`);
    expect(unsubscribe.status).toBe(400);
    expect(htmlXPath(unsubscribe.body, 'string(//h1)')).toBe('Dieser Abmeldelink funktioniert nicht');
    expect(englishOn(unsubscribe.body)).toEqual([]);
  });

  it('keeps the publication’s language when the request names none or one without a catalogue', async () => {
    for (const path of ['/subscribe', '/subscribe?lang=pt-BR']) {
      const page = await request(path);
      expect(htmlXPath(page.body, 'string(//h1)')).toBe('Get Monexus by email');
      expect(htmlXPath(page.body, 'string(/html/@lang)')).toBe('en');
    }
  });
});

describe('the confirmation email', () => {
  it('is written in the language it is asked for, with the days in that language', () => {
    const mail = confirmationEmail(
      config,
      'lector@example.org',
      'https://monexus.example/confirm?token=t',
      undefined,
      'es',
    );
    expect(mail.subject).toBe('Confirme su suscripción a Monexus');
    expect(mail.text).toContain(messagesFor('es', 'en').t('confirmation.expiry', { count: 7 }));
    expect(mail.text).toContain('7 días');
    expect(htmlXPath(mail.html, 'string(/html/@lang)')).toBe('es');
    // The confirm page it opens answers in Spanish too.
    expect(mail.text).toContain('https://monexus.example/confirm?token=t&lang=es\n');
    expect(englishOn(mail.html)).toEqual([]);
    const arabic = confirmationEmail(
      config,
      'qari@example.org',
      'https://monexus.example/confirm?token=t',
      undefined,
      'ar',
    );
    expect(htmlXPath(arabic.html, 'string(/html/@dir)')).toBe('rtl');
  });

  it('stays in the publication’s language without one, as before', () => {
    const mail = confirmationEmail(config, 'reader@example.org', 'https://monexus.example/confirm?token=t');
    expect(mail.subject).toBe('Confirm your subscription to Monexus');
    expect(mail.text).toContain('The link works for 7 days.');
    expect(mail.text).toContain('https://monexus.example/confirm?token=t\n');
  });
});
