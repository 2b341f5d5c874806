import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';

/**
 * Subscriber ids and the signed tokens in confirm and unsubscribe links. Kept free of rendering libraries: the
 * dispatch workers import it to sign one unsubscribe link per recipient.
 *
 * Two keys that never stand in for each other: the id key derives subscriber ids and never changes (a new one would
 * orphan every subscriber); the signing keys sign tokens, each under a key id (kid), and can rotate.
 *
 * - id: base64url(HMAC-SHA256(id key, "subscriber:" + address)).slice(0, 22), stable for one address.
 * - unsubscribe token: `unsubscribe.<kid>.<id>.<mac>`, mac = base64url(HMAC-SHA256(key of kid, "unsubscribe:" + kid +
 *   ":" + id)).slice(0, 32); it never expires, so a link in an old email keeps working while its key is accepted.
 * - confirm token: `confirm.<kid>.<id>.<expiry>.<mac>`, expiry in epoch seconds (base 10), mac over "confirm:" + kid +
 *   ":" + id + ":" + expiry, so neither the expiry nor the kid can be changed without breaking the mac.
 * - tokens signed before key ids existed (`unsubscribe.<id>.<mac>`, `confirm.<id>.<expiry>.<mac>`, mac over the same
 *   payload without the kid) are read as kid "0", the key they were signed with.
 * - bound tokens (issued since subscriber records carry a `linkNonce`): `unsubscribe.<kid>.<id>.<nonce>.<mac>` and
 *   `confirm.<kid>.<id>.<nonce>.<expiry>.<mac>`, the nonce covered by the mac after the id. The id alone is the same
 *   for every subscription of one address; the nonce is new with each (see linkFits), so a link outlives neither an
 *   erasure nor the unsubscription a new subscription follows.
 * Neither carries the address: the id is a keyed digest of it.
 */

export type TokenPurpose = 'unsubscribe' | 'confirm';

export const CONFIRM_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** The key id of a single TOKEN_SECRET, and of every token signed before tokens carried one. */
export const LEGACY_KID = '0';
export const KID = /^[A-Za-z0-9_-]{1,16}$/;

/** The keys behind ids and tokens, checked when read (src/app/runtime-config.ts). */
export interface TokenKeys {
  /** Derives subscriber ids; never rotated. */
  idKey: string;
  /** The kid new tokens are signed with. */
  current: string;
  /** Signing keys by kid: the current one and those still accepted. */
  signing: Readonly<Record<string, string>>;
  /** Kids accepted only before a time: links signed with them keep working until then. */
  retiring: Readonly<Record<string, Date>>;
}

/** A single secret, as TOKEN_SECRET alone gives it: the id key and the one signing key, kid "0". */
export function singleKey(secret: string): TokenKeys {
  return { idKey: secret, current: LEGACY_KID, signing: { [LEGACY_KID]: secret }, retiring: {} };
}

/** Either a key set or a single secret (which is both keys). */
export type KeysOrSecret = TokenKeys | string;
const keysOf = (keys: KeysOrSecret): TokenKeys => (typeof keys === 'string' ? singleKey(keys) : keys);

// The purpose itself is the prefix, so a token says what it is for, and one for another purpose never verifies.
const PREFIX: Record<TokenPurpose, string> = { unsubscribe: 'unsubscribe', confirm: 'confirm' };
const ID = /^[A-Za-z0-9_-]{22}$/;
const MAC = /^[A-Za-z0-9_-]{32}$/;
const EXPIRY = /^[1-9][0-9]{0,11}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** A subscription's link nonce: 16 random bytes, base64url (22 characters). */
export function newLinkNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Whether a verified token belongs to the subscription a record holds now: a record with a nonce takes only tokens
 * signed with that nonce; a record from before nonces (none) takes only tokens without one, as they were issued.
 */
export function linkFits(tokenNonce: string | undefined, recordNonce: string | undefined): boolean {
  if (recordNonce === undefined || recordNonce === '') return tokenNonce === undefined;
  return tokenNonce !== undefined && sameText(tokenNonce, recordNonce);
}

export type TokenCheck =
  | {
      ok: true;
      subscriberId: string;
      expiresAt?: Date;
      kid: string /** Absent on tokens from before nonces. */;
      nonce?: string;
    }
  | { ok: false; reason: 'malformed' | 'wrong-purpose' | 'bad-signature' | 'expired' | 'unknown-key' | 'retired-key' };

function hmac(secret: string, payload: string): string {
  if (!secret) throw new Error('the token secret is empty');
  return createHmac('sha256', secret).update(payload, 'utf8').digest('base64url');
}

/** The subscriber's id: opaque, stable for one (normalised) address, and revealing nothing about it. */
export function subscriberId(keys: KeysOrSecret, address: string): string {
  return hmac(keysOf(keys).idKey, `subscriber:${address.trim().toLowerCase()}`).slice(0, 22);
}

/** A keyed digest of anything else the table keys by (a mailbox, a client address), never reversible to it. */
export function keyedDigest(keys: KeysOrSecret, purpose: string, value: string): string {
  return hmac(keysOf(keys).idKey, `${purpose}:${value}`).slice(0, 22);
}

