import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServer } from '../../src/http/local-server.ts';
import { handlePreferenceRequest } from '../../src/http/preference-routes.ts';
import { handleConfirmRequest } from '../../src/http/subscriber-routes.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import type { SubscriberStore } from '../../src/subscribers/store.ts';
import {
  confirmUrl,
  newLinkNonce,
  signUnsubscribeToken,
  subscriberId,
  unsubscribeUrl,
} from '../../src/subscribers/tokens.ts';
import { useEmulators } from '../helpers/emulators.ts';
import { subscriberDepsOn } from '../helpers/subscriber-deps.ts';
import { htmlNodes, htmlXPath as xpath } from '../helpers/html.ts';

// Unsubscribe and confirm links bind to the subscription they were issued for (the record's linkNonce): an old
// link outlives neither an erasure nor the unsubscription a new subscription follows.

const SECRET = 'link-binding-secret-0123456789-abcdefgh';
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
      '/confirm': (event) => handleConfirmRequest(deps, event),
    },
  });
});

afterAll(async () => {
  await server?.close();
});

const local = (link: string) => {
  const url = new URL(link);
  return `${server.url}${url.pathname}${url.search}`;
};
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function post(link: string, fields: [string, string][]) {
  const res = await fetch(link.split('?')[0]!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function oneClick(link: string) {
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  return res.status;
}

/** A reader subscribing through the form's flow and confirming; the link at the bottom of their emails. */
async function subscribeAndConfirm(address: string): Promise<{ id: string; link: string; nonce: string }> {
  await store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
  const id = subscriberId(SECRET, address);
  await store.confirm(id, now);
  const nonce = (await store.get(id))!.linkNonce!;
  return { id, nonce, link: local(unsubscribeUrl(config, SECRET, id, nonce)) };
}

/** Every way the preference link is used: none may show, export, change or erase anything. */
async function expectRefused(link: string) {
  const page = await fetch(link);
  const html = await page.text();
  expect(page.status).toBe(400);
  expect(xpath(html, 'string(//h1)')).toBe('This unsubscribe link does not work');
  expect(html).not.toContain('@example.org');
  const token = tokenOf(link);
  const exported = await post(link, [
    ['token', token],
    ['action', 'export'],
  ]);
  expect(exported.status).toBe(400);
  expect(exported.headers.get('content-disposition')).toBeNull();
  expect(exported.body).not.toContain('@example.org');
  expect(
    (
      await post(link, [
        ['token', token],
        ['action', 'topics'],
        ['topics', 'energy'],
      ])
    ).status,
  ).toBe(400);
  expect(
    (
      await post(link, [
        ['token', token],
        ['action', 'erase'],
        ['confirm', 'yes'],
      ])
    ).status,
  ).toBe(400);
  expect((await post(link, [['token', token]])).status).toBe(400);
  expect(await oneClick(link)).toBe(400);
}

/** The token as it was signed before key ids and nonces: `unsubscribe.<id>.<mac>`. */
const preKidToken = (id: string) =>
  `unsubscribe.${id}.${createHmac('sha256', SECRET).update(`unsubscribe:${id}`, 'utf8').digest('base64url').slice(0, 32)}`;

describe('links bound to their subscription', () => {
  it('gives every new record a random nonce, and its links carry it', async () => {
    const { nonce, link } = await subscribeAndConfirm('fresh@example.org');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokenOf(link)).toMatch(new RegExp(`^unsubscribe\\.0\\.[A-Za-z0-9_-]{22}\\.${nonce}\\.[A-Za-z0-9_-]{32}$`));
    const other = await subscribeAndConfirm('fresh-too@example.org');
    expect(other.nonce).not.toBe(nonce);
  });

  it('refuses an old link after an erasure and a new subscription: no export, no erase; the new link works', async () => {
    const address = 'erased-then-back@example.org';
    const first = await subscribeAndConfirm(address);
    const erased = await post(first.link, [
      ['token', tokenOf(first.link)],
      ['action', 'erase'],
      ['confirm', 'yes'],
    ]);
    expect(erased.status).toBe(200);
    expect(await table.get({ id: first.id })).toBeUndefined();

    const second = await subscribeAndConfirm(address);
    expect(second.id).toBe(first.id);
    expect(second.nonce).not.toBe(first.nonce);
    await expectRefused(first.link);
    expect(await store.get(first.id)).toMatchObject({ status: 'confirmed', email: address, topics: [] });

    // The new subscription's own link works: the page, the download, the erasure.
    const page = await fetch(second.link);
    expect(page.status).toBe(200);
    expect(xpath(await page.text(), 'string(//h1)')).toBe('Your subscription');
    const data = await post(second.link, [
      ['token', tokenOf(second.link)],
      ['action', 'export'],
    ]);
    expect(data.status).toBe(200);
    expect(JSON.parse(data.body).subscriber).toMatchObject({ email: address, status: 'confirmed' });
    expect(JSON.parse(data.body).subscriber.linkNonce).toBeUndefined();
    expect(
      (
        await post(second.link, [
          ['token', tokenOf(second.link)],
          ['action', 'erase'],
          ['confirm', 'yes'],
        ])
      ).status,
    ).toBe(200);
    expect(await table.get({ id: second.id })).toBeUndefined();
  });

  it('refuses the links of a subscription that ended once the address subscribes again', async () => {
    const address = 'left-then-back@example.org';
    const first = await subscribeAndConfirm(address);
    expect(await oneClick(first.link)).toBe(200);
    expect((await store.get(first.id))?.status).toBe('unsubscribed');
    // Until the reader subscribes again, their last link still works (and unsubscribing again is harmless).
    expect((await fetch(first.link)).status).toBe(200);

    const firstConfirm = local(confirmUrl(config, SECRET, first.id, now, first.nonce));
    const again = await store.subscribe({ address, consentSource: 'web-form', topics: [] }, now);
    expect(again.outcome).toBe('resubscribed');
    const pending = (await store.get(first.id))!;
    expect(pending.linkNonce).not.toBe(first.nonce);

    // A confirm link of the ended subscription does not confirm the new one.
    const oldConfirm = await fetch(firstConfirm);
    expect(oldConfirm.status).toBe(400);
    expect((await post(firstConfirm, [['token', tokenOf(firstConfirm)]])).status).toBe(400);
    expect((await store.get(first.id))?.status).toBe('pending');
    const newConfirm = local(confirmUrl(config, SECRET, first.id, now, pending.linkNonce));
    expect((await post(newConfirm, [['token', tokenOf(newConfirm)]])).status).toBe(200);
    expect((await store.get(first.id))?.status).toBe('confirmed');

    await expectRefused(first.link);
    expect((await store.get(first.id))?.status).toBe('confirmed');
  });

  it('keeps a link from before this change working for a record that has no nonce yet', async () => {
    const address = 'before-nonces@example.org';
    const id = subscriberId(SECRET, address);
    await table.put({
      id,
      email: address,
      status: 'confirmed',
      topics: [],
      softBounces: 0,
      updatedAt: now.toISOString(),
      version: 3,
    });
    for (const token of [signUnsubscribeToken(SECRET, id), preKidToken(id)]) {
      const link = `${server.url}/unsubscribe?token=${encodeURIComponent(token)}`;
      expect((await fetch(link)).status).toBe(200);
      const data = await post(link, [
        ['token', token],
        ['action', 'export'],
      ]);
      expect(data.status).toBe(200);
      expect(JSON.parse(data.body).subscriber.email).toBe(address);
    }
    // A token with a nonce was never issued for such a record: refused.
    const bound = `${server.url}/unsubscribe?token=${encodeURIComponent(signUnsubscribeToken(SECRET, id, newLinkNonce()))}`;
    expect((await fetch(bound)).status).toBe(400);
    // The old one-click link still unsubscribes.
    expect(await oneClick(`${server.url}/unsubscribe?token=${encodeURIComponent(preKidToken(id))}`)).toBe(200);
    expect((await store.get(id))?.status).toBe('unsubscribed');
  });

  it('refuses a forged nonce, a tampered one and a token without the nonce for a record that has one', async () => {
    const { id, nonce, link } = await subscribeAndConfirm('forged-nonce@example.org');
    const good = tokenOf(link);
    const [prefix, kid, sid, , mac] = good.split('.');
    const other = newLinkNonce();
    const tokens = [
      `${prefix}.${kid}.${sid}.${other}.${mac}`,
      signUnsubscribeToken('some-other-secret-0123456789-abcdefgh', id, nonce),
      signUnsubscribeToken(SECRET, id, other),
      signUnsubscribeToken(SECRET, id),
      preKidToken(id),
    ];
    for (const token of tokens) await expectRefused(`${server.url}/unsubscribe?token=${encodeURIComponent(token)}`);
    expect(await store.get(id)).toMatchObject({ status: 'confirmed', linkNonce: nonce });
  });

  it('a suppressed record erased gets a new nonce: its old links no longer work', async () => {
    const { id, nonce, link } = await subscribeAndConfirm('bounced-erased@example.org');
    await store.suppress(id, 'complaint', now);
    expect(
      (
        await post(link, [
          ['token', tokenOf(link)],
          ['action', 'erase'],
          ['confirm', 'yes'],
        ])
      ).status,
    ).toBe(200);
    const kept = (await store.get(id))!;
    expect(kept).toMatchObject({ status: 'suppressed', email: '' });
    expect(kept.linkNonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(kept.linkNonce).not.toBe(nonce);
    expect((await fetch(link)).status).toBe(400);
  });

  it('never puts the token in a link of the preference page, and asks browsers to send no Referer elsewhere', async () => {
    const { link } = await subscribeAndConfirm('referer@example.org');
    const page = await fetch(link);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const token = tokenOf(link);
    const outward = htmlNodes(html, '//@href | //@src | //@action | //@formaction').map((node) => node.nodeValue ?? '');
    expect(outward.length).toBeGreaterThan(0);
    for (const value of outward) {
      expect(value).not.toContain(token);
      expect(value).not.toContain(encodeURIComponent(token));
    }
  });
});
