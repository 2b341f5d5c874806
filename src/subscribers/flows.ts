import { normalizeAddress } from './address.ts';
import { requestedCadence } from './cadence-choice.ts';
import {
  deliverOwedConfirmation,
  deliverOwedWelcome,
  confirmationMessage,
  sendTaken,
  welcomeMessage,
} from './confirmations.ts';
import { confirmationEmail } from './confirmation-email.ts';
import { parseSesEvent } from './ses-events.ts';
import { keysOf, storeOf, type SubscriberDeps } from './deps.ts';
import type { LinkBinding, SubscriberStore } from './store.ts';
import type { Subscriber } from './subscriber.ts';
import { confirmUrl, linkFits, verifyToken, type TokenCheck, type TokenPurpose } from './tokens.ts';

export { keysOf, storeOf, type SubscriberDeps } from './deps.ts';

const MAX_TOPICS = 20;
const TOPIC = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,63}$/u;
const SOURCE = /^[a-z0-9][a-z0-9._-]{0,99}$/;
// The shape of a BCP 47 tag (language, then subtags of 1-8 letters or digits); Intl then checks and canonicalises it.
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,7}$/;

export type SubscribeResult =
  | { ok: true }
  | { ok: false; problem: 'invalid-address'; reason: string }
  | { ok: false; problem: 'invalid-language'; reason: string }
  | { ok: false; problem: 'invalid-cadence'; reason: string };

/** `web-form:<source>` when the form's source is a plain slug; anything else is not recorded. */
export function webFormSource(source: string | undefined): string {
  const value = source?.trim().toLowerCase() ?? '';
  return SOURCE.test(value) ? `web-form:${value}` : 'web-form';
}

/** Topic names a reader may pick: letters, digits, spaces, `_ . -`, at most 64 characters; the rest is dropped. */
export function cleanTopics(topics: readonly string[]): string[] {
  const clean = topics.map((t) => t.normalize('NFC').trim().replace(/\s+/g, ' ')).filter((t) => TOPIC.test(t));
  return [...new Set(clean)].slice(0, MAX_TOPICS);
}

/** A BCP 47 language tag in its canonical spelling (`pt-br` → `pt-BR`), or undefined when it is not one. */
export function languageTag(input: string): string | undefined {
  const value = input.trim();
  if (!LANGUAGE_TAG.test(value)) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}

/**
 * A subscribe request from the web form. It only writes and hands over: the record is changed (or not) and one
 * message queued, the same work whatever the address's state (new, pending, confirmed, unsubscribed, suppressed),
 * and the email is sent by the confirmation sender. So neither the answer nor its timing tells who subscribes.
 */
export async function subscribe(
  deps: SubscriberDeps,
  request: { email: string; source?: string; topics?: string[]; language?: string; cadence?: string },
): Promise<SubscribeResult> {
  // Blank is `each`; a cadence the configuration does not offer is refused, never quietly made another.
  const cadence = requestedCadence(deps.config, request.cadence);
  if (!cadence.ok) {
    deps.log.info('subscribe refused', { problem: 'invalid-cadence' });
    return {
      ok: false,
      problem: 'invalid-cadence',
      reason: `the cadence is not one this publication offers (${cadence.allowed.join(', ')})`,
    };
  }
  const checked = normalizeAddress(request.email);
  if (!checked.ok) {
    deps.log.info('subscribe refused', { problem: 'invalid-address' });
    return { ok: false, problem: 'invalid-address', reason: checked.reason };
  }
  const language =
    request.language === undefined || request.language.trim() === '' ? undefined : languageTag(request.language);
  if (request.language?.trim() && language === undefined) {
    deps.log.info('subscribe refused', { problem: 'invalid-language' });
    return {
      ok: false,
      problem: 'invalid-language',
      reason: 'the language is not a language tag such as "fr" or "pt-BR"',
    };
  }
  const store = storeOf(deps);
  const now = deps.clock.now();
  const result = await store.subscribe(
    {
      address: checked.address,
      consentSource: webFormSource(request.source),
      topics: cleanTopics(request.topics ?? []),
      ...(language !== undefined && { language }),
      cadence: cadence.cadence ?? 'each',
    },
    now,
  );
  const id = store.idFor(checked.address);
  // Queued for every address, owed or not: the sender finds out from the record.
  if (deps.confirmations) await deps.confirmations.sendBatch([confirmationMessage(id)]);
  else await deliverOwedConfirmation(deps, id);
  deps.log.info('subscribe request', {
    subscriberId: id,
    outcome: result.outcome,
    confirmationDue: result.confirmationDue,
  });
  return { ok: true };
}

