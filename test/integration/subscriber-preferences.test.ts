import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSubscribersCommand } from '../../src/cli/subscribers.ts';
import type { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { loadConfig } from '../../src/config.ts';
import { ThrottledError } from '../../src/ports.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { handlePreferenceRequest } from '../../src/http/preference-routes.ts';
import { handleSubscribeRequest } from '../../src/http/subscriber-routes.ts';
import { wantsEditorial } from '../../src/pipeline/dispatch/plan.ts';
import { confirm, type SubscriberDeps } from '../../src/subscribers/flows.ts';
import { sendOwedConfirmations, welcomeMessage } from '../../src/subscribers/confirmations.ts';
import type { SubscriberStore } from '../../src/subscribers/store.ts';
import { confirmUrl, subscriberId, unsubscribeUrl } from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { subscriberDepsOn } from '../helpers/subscriber-deps.ts';
import { htmlNodes, htmlXPath as xpath } from '../helpers/html.ts';

const SECRET = 'preferences-test-secret-0123456789-abcdef';
const config = loadConfig();
const now = new Date('2026-06-10T08:00:00Z');
const emulators = useEmulators({ tables: [{ tableName: 'subscribers', partitionKey: 'id' }] });
let server: HttpServer;
let deps: SubscriberDeps;
let store: SubscriberStore;
let table: DynamoTable;

beforeAll(async () => {
  ({ table, deps, store } = subscriberDepsOn(emulators, SECRET, () => now));
  server = await startHttpServer({
    routes: {
      '/unsubscribe': (event) => handlePreferenceRequest(deps, event),
      '/subscribe': (event) => handleSubscribeRequest(deps, event),
    },
  });
});

afterAll(async () => {
  await server?.close();
});

/** A confirmed reader and the link at the bottom of their emails, as the local server answers it. */
async function confirmedReader(
  address: string,
  status: 'confirmed' | 'suppressed' = 'confirmed',
): Promise<{ id: string; link: string }> {
  await store.upsertImported(
    { address, status: 'confirmed', consentAt: '2026-06-01T00:00:00.000Z', defaultSource: 'import:test' },
    now,
  );
  const id = subscriberId(SECRET, address);
  if (status === 'suppressed') await store.suppress(id, 'complaint', now);
  const url = new URL(unsubscribeUrl(config, SECRET, id, (await store.get(id))?.linkNonce));
  return { id, link: `${server.url}${url.pathname}${url.search}` };
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function post(link: string, fields: [string, string][]) {
  const res = await fetch(link.split('?')[0]!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The values of the nodes an XPath selects, by an independent HTML parser. */
const values = (html: string, expression: string) =>
  htmlNodes(html, expression).map((node) => node.nodeValue ?? node.textContent ?? '');
const checkedTopics = (html: string) => values(html, '//input[@name="topics"][@checked]/@value');

describe('the preference page behind every email link', () => {
  it('shows every offered topic chosen for a reader who takes everything, and changes nothing on GET', async () => {
    const { id, link } = await confirmedReader('all-topics@example.org');
    const page = await fetch(link);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(xpath(html, 'string(//h1)')).toBe('Your subscription');
    expect(values(html, '//input[@name="topics"]/@value')).toEqual(config.subscription.topics.map((t) => t.name));
    expect(checkedTopics(html)).toEqual(config.subscription.topics.map((t) => t.name));
    expect(values(html, '//input[@name="action"]/@value')).toEqual([
      'topics',
      'cadence',
      'unsubscribe',
      'export',
      'erase',
    ]);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await store.get(id))?.topics).toEqual([]);
  });

  it("speaks the reader's language, with topic labels in it, and right to left in Arabic", async () => {
    const { id, link } = await confirmedReader('lecteur@example.org');
    await table.update({ id }, { set: { language: 'fr' } });
    const french = await (await fetch(link)).text();
    expect(xpath(french, 'string(/html/@lang)')).toBe('fr');
    expect(xpath(french, 'string(//h1)')).toBe('Votre abonnement');
    expect(xpath(french, 'string(//label[input[@value="energy"]])').trim()).toBe('Énergie');
    await table.update({ id }, { set: { language: 'ar' } });
    const arabic = await (await fetch(link)).text();
    expect([xpath(arabic, 'string(/html/@lang)'), xpath(arabic, 'string(/html/@dir)')]).toEqual(['ar', 'rtl']);
    expect(xpath(arabic, 'string(//h1)')).toBe('اشتراكك');
  });

  it('stores the topics a reader picks, and the next editorial follows the choice', async () => {
    const { id, link } = await confirmedReader('two-topics@example.org');
    const saved = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'topics'],
      ['topics', 'energy'],
      ['topics', 'europe'],
    ]);
    expect(saved.status).toBe(200);
    expect(xpath(saved.body, 'string(//*[@role="status"])')).toContain('Your topics are saved');
    expect(checkedTopics(saved.body)).toEqual(['energy', 'europe']);
    const item = (await table.get({ id }))!;
    expect(item.topics).toEqual(['energy', 'europe']);
    expect(wantsEditorial(item, new Set(['europe']), new Date())).toBe(true);
    expect(wantsEditorial(item, new Set(['الساحل']), new Date())).toBe(false);

    // Ticking every offered topic again means "everything", so a topic added later reaches the reader too.
    const all = config.subscription.topics.map((t): [string, string] => ['topics', t.name]);
    await post(link, [['token', tokenOf(link)], ['action', 'topics'], ...all]);
    expect((await table.get({ id }))!.topics).toEqual([]);
  });

  it('refuses an empty choice and topics nobody offers, without changing the subscription', async () => {
    const { id, link } = await confirmedReader('no-topic@example.org');
    const none = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'topics'],
    ]);
    expect(none.status).toBe(400);
    expect(xpath(none.body, 'string(//*[@role="status"])')).toContain('Choose at least one topic');
    const unknown = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'topics'],
      ['topics', 'celebrity gossip'],
    ]);
    expect(unknown.status).toBe(400);
    expect((await store.get(id))?.topics).toEqual([]);
  });

  it('gives the reader their data as a JSON download', async () => {
    const { link } = await confirmedReader('my-data@example.org');
    const data = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'export'],
    ]);
    expect(data.status).toBe(200);
    expect(data.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(data.headers.get('content-disposition')).toMatch(/^attachment; filename="[a-z0-9-]+-data\.json"$/);
    const body = JSON.parse(data.body);
    expect(body.subscriber).toMatchObject({
      email: 'my-data@example.org',
      status: 'confirmed',
      consentAt: '2026-06-01T00:00:00.000Z',
      consentSource: 'import:test',
      topics: 'every topic',
    });
  });

  it('erases a subscription only with the box ticked, and the link then says it is gone', async () => {
    const { id, link } = await confirmedReader('erase-me@example.org');
    const unticked = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'erase'],
    ]);
    expect(unticked.status).toBe(400);
    expect(await store.get(id)).toBeDefined();

    const erased = await post(link, [
      ['token', tokenOf(link)],
      ['action', 'erase'],
      ['confirm', 'yes'],
    ]);
    expect(erased.status).toBe(200);
    expect(xpath(erased.body, 'string(//h1)')).toBe('Your data is erased');
    expect(await table.get({ id })).toBeUndefined();
    const after = await fetch(link);
    expect(after.status).toBe(404);
    expect(xpath(await after.text(), 'string(//h1)')).toBe('This subscription no longer exists');
    // Erasing twice is harmless.
    expect(
      (
        await post(link, [
          ['token', tokenOf(link)],
          ['action', 'erase'],
          ['confirm', 'yes'],
        ])
      ).status,
    ).toBe(404);
  });

  it('keeps a complained address suppressed as its keyed digest alone', async () => {
    const { id, link } = await confirmedReader('complained@example.org', 'suppressed');
    await post(link, [
      ['token', tokenOf(link)],
      ['action', 'erase'],
      ['confirm', 'yes'],
    ]);
    const item = (await table.get({ id }))!;
    expect(item).toMatchObject({ id, status: 'suppressed', suppressedReason: 'complaint', email: '', topics: [] });
    expect(JSON.stringify(item)).not.toContain('complained');
    expect(item.consentSource).toBeUndefined();
    // The same address through the form stays suppressed: its id is the same digest.
    const again = await store.subscribe(
      { address: 'complained@example.org', consentSource: 'web-form', topics: [] },
      now,
    );
    expect(again.outcome).toBe('suppressed');
  });

  it('still unsubscribes with one click (RFC 8058) and from the page button', async () => {
    const first = await confirmedReader('one-click@example.org');
    const oneClick = await fetch(first.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await store.get(first.id))?.status).toBe('unsubscribed');

    const second = await confirmedReader('button@example.org');
    const pressed = await post(second.link, [
      ['token', tokenOf(second.link)],
      ['action', 'unsubscribe'],
    ]);
    expect(pressed.status).toBe(200);
    expect((await store.get(second.id))?.status).toBe('unsubscribed');
  });

  it('answers a table that throttles with the page that says to try again, not a bare error', async () => {
    const { link } = await confirmedReader('throttled@example.org');
    const throttling = {
      ...deps,
      subscribers: {
        ...table,
        get: async () => {
          throw new ThrottledError('the table is throttling');
        },
      } as unknown as DynamoTable,
    };
    const url = new URL(link);
    const answer = await handlePreferenceRequest(throttling, {
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      requestContext: { http: { method: 'GET' } },
      headers: {},
    } as Parameters<typeof handlePreferenceRequest>[1]);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['retry-after']).toBe('60');
  });

  it('answers a changed link as the unsubscribe page does, and changes nothing', async () => {
    const { id, link } = await confirmedReader('tampered@example.org');
    const tampered = `${link.slice(0, -2)}xx`;
    expect((await fetch(tampered)).status).toBe(400);
    expect(
      (
        await post(tampered, [
          ['token', tokenOf(tampered)],
          ['action', 'erase'],
          ['confirm', 'yes'],
        ])
      ).status,
    ).toBe(400);
    expect(await store.get(id)).toBeDefined();
  });
});

