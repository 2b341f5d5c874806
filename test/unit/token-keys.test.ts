import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../src/app/runtime-config.ts';
import { ConfigError } from '../../src/config.ts';
import {
  newLinkNonce,
  subscriberId,
  signConfirmToken,
  signUnsubscribeToken,
  verifyToken,
  type TokenKeys,
} from '../../src/subscribers/tokens.ts';
import { FUNCTION_ENV } from '../helpers/function-env.ts';

const ENV = FUNCTION_ENV;
/** Today's single secret: after the migration, the id key and the legacy signing key "0". */
const TODAYS_SECRET = 'todays-single-secret-0123456789-abcdefgh';
const NEW_KEY = 'new-signing-key-2026-12-0123456789-abcdef';
const GRACE_ENDS = '2027-01-31T00:00:00Z';
const BEFORE = new Date('2026-12-02T10:00:00Z');
const DURING = new Date('2027-01-30T23:59:59Z');
const AFTER = new Date('2027-01-31T00:00:00Z');

/** The configuration after rotating the signing key, as docs/subscribers.md describes it. */
function rotated(): TokenKeys {
  return readRuntimeConfig({
    ...ENV,
    SUBSCRIBER_ID_KEY: TODAYS_SECRET,
    TOKEN_KEYS: JSON.stringify({
      current: '2026-12',
      keys: { '0': TODAYS_SECRET, '2026-12': NEW_KEY },
      retiring: { '0': GRACE_ENDS },
    }),
  }).tokenKeys!;
}

const before = () => readRuntimeConfig({ ...ENV, TOKEN_SECRET: TODAYS_SECRET }).tokenKeys!;
const id = subscriberId(TODAYS_SECRET, 'reader@example.org');

