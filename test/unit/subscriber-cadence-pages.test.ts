// The cadence choice a reader sees: on the subscribe form (every page's, and the /subscribe page), and on the
// preference page behind every email's link, in the reader's language; a cadence not offered is refused, not changed.
import { describe, expect, it } from 'vitest';
import { configFrom, loadConfig, type Config } from '../../src/config.ts';
import { handlePreferenceRequest } from '../../src/http/preference-routes.ts';
import { handleSubscribeRequest } from '../../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent } from '../../src/http/types.ts';
import { messagesFor } from '../../src/i18n/index.ts';
import { renderPage } from '../../src/render/page.ts';
import { subscriberId, unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import { htmlXPath as xpath } from '../helpers/html.ts';
import { subscriberDepsInMemory } from '../helpers/subscriber-deps-memory.ts';

const SECRET = 'cadence-pages-secret-0123456789-abcdefghij';
const NOW = new Date('2026-07-01T10:00:00Z');
const en = messagesFor('en', 'en');
const fr = messagesFor('fr', 'en');
const eachAndWeekly = configFrom({ subscription: { digests: { cadences: ['each', 'weekly'] } } }, 'test');
const eachOnly = configFrom({ subscription: { digests: { cadences: ['each'] } } }, 'test');

function world(config: Config = loadConfig()) {
  const memory = subscriberDepsInMemory(SECRET, () => NOW);
  memory.deps.config = config;
  return memory;
}

function event(url: string, method: 'GET' | 'POST', form?: [string, string][]): FunctionUrlEvent {
  const parsed = new URL(url);
  return {
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    requestContext: { http: { method, sourceIp: '130.176.0.1' } },
    isBase64Encoded: false,
    ...(form && { body: new URLSearchParams(form).toString() }),
  };
}

const subscribeUrl = (config: Config) => `${config.publication.siteUrl}/subscribe`;
/** The radio buttons of a page's cadence choice: value, and whether ticked. */
const radios = (html: string) =>
  xpath(html, '//fieldset[legend]//input[@type="radio"][@name="cadence"]/@value').split('\n').filter(Boolean);
const ticked = (html: string) => xpath(html, 'string(//input[@name="cadence"][@checked]/@value)');

describe('the subscribe form’s cadence choice', () => {
  it('offers every configured cadence by name in a fieldset with a legend, every editorial ticked', async () => {
    const { deps } = world();
    const answer = await handleSubscribeRequest(deps, event(subscribeUrl(deps.config), 'GET'));
    const html = answer.body ?? '';
    expect(answer.statusCode).toBe(200);
    expect(radios(html)).toEqual(['each', 'daily', 'weekly']);
    expect(ticked(html)).toBe('each');
    expect(xpath(html, 'normalize-space(//fieldset[.//input[@name="cadence"]]/legend)')).toBe(en.t('cadence.legend'));
    const labels = xpath(html, '//label[input[@name="cadence"]]')
      .split('\n')
      .map((l) => l.trim());
    expect(labels).toEqual(['Every editorial as it is published', 'A daily digest', 'A weekly digest']);
  });

  it('lists only the configured cadences, and none at all when every editorial is the only one', async () => {
    const weekly = world(eachAndWeekly);
    const offered = await handleSubscribeRequest(weekly.deps, event(subscribeUrl(eachAndWeekly), 'GET'));
    expect(radios(offered.body ?? '')).toEqual(['each', 'weekly']);
    const only = world(eachOnly);
    const plain = await handleSubscribeRequest(only.deps, event(subscribeUrl(eachOnly), 'GET'));
    expect(xpath(plain.body ?? '', 'count(//input[@name="cadence"])')).toBe('0');
    expect(plain.body).not.toContain(en.t('cadence.legend'));
  });

  it('is on the form at the foot of every editorial page, in the page’s language', () => {
    const html = renderPage(makeEditorial({ lang: 'fr' }), loadConfig());
    expect(radios(html)).toEqual(['each', 'daily', 'weekly']);
    expect(ticked(html)).toBe('each');
    expect(xpath(html, 'normalize-space(//form//fieldset[.//input[@name="cadence"]]/legend)')).toBe(
      fr.t('cadence.legend'),
    );
    expect(radios(renderPage(makeEditorial(), eachOnly))).toEqual([]);
  });

  it('subscribes the reader with the cadence they chose', async () => {
    const { deps, store } = world();
    const form: [string, string][] = [
      ['email', 'weekly.reader@example.org'],
      ['cadence', 'weekly'],
      ['lang', 'en'],
    ];
    const answer = await handleSubscribeRequest(deps, event(subscribeUrl(deps.config), 'POST', form));
    expect(answer.statusCode).toBe(200);
    expect((await store.getByAddress('weekly.reader@example.org'))?.cadence).toBe('weekly');
  });

  it('refuses a cadence the publication does not offer, in the reader’s language, and subscribes no one', async () => {
    const { deps, store, mailer } = world(eachAndWeekly);
    const form: [string, string][] = [
      ['email', 'daily.reader@example.org'],
      ['cadence', 'daily'],
      ['lang', 'fr'],
    ];
    const answer = await handleSubscribeRequest(deps, event(subscribeUrl(eachAndWeekly), 'POST', form));
    const html = answer.body ?? '';
    expect(answer.statusCode).toBe(400);
    expect(xpath(html, 'string(/html/@lang)')).toBe(fr.locale);
    expect(xpath(html, 'normalize-space(//h1)')).toBe(fr.t('cadence.refusedTitle'));
    expect(xpath(html, 'normalize-space(//main/p)')).toBe(
      fr.t('cadence.refused', { publication: eachAndWeekly.publication.name }),
    );
    // The form comes back with the address as typed and the offered cadences, every editorial ticked.
    expect(xpath(html, 'string(//input[@name="email"]/@value)')).toBe('daily.reader@example.org');
    expect(radios(html)).toEqual(['each', 'weekly']);
    expect(ticked(html)).toBe('each');
    expect(await store.getByAddress('daily.reader@example.org')).toBeUndefined();
    expect(await mailer.sentMail()).toEqual([]);
  });
});

async function confirmedReader(deps: ReturnType<typeof world>, address: string, language?: string) {
  const { store } = deps;
  const { subscriber } = await store.subscribe(
    { address, consentSource: 'web-form:home', topics: [], ...(language && { language }) },
    NOW,
  );
  await store.confirm(subscriber!.id, NOW);
  const current = (await store.get(subscriber!.id))!;
  const link = unsubscribeUrl(deps.deps.config, SECRET, subscriberId(SECRET, address), current.linkNonce);
  return { id: subscriber!.id, link, token: new URL(link).searchParams.get('token')! };
}

describe('the preference page’s cadence', () => {
  it('shows the current cadence and offers the configured ones, the current one ticked', async () => {
    const memory = world();
    const { link } = await confirmedReader(memory, 'prefs@example.org');
    const answer = await handlePreferenceRequest(memory.deps, event(link, 'GET'));
    const html = answer.body ?? '';
    expect(answer.statusCode).toBe(200);
    expect(xpath(html, 'normalize-space(//section[h2[@id="cadence-heading"]]/p)')).toBe(
      en.t('cadence.current', { cadence: en.t('cadence.each') }),
    );
    expect(radios(html)).toEqual(['each', 'daily', 'weekly']);
    expect(ticked(html)).toBe('each');
    expect(xpath(html, 'string(//form[.//input[@name="cadence"]]/@method)')).toBe('post');
  });

  it('changes the cadence on POST, and says it applies to editorials published from now on', async () => {
    const memory = world();
    const { id, link, token } = await confirmedReader(memory, 'switch@example.org', 'de');
    const form: [string, string][] = [
      ['token', token],
      ['action', 'cadence'],
      ['cadence', 'daily'],
    ];
    const answer = await handlePreferenceRequest(memory.deps, event(link, 'POST', form));
    const html = answer.body ?? '';
    const de = messagesFor('de', 'en');
    expect(answer.statusCode).toBe(200);
    expect(xpath(html, 'normalize-space(//*[@role="status"])')).toBe(de.t('cadence.saved'));
    expect(ticked(html)).toBe('daily');
    expect(xpath(html, 'normalize-space(//section[h2[@id="cadence-heading"]]/p)')).toBe(
      de.t('cadence.current', { cadence: de.t('cadence.daily') }),
    );
    expect(await memory.store.get(id)).toMatchObject({
      cadence: 'daily',
      previousCadence: 'each',
      cadenceChangedAt: NOW.toISOString(),
    });
  });

  it('changes nothing on GET, whatever the link carries', async () => {
    const memory = world();
    const { id, link } = await confirmedReader(memory, 'scanner@example.org');
    await handlePreferenceRequest(memory.deps, event(`${link}&action=cadence&cadence=weekly`, 'GET'));
    expect((await memory.store.get(id))?.cadence).toBeUndefined();
  });

  it('refuses a cadence not offered, with the reason, and keeps the reader’s', async () => {
    const memory = world(eachAndWeekly);
    const { id, link, token } = await confirmedReader(memory, 'refused@example.org');
    const form: [string, string][] = [
      ['token', token],
      ['action', 'cadence'],
      ['cadence', 'daily'],
    ];
    const answer = await handlePreferenceRequest(memory.deps, event(link, 'POST', form));
    expect(answer.statusCode).toBe(400);
    expect(xpath(answer.body ?? '', 'normalize-space(//*[@role="status"])')).toBe(
      en.t('cadence.refused', { publication: eachAndWeekly.publication.name }),
    );
    expect(radios(answer.body ?? '')).toEqual(['each', 'weekly']);
    expect((await memory.store.get(id))?.cadence).toBeUndefined();
  });

  it('has no cadence section where every editorial is the only cadence', async () => {
    const memory = world(eachOnly);
    const { link } = await confirmedReader(memory, 'plain@example.org');
    const html = (await handlePreferenceRequest(memory.deps, event(link, 'GET'))).body ?? '';
    expect(xpath(html, 'count(//*[@id="cadence-heading"])')).toBe('0');
    expect(html).toContain(en.t('preferences.unsubscribeHeading'));
  });

  it('words every cadence and its messages in each language, each its own', () => {
    for (const key of ['cadence.each', 'cadence.daily', 'cadence.weekly', 'cadence.saved', 'cadence.legend'] as const) {
      const words = ['en', 'ar', 'de', 'es', 'fr', 'ru', 'uk'].map((lang) => messagesFor(lang, 'en').t(key));
      expect(new Set(words).size, key).toBe(7);
    }
  });
});