describe('broadsheet subscribers export|erase <address>, for the desk', () => {
  async function run(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const status = await runSubscribersCommand(args, {
      ...deps,
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    });
    return { status, stdout, stderr };
  }

  it('prints what is kept about one address as JSON, found however the address is written', async () => {
    await confirmedReader('letter@example.org');
    const exported = await run('export', '  Letter@Example.ORG ');
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout).subscriber).toMatchObject({ email: 'letter@example.org', status: 'confirmed' });
    const unknown = await run('export', 'nobody@example.org');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('Nothing is kept about nobody@example.org.\n');
  });

  it('erases one address, and says when there was nothing to erase', async () => {
    const { id } = await confirmedReader('erase-by-letter@example.org');
    const erased = await run('erase', 'erase-by-letter@example.org');
    // It says exactly what remains: the send records' opaque id, for up to 90 days, and nothing else.
    expect(erased).toMatchObject({
      status: 0,
      stdout:
        'Erased erase-by-letter@example.org. What remains: the send records of recent dispatches keep its opaque subscriber id (not the address) for up to 90 days; nothing else.\n',
    });
    expect(erased.stdout).not.toContain('nothing about it is kept');
    expect(await table.get({ id })).toBeUndefined();
    expect((await run('erase', 'erase-by-letter@example.org')).stdout).toMatch(
      /^No subscriber erase-by-letter@example\.org on file\. .*up to 90 days/,
    );
    await confirmedReader('erase-bounced@example.org', 'suppressed');
    expect((await run('erase', 'erase-bounced@example.org')).stdout).toMatch(
      /it stays suppressed .* keyed digest .*up to 90 days; nothing else\.\n$/,
    );
    const bad = await run('erase', 'not an address');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"not an address" is not an email address');
  });
});