describe('rotating the signing key', () => {
  it('keeps every subscriber id as it was', () => {
    for (const address of ['reader@example.org', 'ann+news@example.org', 'v.i.c.t.i.m@gmail.com']) {
      expect(subscriberId(rotated(), address)).toBe(subscriberId(before(), address));
      expect(subscriberId(rotated(), address)).toBe(subscriberId(TODAYS_SECRET, address));
    }
  });

  it('accepts links sent before the rotation during the grace period and refuses them after it', () => {
    // Links already in inboxes: signed before tokens had a key id, and with kid "0" by a single TOKEN_SECRET.
    const legacyUnsubscribe = `unsubscribe.${id}.${legacyMac(`unsubscribe:${id}`)}`;
    const kidZero = signUnsubscribeToken(before(), id);
    const confirm = signConfirmToken(before(), id, new Date('2027-02-07T00:00:00Z'));
    for (const token of [legacyUnsubscribe, kidZero]) {
      expect(verifyToken(before(), 'unsubscribe', token, BEFORE)).toMatchObject({
        ok: true,
        subscriberId: id,
        kid: '0',
      });
      expect(verifyToken(rotated(), 'unsubscribe', token, DURING)).toMatchObject({ ok: true, subscriberId: id });
      expect(verifyToken(rotated(), 'unsubscribe', token, AFTER)).toEqual({ ok: false, reason: 'retired-key' });
    }
    expect(verifyToken(rotated(), 'confirm', confirm, DURING).ok).toBe(true);
    expect(verifyToken(rotated(), 'confirm', confirm, AFTER)).toEqual({ ok: false, reason: 'retired-key' });
  });

  it('signs new links with the current key, which work after the grace period and nowhere else', () => {
    const token = signUnsubscribeToken(rotated(), id);
    expect(token.split('.')[1]).toBe('2026-12');
    expect(verifyToken(rotated(), 'unsubscribe', token, AFTER)).toMatchObject({
      ok: true,
      subscriberId: id,
      kid: '2026-12',
    });
    // The single-secret configuration never knew the new key.
    expect(verifyToken(before(), 'unsubscribe', token, DURING)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('rotates nonce-bound links like any other: the nonce is kept, the grace period applies', () => {
    const nonce = newLinkNonce();
    const old = signUnsubscribeToken(before(), id, nonce);
    expect(verifyToken(rotated(), 'unsubscribe', old, DURING)).toMatchObject({
      ok: true,
      subscriberId: id,
      kid: '0',
      nonce,
    });
    expect(verifyToken(rotated(), 'unsubscribe', old, AFTER)).toEqual({ ok: false, reason: 'retired-key' });
    const current = signUnsubscribeToken(rotated(), id, nonce);
    expect(current.split('.').slice(1, 4)).toEqual(['2026-12', id, nonce]);
    expect(verifyToken(rotated(), 'unsubscribe', current, AFTER)).toMatchObject({ ok: true, kid: '2026-12', nonce });
    const [prefix, , sid, n, mac] = current.split('.');
    expect(verifyToken(rotated(), 'unsubscribe', `${prefix}.0.${sid}.${n}.${mac}`, DURING)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a link naming an unknown key id, or one moved to another key id', () => {
    const token = signUnsubscribeToken(rotated(), id);
    const [prefix, , sid, mac] = token.split('.');
    expect(verifyToken(rotated(), 'unsubscribe', `${prefix}.2099-01.${sid}.${mac}`, DURING)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    expect(verifyToken(rotated(), 'unsubscribe', `${prefix}.0.${sid}.${mac}`, DURING)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyToken(rotated(), 'unsubscribe', `${prefix}.no.good.${sid}.${mac}`, DURING)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('the key configuration', () => {
  it('keeps TOKEN_SECRET alone working: one key for ids and signatures, kid "0"', () => {
    const config = readRuntimeConfig({ ...ENV, TOKEN_SECRET: TODAYS_SECRET });
    expect(config.tokenKeys).toEqual({
      idKey: TODAYS_SECRET,
      current: '0',
      signing: { '0': TODAYS_SECRET },
      retiring: {},
    });
    expect(config.tokenSecret).toBe(TODAYS_SECRET);
  });

  it('fails fast on every mistake in a key set, naming it', () => {
    const problems = (tokenKeys: unknown, idKey: string | null = TODAYS_SECRET) => {
      try {
        readRuntimeConfig({
          ...ENV,
          TOKEN_KEYS: typeof tokenKeys === 'string' ? tokenKeys : JSON.stringify(tokenKeys),
          ...(idKey !== null && { SUBSCRIBER_ID_KEY: idKey }),
        });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      return '';
    };
    expect(problems({ current: 'a', keys: { a: NEW_KEY } }, null)).toContain(
      'SUBSCRIBER_ID_KEY must be set with TOKEN_KEYS',
    );
    expect(problems('{not json')).toContain('TOKEN_KEYS must be JSON');
    expect(problems({ current: 'b', keys: { a: NEW_KEY } })).toContain('the current key "b" is not among the keys');
    expect(problems({ current: 'a', keys: { a: 'short' } })).toContain(
      'key "a" must be a string of at least 32 characters',
    );
    expect(problems({ current: 'a', keys: { a: NEW_KEY, old: TODAYS_SECRET } })).toContain(
      'key "old" is neither current nor retiring',
    );
    expect(
      problems({ current: 'a', keys: { a: NEW_KEY, old: TODAYS_SECRET }, retiring: { old: 'next week' } }),
    ).toContain('retiring "old" must be an ISO 8601 time');
    expect(problems({ current: 'a', keys: { a: NEW_KEY }, retiring: { gone: GRACE_ENDS } })).toContain(
      'retiring "gone" is not among the keys',
    );
    expect(problems({ current: 'a b', keys: { 'a b': NEW_KEY } })).toContain('key id "a b" must be 1-16 letters');
    expect(problems({ current: 'a', keys: { a: NEW_KEY } })).toBe('');
  });
});

/** How links were signed before tokens carried a key id. */
function legacyMac(payload: string): string {
  return createHmac('sha256', TODAYS_SECRET).update(payload, 'utf8').digest('base64url').slice(0, 32);
}