/** Sends the double opt-in message to a pending subscriber at once and records when (an import's confirmations),
 * unless its inbox is suppressed. `nonce`: the record's linkNonce, which the link is bound to. */
export async function sendConfirmation(
  deps: SubscriberDeps,
  store: SubscriberStore,
  id: string,
  address: string,
  now: Date,
  nonce?: string,
): Promise<boolean> {
  // Not to an inbox a spelling of which bounced or complained.
  if (await store.mailboxSuppressed(address)) {
    deps.log.warn('confirmation withheld: the inbox is suppressed (a bounce or a complaint)', { subscriberId: id });
    return false;
  }
  const email = confirmationEmail(
    deps.config,
    address,
    confirmUrl(deps.config, keysOf(deps), id, now, nonce),
    deps.configurationSet,
  );
  // Nothing was taken from the record, so a failure has nothing to give back; the send is recorded once made.
  const sent = (await sendTaken(deps, 'confirmation', id, email, async () => {})) === 'sent';
  if (sent) await store.markConfirmationSent(id, now);
  return sent;
}

export type LinkProblem = 'invalid' | 'expired' | 'not-pending';
export type ConfirmResult = { ok: true; alreadyConfirmed: boolean } | { ok: false; problem: LinkProblem };
export type UnsubscribeResult = { ok: true } | { ok: false; problem: 'invalid' };

/** A link signed with a key no longer accepted reads as any other broken link. */
function tokenProblem(reason: Extract<LinkCheck, { ok: false }>['reason']): 'invalid' | 'expired' {
  return reason === 'expired' ? 'expired' : 'invalid';
}

/** Checks a confirm token's signature and expiry alone, without the record (checkLink also binds it to the record). */
export function checkConfirmToken(deps: SubscriberDeps, token: string): TokenCheck {
  return verifyToken(keysOf(deps), 'confirm', token, deps.clock.now());
}

export type LinkCheck =
  | { ok: true; check: Extract<TokenCheck, { ok: true }>; link: LinkBinding; subscriber: Subscriber | undefined }
  | { ok: false; reason: Exclude<TokenCheck, { ok: true }>['reason'] | 'stale' };

/**
 * Checks a link's token and that it still belongs to the subscription the record holds (its nonce, see
 * src/subscribers/tokens.ts): a link from an erased subscription, or from one that ended before a new one, is
 * `stale` and reads as any other broken link. A subscriber no longer on file is undefined, not a refusal.
 */
export async function checkLink(deps: SubscriberDeps, purpose: TokenPurpose, token: string): Promise<LinkCheck> {
  const check = verifyToken(keysOf(deps), purpose, token, deps.clock.now());
  if (!check.ok) return check;
  const subscriber = await storeOf(deps).get(check.subscriberId);
  if (subscriber && !linkFits(check.nonce, subscriber.linkNonce)) return { ok: false, reason: 'stale' };
  return { ok: true, check, link: { nonce: check.nonce }, subscriber };
}

export async function confirm(deps: SubscriberDeps, token: string): Promise<ConfirmResult> {
  const checked = await checkLink(deps, 'confirm', token);
  if (!checked.ok) {
    deps.log.info('confirm refused', { reason: checked.reason });
    return { ok: false, problem: tokenProblem(checked.reason) };
  }
  const { check, link } = checked;
  const store = storeOf(deps);
  const welcome = deps.config.subscription.welcomeEmail;
  const { outcome, subscriber } = await store.confirm(check.subscriberId, deps.clock.now(), { welcome, link });
  deps.log.info('confirm', { subscriberId: check.subscriberId, outcome });
  // A welcome still owed (the queue failed after the confirmation was written) goes at the reader's next press.
  if (welcome && (outcome === 'confirmed' || subscriber?.welcomeDueAt !== undefined)) {
    if (deps.confirmations) await deps.confirmations.sendBatch([welcomeMessage(check.subscriberId)]);
    else await deliverOwedWelcome(deps, check.subscriberId);
  }
  if (outcome === 'confirmed') return { ok: true, alreadyConfirmed: false };
  if (outcome === 'already-confirmed') return { ok: true, alreadyConfirmed: true };
  return { ok: false, problem: outcome === 'unknown' ? 'invalid' : 'not-pending' };
}

