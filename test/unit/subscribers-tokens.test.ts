import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { normalizeAddress } from '../../src/subscribers/address.ts';
import {
  confirmUrl,
  CONFIRM_TOKEN_LIFETIME_MS,
  linkFits,
  newLinkNonce,
  signConfirmToken,
  signUnsubscribeToken,
  subscriberId,
  unsubscribeUrl,
  verifyToken,
} from '../../src/subscribers/tokens.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijkl';
const NOW = new Date('2026-06-10T12:00:00Z');
const config = loadConfig();

const addressArb = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]$/),
    fc.stringMatching(/^[a-z0-9]{1,12}\.(org|com|example)$/),
  )
  .map(([local, domain]) => `${local.replace(/\.{2,}/g, '.')}@${domain}`)
  .filter((a) => normalizeAddress(a).ok);

describe('subscriberId', () => {
  it('is 22 url-safe characters, the same for any spelling of one address, different across addresses', () => {
    const id = subscriberId(SECRET, 'reader@example.org');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(subscriberId(SECRET, '  Reader@Example.ORG ')).toBe(id);
    expect(subscriberId(SECRET, 'reader2@example.org')).not.toBe(id);
    expect(subscriberId(OTHER_SECRET, 'reader@example.org')).not.toBe(id);
  });
});

