import { MessageRejectedError } from '../ports.ts';
import type { SqsEvent } from '../pipeline/dispatch/sqs-event.ts';
import type { BatchResponse } from '../pipeline/dispatch/worker.ts';
import { confirmationEmail } from './confirmation-email.ts';
import { keysOf, storeOf, type SubscriberDeps } from './deps.ts';
import { mailboxOf } from './mailbox.ts';
import { confirmUrl, keyedDigest } from './tokens.ts';
import { COUNTER_MARK, countInWindow, windowStart } from './window-counter.ts';

/** One inbox gets at most this many confirmation emails a (UTC) day, however many addresses spell it. */
export const CONFIRMATIONS_PER_MAILBOX_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ConfirmationOutcome = 'sent' | 'nothing-owed' | 'mailbox-full' | 'rejected';

/** The queue message of a subscribe request: the subscriber's id, never the address. */
export function confirmationMessage(subscriberId: string): string {
  return JSON.stringify({ confirm: subscriberId });
}

function subscriberIdOf(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { confirm?: unknown };
    return typeof message.confirm === 'string' && /^[A-Za-z0-9_-]{22}$/.test(message.confirm) ? message.confirm : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the confirmation send a subscriber's record owes, once: the send is taken from the record by a conditional
 * write before the email goes, so a redelivered message, or two deliveries at once, find nothing owed. Then the
 * inbox's day counter must have room. A failure of the mail service gives the send back and throws, so the queue
 * delivers the message again; a crash between taking and sending loses that one email, and the reader's next
 * request after the cooldown asks again: a reader may miss one email, an inbox is never flooded.
 */
export async function deliverOwedConfirmation(deps: SubscriberDeps, id: string): Promise<ConfirmationOutcome> {
  const store = storeOf(deps);
  const now = deps.clock.now();
  const { outcome, subscriber } = await store.takeConfirmation(id, now);
  if (outcome === 'nothing-owed' || !subscriber) return 'nothing-owed';
  const keys = keysOf(deps);
  const day = windowStart(now, DAY_MS);
  const counter = ['quota', 'mailbox', keyedDigest(keys, 'mailbox', mailboxOf(subscriber.email)), day].join(COUNTER_MARK);
  if ((await countInWindow(deps.subscribers, counter, new Date(day + 2 * DAY_MS))) > CONFIRMATIONS_PER_MAILBOX_PER_DAY) {
    deps.log.warn('confirmation withheld: the inbox had its confirmations for today', { subscriberId: id });
    return 'mailbox-full';
  }
  const link = confirmUrl(deps.config, keys, id, now);
  const email = confirmationEmail(deps.config, subscriber.email, link, deps.configurationSet, subscriber.language);
  try {
    const { messageId } = await deps.mailer.send(email);
    deps.log.info('confirmation sent', { subscriberId: id, messageId });
    return 'sent';
  } catch (err) {
    // A rejected address is like any other to the reader; it is only logged.
    if (err instanceof MessageRejectedError) {
      deps.log.warn('confirmation rejected', { subscriberId: id, error: err });
      return 'rejected';
    }
    await store.returnConfirmation(id, deps.clock.now());
    throw err;
  }
}

/** The confirmation sender: queued subscribe requests → the confirmation emails their records owe. */
export async function sendOwedConfirmations(deps: SubscriberDeps, event: SqsEvent): Promise<BatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      const id = subscriberIdOf(record.body);
      if (id === undefined) {
        deps.log.error('not a confirmation message; dropped', { messageId: record.messageId });
        return;
      }
      try {
        await deliverOwedConfirmation(deps, id);
      } catch (err) {
        deps.log.warn('confirmation not sent; it comes back', { subscriberId: id, error: err });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