describe('the subscribe form offers the topics', () => {
  it('lists every configured topic, ticked, labelled in the page language', async () => {
    const english = await (await fetch(`${server.url}/subscribe`)).text();
    expect(values(english, '//form//input[@name="topics"][@checked]/@value')).toEqual(
      config.subscription.topics.map((t) => t.name),
    );
    const french = await (await fetch(`${server.url}/subscribe?lang=fr`)).text();
    expect(xpath(french, 'string(//label[input[@value="europe"]])').trim()).toBe('Europe');
    expect(xpath(french, 'string(//label[input[@value="infrastructure"]])').trim()).toBe('Infrastructures');
  });

  it('keeps the topics a reader ticks, and every topic when all are ticked', async () => {
    const subscribe = (email: string, topics: string[]) =>
      fetch(`${server.url}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([['email', email], ...topics.map((t): [string, string] => ['topics', t])]).toString(),
      });
    expect((await subscribe('picks-two@example.org', ['energy', 'الساحل'])).status).toBe(200);
    expect((await store.getByAddress('picks-two@example.org'))?.topics).toEqual(['energy', 'الساحل']);
    await subscribe(
      'picks-all@example.org',
      config.subscription.topics.map((t) => t.name),
    );
    expect((await store.getByAddress('picks-all@example.org'))?.topics).toEqual([]);
  });
});

describe('the welcome email after a confirmation', () => {
  const welcomes = async (to: string) => (await emulators.sentMail()).filter((mail) => mail.destination.to[0] === to);
  async function pendingReader(address: string, topics: string[], language?: string) {
    await store.subscribe({ address, consentSource: 'web-form', topics, ...(language && { language }) }, now);
    const id = subscriberId(SECRET, address);
    return {
      id,
      token: new URL(confirmUrl(config, SECRET, id, now, (await store.get(id))?.linkNonce)).searchParams.get('token')!,
    };
  }

  it("comes once, in the reader's language, naming their topics, with the link to change them", async () => {
    await emulators.clearMail();
    const { id, token } = await pendingReader('bienvenue@example.org', ['energy'], 'fr');
    expect(await confirm(deps, token)).toEqual({ ok: true, alreadyConfirmed: false });
    const [mail, ...more] = await welcomes('bienvenue@example.org');
    expect(more).toEqual([]);
    expect(mail!.subject).toBe(`Bienvenue dans ${config.publication.name}`);
    expect(mail!.body.text).toContain('Vous recevrez les éditoriaux sur\u00a0: Énergie.');
    const link = unsubscribeUrl(config, SECRET, id, (await store.get(id))?.linkNonce);
    expect(mail!.body.text).toContain(`${link}&lang=fr`);
    expect(xpath(mail!.body.html!, 'string(/html/@lang)')).toBe('fr');
    expect(mail!.headers?.find((h) => h.name === 'List-Unsubscribe')?.value).toContain(`<${link}>`);
    // The list it unsubscribes from is named too, as on every editorial: filters distrust one without the other.
    expect(mail!.headers?.find((h) => h.name === 'List-Id')?.value).toBe('"Monexus" <newsletter.monexus.example>');

    // Pressing confirm again, or the queue delivering the welcome twice, sends nothing more.
    await confirm(deps, token);
    const records = [1, 2].map((n) => ({ messageId: `m${n}`, body: welcomeMessage(id), receiveCount: 1 }));
    expect(await sendOwedConfirmations(deps, records)).toEqual({ batchItemFailures: [] });
    expect(await welcomes('bienvenue@example.org')).toHaveLength(1);
  });

  it('is not sent when the publication turns it off', async () => {
    const { token } = await pendingReader('no-welcome@example.org', []);
    const quiet = { ...deps, config: { ...config, subscription: { ...config.subscription, welcomeEmail: false } } };
    expect((await confirm(quiet, token)).ok).toBe(true);
    expect(await welcomes('no-welcome@example.org')).toEqual([]);
  });
});
