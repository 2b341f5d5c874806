import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';

/*
 * What aws-ses-v2-local lacks: event publishing and the mailbox simulator. It stores every message it accepts and
 * publishes nothing, so a local run would never see a delivery, a bounce or a complaint. This decorator stands in
 * for a configuration set's EventBridge event destination: after the emulator accepts a message sent with the
 * configuration set, it hands over the events SES would publish for that recipient, in SES's own shape, and the
 * mailbox simulator's addresses decide which (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html).
 * Nothing else of SES is imitated: no delays, no soft bounces, no opens or clicks.
 */

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
/** The emulators' account and region (src/local/emulators.ts). */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export type SimulatedOutcome = 'success' | 'bounce' | 'complaint' | 'suppressionlist' | 'ooto';
export type SesEventType = 'Delivery' | 'Bounce' | 'Complaint';

const DETAIL_TYPE: Record<SesEventType, string> = {
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
};

/** An SES event as EventBridge delivers it from a configuration set's event destination. */
export interface SesEventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    eventType: SesEventType;
    mail: {
      timestamp: string;
      source: string;
      sourceArn: string;
      sendingAccountId: string;
      messageId: string;
      destination: string[];
      headersTruncated: false;
      tags: Record<string, string[]>;
    };
    delivery?: {
      timestamp: string;
      processingTimeMillis: number;
      recipients: string[];
      smtpResponse: string;
      reportingMTA: string;
    };
    bounce?: {
      bounceType: 'Permanent';
      bounceSubType: 'General' | 'OnAccountSuppressionList';
      bouncedRecipients: { emailAddress: string; action: 'failed'; status: string; diagnosticCode: string }[];
      timestamp: string;
      feedbackId: string;
      reportingMTA: string;
    };
    complaint?: {
      complainedRecipients: { emailAddress: string }[];
      timestamp: string;
      feedbackId: string;
      complaintFeedbackType: 'abuse';
      arrivalDate: string;
    };
  };
}

export interface SimulatedEventsOptions {
  /** The configuration set whose event destination is simulated: only messages sent with it get events. */
  configurationSet: string;
  /** Where each event goes, as EventBridge would hand it to its target. */
  deliver: (event: SesEventBridgeEvent) => Promise<void>;
  log: Logger;
  now?: () => Date;
}

export interface SimulatingMailer extends Mailer {
  /** Resolves when every event of the messages accepted so far has been delivered (or its delivery failed). */
  settled(): Promise<void>;
}

/** The mailbox simulator's outcome for an address (`bounce+label@simulator.amazonses.com`, any case), else undefined. */
export function simulatorOutcome(address: string): SimulatedOutcome | undefined {
  const match = /^([^@+]+)(?:\+[^@]*)?@([^@]+)$/.exec(bareAddress(address).trim());
  if (!match || match[2]!.toLowerCase() !== SIMULATOR_DOMAIN) return undefined;
  const local = match[1]!.toLowerCase();
  return (['success', 'bounce', 'complaint', 'suppressionlist', 'ooto'] as const).find((o) => o === local);
}

/** The events SES publishes for one recipient, in order: a Delivery for every address the simulator does not name. */
export function simulatedEventTypes(address: string): SesEventType[] {
  switch (simulatorOutcome(address)) {
    case 'bounce':
    case 'suppressionlist':
      return ['Bounce'];
    case 'complaint':
      return ['Delivery', 'Complaint'];
    default:
      return ['Delivery'];
  }
}

/**
 * The Mailer with SES event publishing: once the inner mailer has accepted a message (and only then), its events
 * are built and handed to `deliver` one after another, after the send has returned; the send is never delayed, and
 * a failed delivery is logged, never thrown back at the sender.
 */
export function withSimulatedEvents(inner: Mailer, options: SimulatedEventsOptions): SimulatingMailer {
  const pending = new Set<Promise<void>>();
  const now = options.now ?? (() => new Date());
  const publish = async (email: OutgoingEmail, messageId: string, sentAt: Date) => {
    // After the send has returned to the worker, as SES's events come after its answer.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const type of simulatedEventTypes(email.to)) {
      const event = sesEvent(type, email, messageId, sentAt, now(), options.configurationSet);
      try {
        await options.deliver(event);
      } catch (err) {
        options.log.error('simulated SES event not delivered', { eventType: type, messageId, error: err });
      }
    }
  };
  return {
    async send(email) {
      const sentAt = now();
      const accepted = await inner.send(email);
      if (email.configurationSet === options.configurationSet) {
        const delivery = publish(email, accepted.messageId, sentAt).finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
      return accepted;
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

/** One event for one recipient of a message, as SES publishes it to EventBridge. */
export function sesEvent(
  type: SesEventType,
  email: OutgoingEmail,
  messageId: string,
  sentAt: Date,
  at: Date,
  configurationSet: string,
): SesEventBridgeEvent {
  const to = bareAddress(email.to);
  const time = at.toISOString();
  const tags: Record<string, string[]> = {
    'ses:configuration-set': [configurationSet],
    'ses:from-domain': [domainOf(bareAddress(email.from))],
  };
  for (const [name, value] of Object.entries(email.tags ?? {})) tags[name] = [value];
  const detail: SesEventBridgeEvent['detail'] = {
    eventType: type,
    mail: {
      timestamp: sentAt.toISOString(),
      source: email.from,
      sourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${domainOf(bareAddress(email.from))}`,
      sendingAccountId: ACCOUNT,
      messageId,
      destination: [email.to],
      headersTruncated: false,
      tags,
    },
  };
  if (type === 'Delivery') {
    detail.delivery = {
      timestamp: time,
      processingTimeMillis: Math.max(0, at.getTime() - sentAt.getTime()),
      recipients: [to],
      smtpResponse: '250 2.6.0 Message received',
      reportingMTA: 'a8-70.smtp-out.amazonses.com',
    };
  } else if (type === 'Bounce') {
    const suppressed = simulatorOutcome(to) === 'suppressionlist';
    detail.bounce = {
      bounceType: 'Permanent',
      bounceSubType: suppressed ? 'OnAccountSuppressionList' : 'General',
      bouncedRecipients: [
        {
          emailAddress: to,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: suppressed
            ? 'Amazon SES did not send the message to this address because it is on the suppression list for your account.'
            : 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: time,
      feedbackId: feedbackId(at),
      reportingMTA: suppressed ? 'dns; amazonses.com' : 'dsn; a8-70.smtp-out.amazonses.com',
    };
  } else {
    detail.complaint = {
      complainedRecipients: [{ emailAddress: to }],
      timestamp: time,
      feedbackId: feedbackId(at),
      complaintFeedbackType: 'abuse',
      arrivalDate: time,
    };
  }
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPE[type],
    source: 'aws.ses',
    account: ACCOUNT,
    time: time.replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${configurationSet}`],
    detail,
  };
}

/** `"Name" <a@b>` → `a@b`. */
function bareAddress(address: string): string {
  return /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** SES feedback ids: a hex time, a UUID and a suffix. */
const feedbackId = (at: Date) => `${at.getTime().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;
