import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { FunctionUrlEvent } from '../../src/http/types.ts';
import { handlePreferenceRequest } from '../../src/http/preference-routes.ts';
import { messagesFor } from '../../src/i18n/index.ts';
import { createLogger } from '../../src/log.ts';
import type { Mailer } from '../../src/ports.ts';
import { proofUnsubscribeUrl } from '../../src/render/email/proof-link.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { subscriberId, unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { htmlXPath as xpath } from '../helpers/html.ts';
import { MemoryTable } from '../helpers/memory-table.ts';

const config = loadConfig();
const SECRET = 'proof-page-test-secret-0123456789-abcdef';
const nobodyMails: Mailer = {
  send: async () => {
    throw new Error('a proof link sends nothing');
  },
};

function preferenceDeps(): SubscriberDeps & { subscribers: MemoryTable } {
  return {
    subscribers: new MemoryTable({ partitionKey: 'id' }),
    mailer: nobodyMails,
    config,
    tokenSecret: SECRET,
    clock: { now: () => new Date('2026-07-01T00:00:00Z'), sleep: async () => {} },
    log: createLogger({}, () => {}),
    softBounceThreshold: 3,
  };
}

function request(url: string, method = 'GET', body?: string): FunctionUrlEvent {
  const parsed = new URL(url);
  return {
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: { http: { method } },
    isBase64Encoded: false,
    ...(body !== undefined && { body }),
  };
}

describe("the preference route answers a proof's unsubscribe link", () => {
  it('is the unsubscribe URL with proof=1 and no token', () => {
    expect(proofUnsubscribeUrl(config)).toBe(`${config.unsubscribe.url}?proof=1`);
    expect(proofUnsubscribeUrl({ unsubscribe: { url: 'https://news.example.org/u?list=a' } })).toBe(
      'https://news.example.org/u?list=a&proof=1',
    );
  });

  it.each([
    ['en', ''],
    ['ar', '&lang=ar'],
    ['fr', '&lang=fr'],
  ])(
    'says in %s that the link comes from a proof and, in subscribers’ copies, opens their preferences',
    async (lang, suffix) => {
      const deps = preferenceDeps();
      const answer = await handlePreferenceRequest(deps, request(`${proofUnsubscribeUrl(config)}${suffix}`));
      const m = messagesFor(lang, config.publication.language);
      const html = answer.body ?? '';
      expect(answer.statusCode).toBe(200);
      expect(xpath(html, 'string(/html/@lang)')).toBe(m.locale);
      expect(xpath(html, 'string(/html/@dir)')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(xpath(html, 'normalize-space(//h1)')).toBe(m.t('preferences.proofTitle'));
      expect(xpath(html, 'normalize-space(/html/body)')).toContain(
        m.t('preferences.proofText', { publication: config.publication.name }),
      );
      // A plain page: no form, nothing to press, nothing stored.
      expect(xpath(html, 'count(//form)')).toBe('0');
      expect(deps.subscribers.items.size).toBe(0);
    },
  );

  it('words the page in every language, each its own', () => {
    const titles = ['en', 'ar', 'uk', 'ru', 'fr', 'de', 'es'].map((lang) =>
      messagesFor(lang, 'en').t('preferences.proofTitle'),
    );
    expect(new Set(titles).size).toBe(7);
  });

  it('answers a one-click POST to the proof link with the same page, and changes nothing', async () => {
    const deps = preferenceDeps();
    const answer = await handlePreferenceRequest(
      deps,
      request(proofUnsubscribeUrl(config), 'POST', 'List-Unsubscribe=One-Click'),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain(messagesFor('en', 'en').t('preferences.proofTitle'));
  });

  it('answers a link with a token as before, proof=1 or not', async () => {
    const deps = preferenceDeps();
    const link = unsubscribeUrl(config, SECRET, subscriberId(SECRET, 'gone@example.org'));
    const answer = await handlePreferenceRequest(deps, request(`${link}&proof=1`));
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toContain(messagesFor('en', 'en').t('preferences.goneTitle'));
  });
});