/** Checks an unsubscribe token's signature alone, without the record (checkLink also binds it to the record). */
export function checkUnsubscribeToken(deps: SubscriberDeps, token: string): TokenCheck {
  return verifyToken(keysOf(deps), 'unsubscribe', token, deps.clock.now());
}

/** Idempotent: a second unsubscribe, or one for a subscriber no longer on file, succeeds too. */
export async function unsubscribe(deps: SubscriberDeps, token: string): Promise<UnsubscribeResult> {
  const checked = await checkLink(deps, 'unsubscribe', token);
  if (!checked.ok) {
    deps.log.info('unsubscribe refused', { reason: checked.reason });
    return { ok: false, problem: 'invalid' };
  }
  const { check, link } = checked;
  const store = storeOf(deps);
  const { outcome } = await store.unsubscribe(check.subscriberId, deps.clock.now(), link);
  deps.log.info('unsubscribe', { subscriberId: check.subscriberId, outcome });
  return { ok: true };
}

export interface SesEventSummary {
  suppressed: number;
  softBounces: number;
  unknownRecipients: number;
  ignored: number;
  malformed: number;
  /** Subscribers suppressed by this event, by the dispatch tag of the message that led to it. */
  suppressedByDispatch: Record<string, number>;
}

/**
 * Bounces and complaints: a permanent bounce or a complaint suppresses the recipient; a transient (or
 * undetermined) bounce counts, and suppresses once the count reaches the threshold. Other events are ignored.
 */
export async function handleSesEvent(
  deps: SubscriberDeps,
  event: unknown,
  parsed = parseSesEvent(event),
): Promise<SesEventSummary> {
  const summary: SesEventSummary = {
    suppressed: 0,
    softBounces: 0,
    unknownRecipients: 0,
    ignored: 0,
    malformed: parsed.malformed,
    suppressedByDispatch: {},
  };
  const store = storeOf(deps);
  const threshold = deps.softBounceThreshold;
  const now = deps.clock.now();
  for (const feedback of parsed.feedback) {
    if (feedback.kind === 'other') {
      summary.ignored++;
      continue;
    }
    for (const recipient of feedback.recipients) {
      const checked = normalizeAddress(recipient);
      const id = checked.ok ? store.idFor(checked.address) : undefined;
      let outcome: string;
      if (id === undefined) {
        outcome = 'unknown';
      } else if (feedback.kind === 'complaint') {
        outcome = (await store.suppress(id, 'complaint', now)).outcome;
      } else if (feedback.bounceType === 'Permanent') {
        outcome = (await store.suppress(id, `bounce:${(feedback.bounceSubType ?? 'Permanent').slice(0, 40)}`, now))
          .outcome;
      } else {
        outcome = (await store.recordSoftBounce(id, threshold, now, feedback.feedbackId)).outcome;
        if (outcome === 'counted') summary.softBounces++;
      }
      if (outcome === 'suppressed') {
        summary.suppressed++;
        if (feedback.dispatchTag !== undefined)
          summary.suppressedByDispatch[feedback.dispatchTag] =
            (summary.suppressedByDispatch[feedback.dispatchTag] ?? 0) + 1;
      }
      if (outcome === 'unknown') summary.unknownRecipients++;
      deps.log.info('ses feedback', {
        kind: feedback.kind,
        ...(feedback.kind === 'bounce' && { bounceType: feedback.bounceType }),
        subscriberId: id,
        outcome,
      });
    }
  }
  if (parsed.malformed > 0) deps.log.warn('ses event not understood', { malformed: parsed.malformed });
  return summary;
}
