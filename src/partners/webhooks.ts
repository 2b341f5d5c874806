import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Partner webhooks: each change of an item a partner takes is POSTed to its `webhook` as the ninjs item its ninjs
 * feed carries, signed Stripe-style. The key is derived per partner from the partner secret, so a partner's key
 * can be handed to it without revealing the secret or any other partner's key.
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
}

/** The partner's signing key: HMAC-SHA256(secret, "broadsheet webhook v1\0<id>"), hex. */
export function webhookKey(secret: string, partnerId: string): string {
  return createHmac('sha256', secret).update(`broadsheet webhook v1\0${partnerId}`).digest('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`. */
export function webhookSignature(key: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature is the key's for this body, made within `toleranceSeconds` of `now`. */
export function verifyWebhookSignature(key: string, body: string, header: string, now: Date, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== 'string' || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', key).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Stable per partner, item and change: the receiver's dedupe key across redeliveries. */
export function webhookEventId(partnerId: string, slug: string, version: string): string {
  return createHmac('sha256', 'broadsheet webhook event').update(`${partnerId}\0${slug}\0${version}`).digest('hex').slice(0, 32);
}

export function isWebhookMessage(value: unknown): value is WebhookMessage {
  const m = value as Partial<WebhookMessage> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.partner === 'string' &&
    typeof m.eventId === 'string' &&
    typeof m.body === 'string' &&
    (m.webhook === undefined || typeof m.webhook === 'string')
  );
}