describe('tokens', () => {
  it('carry no part of the address, in any form', () => {
    fc.assert(
      fc.property(addressArb, (address) => {
        const id = subscriberId(SECRET, address);
        const tokens = [
          signUnsubscribeToken(SECRET, id),
          signConfirmToken(SECRET, id, NOW),
          unsubscribeUrl(config, SECRET, id),
          confirmUrl(config, SECRET, id, NOW),
        ];
        const [local, domain] = address.split('@') as [string, string];
        for (const token of tokens) {
          // In a link only the token is the subscriber's; the host is the publication's own.
          const decoded = decodeURIComponent(
            token.startsWith('https://') ? new URL(token).searchParams.get('token')! : token,
          ).toLowerCase();
          expect(decoded).not.toContain('@');
          if (local.length >= 4) expect(decoded).not.toContain(local);
          expect(decoded).not.toContain(domain);
          expect(decoded).not.toContain(Buffer.from(address).toString('base64url').slice(0, 8).toLowerCase());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('verify for their own purpose and subscriber', () => {
    const id = subscriberId(SECRET, 'reader@example.org');
    expect(verifyToken(SECRET, 'unsubscribe', signUnsubscribeToken(SECRET, id), NOW)).toEqual({
      ok: true,
      subscriberId: id,
      kid: '0',
    });
    const confirm = verifyToken(SECRET, 'confirm', signConfirmToken(SECRET, id, new Date(NOW.getTime() + 1000)), NOW);
    expect(confirm.ok && confirm.subscriberId).toBe(id);
  });

  it('refuse another purpose, another secret, an expired confirm token, truncation and any changed character', () => {
    const id = subscriberId(SECRET, 'reader@example.org');
    const unsubscribe = signUnsubscribeToken(SECRET, id);
    const confirm = signConfirmToken(SECRET, id, new Date(NOW.getTime() + CONFIRM_TOKEN_LIFETIME_MS));
    expect(verifyToken(SECRET, 'confirm', unsubscribe, NOW)).toEqual({ ok: false, reason: 'wrong-purpose' });
    expect(verifyToken(SECRET, 'unsubscribe', confirm, NOW)).toEqual({ ok: false, reason: 'wrong-purpose' });
    expect(verifyToken(OTHER_SECRET, 'unsubscribe', unsubscribe, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyToken(SECRET, 'confirm', confirm, new Date(NOW.getTime() + CONFIRM_TOKEN_LIFETIME_MS))).toEqual({
      ok: false,
      reason: 'expired',
    });
    // Unsubscribe links never expire.
    expect(verifyToken(SECRET, 'unsubscribe', unsubscribe, new Date('2099-01-01T00:00:00Z')).ok).toBe(true);
    for (const token of [unsubscribe, confirm]) {
      const purpose = token.startsWith('confirm.') ? 'confirm' : 'unsubscribe';
      for (let cut = 0; cut < token.length; cut++)
        expect(verifyToken(SECRET, purpose, token.slice(0, cut), NOW).ok).toBe(false);
      for (let i = 0; i < token.length; i++) {
        const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
        expect(verifyToken(SECRET, purpose, changed, NOW).ok).toBe(false);
      }
    }
  });

  it('cannot be moved to another subscriber or given a later expiry', () => {
    const mine = subscriberId(SECRET, 'mine@example.org');
    const theirs = subscriberId(SECRET, 'theirs@example.org');
    const [prefix, , mac] = signUnsubscribeToken(SECRET, mine).split('.');
    expect(verifyToken(SECRET, 'unsubscribe', `${prefix}.${theirs}.${mac}`, NOW).ok).toBe(false);
    const [cPrefix, cId, expiry, cMac] = signConfirmToken(SECRET, mine, NOW).split('.');
    expect(verifyToken(SECRET, 'confirm', `${cPrefix}.${cId}.${Number(expiry) + 86_400}.${cMac}`, NOW).ok).toBe(false);
  });

  it('refuse arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        expect(verifyToken(SECRET, 'unsubscribe', text, NOW).ok).toBe(false);
        expect(verifyToken(SECRET, 'confirm', text, NOW).ok).toBe(false);
      }),
    );
  });

  it('build links on the configured addresses', () => {
    const id = subscriberId(SECRET, 'reader@example.org');
    const unsubscribe = new URL(unsubscribeUrl(config, SECRET, id));
    expect(`${unsubscribe.origin}${unsubscribe.pathname}`).toBe(config.unsubscribe.url);
    expect(verifyToken(SECRET, 'unsubscribe', unsubscribe.searchParams.get('token')!, NOW).ok).toBe(true);
    const confirm = new URL(confirmUrl(config, SECRET, id, NOW));
    expect(`${confirm.origin}${confirm.pathname}`).toBe(`${config.publication.siteUrl}/confirm`);
    const check = verifyToken(SECRET, 'confirm', confirm.searchParams.get('token')!, NOW);
    expect(check.ok && check.expiresAt?.getTime()).toBe(NOW.getTime() + CONFIRM_TOKEN_LIFETIME_MS);
  });
});

describe('tokens bound to a subscription (its link nonce)', () => {
  const id = subscriberId(SECRET, 'bound@example.org');
  const nonce = newLinkNonce();

  it('are 16 random bytes, base64url, new each time', () => {
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(Array.from({ length: 50 }, newLinkNonce)).size).toBe(50);
  });

  it('carry and sign the nonce, in both purposes', () => {
    const unsubscribe = signUnsubscribeToken(SECRET, id, nonce);
    expect(unsubscribe.split('.')).toEqual([
      'unsubscribe',
      '0',
      id,
      nonce,
      expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    ]);
    expect(verifyToken(SECRET, 'unsubscribe', unsubscribe, NOW)).toEqual({
      ok: true,
      subscriberId: id,
      kid: '0',
      nonce,
    });
    const expiresAt = new Date(NOW.getTime() + 60_000);
    const confirm = signConfirmToken(SECRET, id, expiresAt, nonce);
    expect(confirm.split('.')).toHaveLength(6);
    expect(verifyToken(SECRET, 'confirm', confirm, NOW)).toEqual({
      ok: true,
      subscriberId: id,
      kid: '0',
      nonce,
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
    });
    expect(new URL(unsubscribeUrl(config, SECRET, id, nonce)).searchParams.get('token')).toBe(unsubscribe);
    expect(
      verifyToken(
        SECRET,
        'confirm',
        new URL(confirmUrl(config, SECRET, id, NOW, nonce)).searchParams.get('token')!,
        NOW,
      ),
    ).toMatchObject({ ok: true, nonce });
  });

  it('refuse a nonce changed, added or dropped without the key', () => {
    const [prefix, kid, sid, , mac] = signUnsubscribeToken(SECRET, id, nonce).split('.');
    const unbound = signUnsubscribeToken(SECRET, id);
    const [, , , unboundMac] = unbound.split('.');
    for (const token of [
      `${prefix}.${kid}.${sid}.${newLinkNonce()}.${mac}`,
      `${prefix}.${kid}.${sid}.${mac}`,
      `${prefix}.${kid}.${sid}.${nonce}.${unboundMac}`,
    ]) {
      expect(verifyToken(SECRET, 'unsubscribe', token, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    }
    expect(verifyToken(SECRET, 'unsubscribe', `${prefix}.${kid}.${sid}.short.${mac}`, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(() => signUnsubscribeToken(SECRET, id, 'not a nonce')).toThrow();
  });

  it('fit a record only with its own nonce; a token without one only a record from before nonces', () => {
    expect(linkFits(nonce, nonce)).toBe(true);
    expect(linkFits(newLinkNonce(), nonce)).toBe(false);
    expect(linkFits(undefined, nonce)).toBe(false);
    expect(linkFits(undefined, undefined)).toBe(true);
    expect(linkFits(nonce, undefined)).toBe(false);
  });
});

describe('normalizeAddress', () => {
  it('trims and lower-cases the whole address, and turns an international domain into its ASCII form', () => {
    expect(normalizeAddress('  Ann.Lee+News@Example.ORG \n')).toEqual({
      ok: true,
      address: 'ann.lee+news@example.org',
    });
    expect(normalizeAddress('reader@bücher.example')).toEqual({ ok: true, address: 'reader@xn--bcher-kva.example' });
  });

  it.each([
    ['', 'empty'],
    ['reader', 'exactly one @'],
    ['a@b@example.org', 'exactly one @'],
    ['read er@example.org', 'space'],
    ['reader@exa\u0000mple.org', 'control'],
    ['reader@localhost', 'domain'],
    ['reader@-example.org', 'domain'],
    ['reader@example.123', 'domain'],
    ['.reader@example.org', 'mailbox'],
    ['re..ader@example.org', 'mailbox'],
    ['"quoted"@example.org', 'mailbox'],
    ['<script>@example.org', 'mailbox'],
    [`${'a'.repeat(65)}@example.org`, 'mailbox'],
    [
      `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.org`,
      'longer than 254',
    ],
  ])('refuses %j with a reason mentioning %s', (input, words) => {
    const result = normalizeAddress(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(words);
  });
});
