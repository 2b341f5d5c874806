import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';

/**
 * Subscriber ids and the signed tokens in confirm and unsubscribe links. Kept free of rendering libraries: the
 * dispatch workers import it to sign one unsubscribe link per recipient.
 *
 * - id: base64url(HMAC-SHA256(secret, "subscriber:" + address)).slice(0, 22), stable for one address.
 * - unsubscribe token: `unsubscribe.<id>.<mac>`, mac = base64url(HMAC-SHA256(secret, "unsubscribe:" + id)).slice(0, 32); it
 *   never expires, so a link in an old email keeps working.
 * - confirm token: `confirm.<id>.<expiry>.<mac>`, expiry in epoch seconds (base 10), mac over "confirm:" + id + ":" +
 *   expiry, so the expiry cannot be changed without breaking the mac.
 * Neither carries the address: the id is a keyed digest of it.
 */

export type TokenPurpose = 'unsubscribe' | 'confirm';

export const CONFIRM_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

// The purpose itself is the prefix, so a token says what it is for, and one for another purpose never verifies.
const PREFIX: Record<TokenPurpose, string> = { unsubscribe: 'unsubscribe', confirm: 'confirm' };
const ID = /^[A-Za-z0-9_-]{22}$/;
const MAC = /^[A-Za-z0-9_-]{32}$/;
const EXPIRY = /^[1-9][0-9]{0,11}$/;

export type TokenCheck =
  | { ok: true; subscriberId: string; expiresAt?: Date }
  | { ok: false; reason: 'malformed' | 'wrong-purpose' | 'bad-signature' | 'expired' };

function hmac(secret: string, payload: string): string {
  if (!secret) throw new Error('the token secret is empty');
  return createHmac('sha256', secret).update(payload, 'utf8').digest('base64url');
}

/** The subscriber's id: opaque, stable for one (normalised) address, and revealing nothing about it. */
export function subscriberId(secret: string, address: string): string {
  return hmac(secret, `subscriber:${address.trim().toLowerCase()}`).slice(0, 22);
}

const macFor = (secret: string, payload: string) => hmac(secret, payload).slice(0, 32);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function signUnsubscribeToken(secret: string, id: string): string {
  if (!ID.test(id)) throw new Error('not a subscriber id');
  return `${PREFIX.unsubscribe}.${id}.${macFor(secret, `unsubscribe:${id}`)}`;
}

export function signConfirmToken(secret: string, id: string, expiresAt: Date): string {
  if (!ID.test(id)) throw new Error('not a subscriber id');
  const expiry = String(Math.floor(expiresAt.getTime() / 1000));
  if (!EXPIRY.test(expiry)) throw new Error('the expiry is not a usable time');
  return `${PREFIX.confirm}.${id}.${expiry}.${macFor(secret, `confirm:${id}:${expiry}`)}`;
}

/** Checks a token for one purpose; `now` matters only for confirm tokens. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string, now: Date): TokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const prefix = parts[0];
  if (prefix !== PREFIX[purpose]) {
    return Object.values(PREFIX).includes(prefix ?? '') ? { ok: false, reason: 'wrong-purpose' } : { ok: false, reason: 'malformed' };
  }
  if (purpose === 'unsubscribe') {
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [, id, mac] = parts as [string, string, string];
    if (!ID.test(id) || !MAC.test(mac)) return { ok: false, reason: 'malformed' };
    if (!sameText(mac, macFor(secret, `unsubscribe:${id}`))) return { ok: false, reason: 'bad-signature' };
    return { ok: true, subscriberId: id };
  }
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [, id, expiry, mac] = parts as [string, string, string, string];
  if (!ID.test(id) || !EXPIRY.test(expiry) || !MAC.test(mac)) return { ok: false, reason: 'malformed' };
  if (!sameText(mac, macFor(secret, `confirm:${id}:${expiry}`))) return { ok: false, reason: 'bad-signature' };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, subscriberId: id, expiresAt };
}

function withToken(base: string, token: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** The link in every newsletter's List-Unsubscribe header and footer. */
export function unsubscribeUrl(config: Config, secret: string, id: string): string {
  return withToken(config.unsubscribe.url, signUnsubscribeToken(secret, id));
}

/** The link in a confirmation email; it stops working CONFIRM_TOKEN_LIFETIME_MS after `now`. */
export function confirmUrl(config: Config, secret: string, id: string, now: Date): string {
  const expiresAt = new Date(now.getTime() + CONFIRM_TOKEN_LIFETIME_MS);
  return withToken(`${config.publication.siteUrl}/confirm`, signConfirmToken(secret, id, expiresAt));
}
