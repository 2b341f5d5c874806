import { processPartialResponse, type BatchResponse, type QueueRecord } from '../batch.ts';
import { MessageRejectedError, type OutgoingEmail } from '../ports.ts';
import { confirmationEmail } from './confirmation-email.ts';
import { keysOf, storeOf, type SubscriberDeps } from './deps.ts';
import { mailboxDigest } from './mailbox.ts';
import { confirmUrl, unsubscribeUrl } from './tokens.ts';
import { welcomeEmail } from './welcome-email.ts';
import { COUNTER_MARK, countInWindow, windowStart } from './window-counter.ts';

/** One inbox gets at most this many confirmation emails a (UTC) day, however many addresses spell it. */
export const CONFIRMATIONS_PER_MAILBOX_PER_DAY = 3;
/**
 * All inboxes together get at most this many confirmation emails a (UTC) day: a burst of many addresses cannot turn
 * the form into a mailer (nor spend the sending reputation). Past it, confirmations are withheld until the next day.
 */
export const CONFIRMATIONS_PER_DAY = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ConfirmationOutcome =
  | 'sent'
  | 'nothing-owed'
  | 'mailbox-suppressed'
  | 'mailbox-full'
  | 'day-full'
  | 'rejected';

/** The id of the day's counter of confirmation sends as a whole (`day`: the UTC day's start, epoch ms). */
export function confirmationsOfDayCounterId(day: number): string {
  return ['quota', 'confirmations', day].join(COUNTER_MARK);
}

/** The queue message of a subscribe request: the subscriber's id, never the address. */
export function confirmationMessage(subscriberId: string): string {
  return JSON.stringify({ confirm: subscriberId });
}

/** The queue message of a confirmation that owes a welcome. */
export function welcomeMessage(subscriberId: string): string {
  return JSON.stringify({ welcome: subscriberId });
}

type OwedMail = { kind: 'confirm' | 'welcome'; id: string };

function owedMailOf(body: string): OwedMail | undefined {
  try {
    const message = JSON.parse(body) as Record<string, unknown>;
    for (const kind of ['confirm', 'welcome'] as const) {
      const id = message[kind];
      if (typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id)) return { kind, id };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends the welcome a confirmation owes, once, taken from the record as a confirmation send is. It names the
 * reader's topics and carries the preference link (and List-Unsubscribe), as every editorial's email does.
 */
export async function deliverOwedWelcome(
  deps: SubscriberDeps,
  id: string,
): Promise<'sent' | 'nothing-owed' | 'rejected'> {
  const store = storeOf(deps);
  const { outcome, subscriber } = await store.takeWelcome(id, deps.clock.now());
  if (outcome === 'nothing-owed' || !subscriber) return 'nothing-owed';
  const email = welcomeEmail(
    deps.config,
    subscriber,
    unsubscribeUrl(deps.config, keysOf(deps), id, subscriber.linkNonce),
    deps.configurationSet,
  );
  return sendTaken(deps, 'welcome', id, email, () => store.returnWelcome(id, deps.clock.now()));
}

/**
 * Sends an email taken from a subscriber's record. A rejected address is like any other to the reader: it is only
 * logged. Any other failure gives the send back to the record and throws, so the queue delivers the message again.
 */
export async function sendTaken(
  deps: SubscriberDeps,
  kind: 'confirmation' | 'welcome',
  id: string,
  email: OutgoingEmail,
  giveBack: () => Promise<void>,
): Promise<'sent' | 'rejected'> {
  try {
    const { messageId } = await deps.mailer.send(email);
    deps.log.info(`${kind} sent`, { subscriberId: id, messageId });
    return 'sent';
  } catch (err) {
    if (err instanceof MessageRejectedError) {
      deps.log.warn(`${kind} rejected`, { subscriberId: id, error: err });
      return 'rejected';
    }
    await giveBack();
    throw err;
  }
}

/**
 * Makes the confirmation send a subscriber's record owes, once: the send is taken from the record by a conditional
 * write before the email goes, so a redelivered message, or two deliveries at once, find nothing owed. Then the
 * inbox must not be suppressed (a spelling of it bounced or complained), the inbox's day counter must have room, and
 * so must the day's counter of all confirmations; a send withheld is only logged. A failure of the mail service gives the send back and throws, so the queue
 * delivers the message again; a crash between taking and sending loses that one email, and the reader's next
 * request after the cooldown asks again: a reader may miss one email, an inbox is never flooded.
 */
export async function deliverOwedConfirmation(deps: SubscriberDeps, id: string): Promise<ConfirmationOutcome> {
  const store = storeOf(deps);
  const now = deps.clock.now();
  const { outcome, subscriber } = await store.takeConfirmation(id, now);
  if (outcome === 'nothing-owed' || !subscriber) return 'nothing-owed';
  const keys = keysOf(deps);
  if (await store.mailboxSuppressed(subscriber.email)) {
    deps.log.warn('confirmation withheld: the inbox is suppressed (a bounce or a complaint)', { subscriberId: id });
    return 'mailbox-suppressed';
  }
  const day = windowStart(now, DAY_MS);
  const dayEnds = new Date(day + 2 * DAY_MS);
  const counter = ['quota', 'mailbox', mailboxDigest(keys, subscriber.email), day].join(COUNTER_MARK);
  if ((await countInWindow(deps.subscribers, counter, dayEnds)) > CONFIRMATIONS_PER_MAILBOX_PER_DAY) {
    deps.log.warn('confirmation withheld: the inbox had its confirmations for today', { subscriberId: id });
    return 'mailbox-full';
  }
  const all = await countInWindow(deps.subscribers, confirmationsOfDayCounterId(day), dayEnds);
  if (all > CONFIRMATIONS_PER_DAY) {
    deps.log.warn('confirmation withheld: confirmations had their ceiling for today', {
      subscriberId: id,
      ceiling: CONFIRMATIONS_PER_DAY,
    });
    if (all === CONFIRMATIONS_PER_DAY + 1)
      deps.log.error('confirmation ceiling reached for today', { ceiling: CONFIRMATIONS_PER_DAY });
    return 'day-full';
  }
  const link = confirmUrl(deps.config, keys, id, now, subscriber.linkNonce);
  const email = confirmationEmail(deps.config, subscriber.email, link, deps.configurationSet, subscriber.language);
  return sendTaken(deps, 'confirmation', id, email, () => store.returnConfirmation(id, deps.clock.now()));
}

/** The confirmation sender: queued subscribe requests → the confirmation emails their records owe. Each record
 * stands alone (its own subscriber), so the batch is sent at once. */
export function sendOwedConfirmations(deps: SubscriberDeps, records: QueueRecord[]): Promise<BatchResponse> {
  return processPartialResponse(
    records,
    async (record) => {
      const owed = owedMailOf(record.body);
      if (owed === undefined) deps.log.error('not a confirmation message; dropped', { messageId: record.messageId });
      else await (owed.kind === 'welcome' ? deliverOwedWelcome(deps, owed.id) : deliverOwedConfirmation(deps, owed.id));
    },
    {
      order: 'parallel',
      onError: (record, err) => {
        const owed = owedMailOf(record.body);
        deps.log.warn(`${owed?.kind === 'welcome' ? 'welcome' : 'confirmation'} not sent; it comes back`, {
          subscriberId: owed?.id,
          error: err,
        });
      },
    },
  );
}
