import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Partner webhooks: each change of an item a partner takes is POSTed to its `webhook` as the ninjs item its ninjs
 * feed carries, signed Stripe-style over the time, the event id and the body. The key is derived per partner and per
 * rotation from the partner secret, so a partner's key can be handed to it without revealing the secret or any other
 * partner's key, and rotating a partner (a leaked path) gives it a new key too.
 */

export const SIGNATURE_HEADER = 'Broadsheet-Signature';
export const EVENT_ID_HEADER = 'Broadsheet-Event-Id';

/** One delivery, as the publish stage queues it: the partner, a stable id for this change, the ninjs item. */
export interface WebhookMessage {
  partner: string;
  eventId: string;
  /** The ninjs item, as the exact JSON text to POST. */
  body: string;
  /** Where to POST it: the partner's webhook when the change was made. The worker reads no partner registry, so a
   * partner added there is reached through this; without it the worker looks the partner up in its configuration. */
  webhook?: string;
  /** The partner's rotation when the change was made: its key follows it. Absent: the configuration's, else 0. */
  rotation?: number;
}

/** What a signature covers besides the time: the event id (so a captured body cannot be replayed under another id)
 * and the exact body. */
export interface SignedDelivery {
  eventId: string;
  body: string;
}

/** The partner's signing key: HMAC-SHA256(secret, "broadsheet webhook v2\0<id>\0<rotation>"), hex. */
export function webhookKey(secret: string, partnerId: string, rotation = 0): string {
  return createHmac('sha256', secret).update(`broadsheet webhook v2\0${partnerId}\0${rotation}`).digest('hex');
}

const signed = (key: string, t: number, delivery: SignedDelivery) =>
  createHmac('sha256', key).update(`${t}.${delivery.eventId}.${delivery.body}`).digest('hex');

/** `t=<unix seconds>,v2=<hex HMAC-SHA256(key, "<t>.<event id>.<body>")>`. */
export function webhookSignature(key: string, delivery: SignedDelivery, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v2=${signed(key, t, delivery)}`;
}

/** A receiver's check: the signature is the key's for this event id and body, made within `toleranceSeconds` of `now`. */
export function verifyWebhookSignature(
  key: string,
  delivery: SignedDelivery,
  header: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v2 !== 'string' || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds)
    return false;
  const expected = Buffer.from(signed(key, t, delivery));
  const given = Buffer.from(parts.v2);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Stable per partner, item and change: the receiver's dedupe key across redeliveries. */
export function webhookEventId(partnerId: string, slug: string, version: string): string {
  return createHmac('sha256', 'broadsheet webhook event')
    .update(`${partnerId}\0${slug}\0${version}`)
    .digest('hex')
    .slice(0, 32);
}

export function isWebhookMessage(value: unknown): value is WebhookMessage {
  const m = value as Partial<WebhookMessage> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.partner === 'string' &&
    typeof m.eventId === 'string' &&
    typeof m.body === 'string' &&
    (m.webhook === undefined || typeof m.webhook === 'string') &&
    (m.rotation === undefined || (Number.isInteger(m.rotation) && m.rotation >= 0))
  );
}