const macFor = (secret: string, payload: string) => hmac(secret, payload).slice(0, 32);
/** What a token's mac covers: the kid too, except for tokens from before kids, which must verify as they were. */
const payload = (kid: string | undefined, fields: string[]) =>
  [fields[0], ...(kid === undefined ? [] : [kid]), ...fields.slice(1)].join(':');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function currentKey(keys: KeysOrSecret): { kid: string; secret: string } {
  const set = keysOf(keys);
  const secret = set.signing[set.current];
  if (!secret) throw new Error(`no signing key for the current kid "${set.current}"`);
  return { kid: set.current, secret };
}

/** The id and, when the record has one, its nonce: the fields a token names its subscription by. */
function subscription(id: string, nonce: string | undefined): string[] {
  if (!ID.test(id)) throw new Error('not a subscriber id');
  if (nonce !== undefined && !NONCE.test(nonce)) throw new Error('not a link nonce');
  return nonce === undefined ? [id] : [id, nonce];
}

/** `nonce`: the record's linkNonce; absent only for a record from before nonces. */
export function signUnsubscribeToken(keys: KeysOrSecret, id: string, nonce?: string): string {
  const fields = subscription(id, nonce);
  const { kid, secret } = currentKey(keys);
  return [PREFIX.unsubscribe, kid, ...fields, macFor(secret, payload(kid, ['unsubscribe', ...fields]))].join('.');
}

export function signConfirmToken(keys: KeysOrSecret, id: string, expiresAt: Date, nonce?: string): string {
  const fields = subscription(id, nonce);
  const expiry = String(Math.floor(expiresAt.getTime() / 1000));
  if (!EXPIRY.test(expiry)) throw new Error('the expiry is not a usable time');
  const { kid, secret } = currentKey(keys);
  return [PREFIX.confirm, kid, ...fields, expiry, macFor(secret, payload(kid, ['confirm', ...fields, expiry]))].join(
    '.',
  );
}

/** The key a token's kid names, if it is still accepted at `now`. */
function acceptedKey(
  keys: TokenKeys,
  kid: string,
  now: Date,
): { secret: string } | { reason: 'unknown-key' | 'retired-key' } {
  const secret = Object.hasOwn(keys.signing, kid) ? keys.signing[kid] : undefined;
  if (!secret) return { reason: 'unknown-key' };
  const until = kid === keys.current ? undefined : keys.retiring[kid];
  if (kid !== keys.current && (until === undefined || now.getTime() >= until.getTime()))
    return { reason: 'retired-key' };
  return { secret };
}

/** Checks a token for one purpose; `now` decides a confirm token's expiry and whether a retiring key still counts. */
export function verifyToken(keysOrSecret: KeysOrSecret, purpose: TokenPurpose, token: string, now: Date): TokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const prefix = parts[0];
  if (prefix !== PREFIX[purpose]) {
    return Object.values(PREFIX).includes(prefix ?? '')
      ? { ok: false, reason: 'wrong-purpose' }
      : { ok: false, reason: 'malformed' };
  }
  const fields = purpose === 'unsubscribe' ? 2 : 3;
  // One part more than the fields and the prefix: the token carries its kid; two more: its kid and a nonce.
  const withNonce = parts.length === fields + 3;
  const withKid = withNonce || parts.length === fields + 2;
  if (!withKid && parts.length !== fields + 1) return { ok: false, reason: 'malformed' };
  const kid = withKid ? parts[1]! : undefined;
  const [id, ...rest] = parts.slice(withKid ? 2 : 1) as [string, ...string[]];
  const mac = rest.pop()!;
  const nonce = withNonce ? rest.shift() : undefined;
  const expiry = rest[0];
  if (
    (kid !== undefined && !KID.test(kid)) ||
    !ID.test(id) ||
    !MAC.test(mac) ||
    (nonce !== undefined && !NONCE.test(nonce)) ||
    (expiry !== undefined && !EXPIRY.test(expiry))
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const key = acceptedKey(keysOf(keysOrSecret), kid ?? LEGACY_KID, now);
  if ('reason' in key) return { ok: false, reason: key.reason };
  const named = nonce === undefined ? [id] : [id, nonce];
  const covered = payload(kid, expiry === undefined ? [purpose, ...named] : [purpose, ...named, expiry]);
  if (!sameText(mac, macFor(key.secret, covered))) return { ok: false, reason: 'bad-signature' };
  const bound = nonce === undefined ? {} : { nonce };
  if (expiry === undefined) return { ok: true, subscriberId: id, kid: kid ?? LEGACY_KID, ...bound };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, subscriberId: id, expiresAt, kid: kid ?? LEGACY_KID, ...bound };
}

function withToken(base: string, token: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** The link in every newsletter's List-Unsubscribe header and footer, signed with the current key and bound to the
 * record's `nonce` (its linkNonce; absent only for a record from before nonces). */
export function unsubscribeUrl(config: Config, keys: KeysOrSecret, id: string, nonce?: string): string {
  return withToken(config.unsubscribe.url, signUnsubscribeToken(keys, id, nonce));
}

/** The link in a confirmation email; it stops working CONFIRM_TOKEN_LIFETIME_MS after `now`. */
export function confirmUrl(config: Config, keys: KeysOrSecret, id: string, now: Date, nonce?: string): string {
  const expiresAt = new Date(now.getTime() + CONFIRM_TOKEN_LIFETIME_MS);
  return withToken(`${config.publication.siteUrl}/confirm`, signConfirmToken(keys, id, expiresAt, nonce));
}
