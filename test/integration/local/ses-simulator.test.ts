import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.ts';
import type { Mailer, OutgoingEmail } from '../../../src/ports.ts';
import {
  simulatedEventTypes,
  simulatorOutcome,
  withSimulatedEvents,
  type SesEventBridgeEvent,
} from '../../../src/local/ses-simulator.ts';
import { parseSesEvent } from '../../../src/subscribers/ses-events.ts';

// No server: the inner mailer is a stub that accepts (or refuses) every message.
const SET = 'broadsheet-local';
const SENT_AT = new Date('2026-06-02T08:00:00.000Z');
const LATER = new Date('2026-06-02T08:00:00.250Z');

const email = (to: string, extra: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: '"Monexus" <news@example.org>',
  to,
  subject: 'A subject',
  html: '<p>Hi</p>',
  text: 'Hi',
  headers: [],
  configurationSet: SET,
  tags: { dispatch: '2026-06-02-grain-corridor_1', slug: '2026-06-02-grain-corridor' },
  ...extra,
});

function harness(options: { failInner?: boolean; failDeliver?: number } = {}) {
  const events: SesEventBridgeEvent[] = [];
  const logged: string[] = [];
  let n = 0;
  let failures = options.failDeliver ?? 0;
  const inner: Mailer = {
    send: async () => {
      if (options.failInner) throw new Error('refused');
      return { messageId: `msg-${++n}` };
    },
  };
  const clock = [SENT_AT, LATER];
  let tick = 0;
  const mailer = withSimulatedEvents(inner, {
    configurationSet: SET,
    deliver: async (event) => {
      if (failures-- > 0) throw new Error('handler down');
      events.push(event);
    },
    log: createLogger({ fn: 'test' }, (line) => logged.push(line)),
    now: () => clock[Math.min(tick++, clock.length - 1)]!,
  });
  return { mailer, events, logged };
}

describe('the SES simulator', () => {
  it('reads the mailbox simulator addresses: any case, with a +label, on simulator.amazonses.com only', () => {
    expect(simulatorOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatorOutcome('Bounce+dispatch-7@Simulator.AmazonSES.com')).toBe('bounce');
    expect(simulatorOutcome('"Test" <complaint+x@simulator.amazonses.com>')).toBe('complaint');
    expect(simulatorOutcome('SUPPRESSIONLIST@simulator.amazonses.com')).toBe('suppressionlist');
    expect(simulatorOutcome('ooto@simulator.amazonses.com')).toBe('ooto');
    expect(simulatorOutcome('success+a+b@simulator.amazonses.com')).toBe('success');
    expect(simulatorOutcome('bounce@example.com')).toBeUndefined();
    expect(simulatorOutcome('nobody@simulator.amazonses.com')).toBeUndefined();
    expect(simulatorOutcome('bounce@simulator.amazonses.com.example.org')).toBeUndefined();
  });

  it('gives each address its sequence of events', () => {
    expect(simulatedEventTypes('success@simulator.amazonses.com')).toEqual(['Delivery']);
    expect(simulatedEventTypes('bounce+1@simulator.amazonses.com')).toEqual(['Bounce']);
    expect(simulatedEventTypes('complaint@simulator.amazonses.com')).toEqual(['Delivery', 'Complaint']);
    expect(simulatedEventTypes('suppressionlist@simulator.amazonses.com')).toEqual(['Bounce']);
    expect(simulatedEventTypes('ooto@simulator.amazonses.com')).toEqual(['Delivery']);
    expect(simulatedEventTypes('ada.reader@example.com')).toEqual(['Delivery']);
  });

  it('publishes a delivery as SES does to EventBridge, with the message tags as arrays', async () => {
    const { mailer, events } = harness();
    const sent = await mailer.send(email('ada.reader@example.com'));
    // The send returns before the event goes out.
    expect(events).toEqual([]);
    await mailer.settled();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Email Delivered',
      source: 'aws.ses',
      account: '123456789012',
      time: '2026-06-02T08:00:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:ses:us-east-1:123456789012:configuration-set/${SET}`],
      detail: {
        eventType: 'Delivery',
        mail: {
          timestamp: SENT_AT.toISOString(),
          source: '"Monexus" <news@example.org>',
          sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.org',
          sendingAccountId: '123456789012',
          messageId: sent.messageId,
          destination: ['ada.reader@example.com'],
          headersTruncated: false,
          tags: {
            'ses:configuration-set': [SET],
            dispatch: ['2026-06-02-grain-corridor_1'],
            slug: ['2026-06-02-grain-corridor'],
          },
        },
        delivery: {
          timestamp: LATER.toISOString(),
          processingTimeMillis: 250,
          recipients: ['ada.reader@example.com'],
          smtpResponse: '250 2.6.0 Message received',
        },
      },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.detail.delivery?.reportingMTA).toBeTruthy();
    expect(event.detail).not.toHaveProperty('bounce');
    // The project's own parser reads it as SES's (more fields may be read from it; these must be).
    expect(parseSesEvent(event)).toMatchObject({ feedback: [{ kind: 'other', eventType: 'Delivery' }], malformed: 0 });
  });

  it('publishes a permanent bounce for bounce@, and one on the account suppression list for suppressionlist@', async () => {
    const { mailer, events } = harness();
    await mailer.send(email('Bounce+label@simulator.amazonses.com'));
    await mailer.send(email('suppressionlist@simulator.amazonses.com'));
    await mailer.settled();
    expect(events.map((e) => [e['detail-type'], e.detail.eventType])).toEqual([
      ['Email Bounced', 'Bounce'],
      ['Email Bounced', 'Bounce'],
    ]);
    const [bounce, suppressed] = events.map((e) => e.detail.bounce!);
    expect(bounce).toMatchObject({
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: 'Bounce+label@simulator.amazonses.com',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: LATER.toISOString(),
    });
    expect(bounce!.feedbackId).toMatch(/-000000$/);
    expect(suppressed).toMatchObject({ bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' });
    expect(parseSesEvent(events[0])).toMatchObject({
      feedback: [
        {
          kind: 'bounce',
          bounceType: 'Permanent',
          bounceSubType: 'General',
          recipients: ['Bounce+label@simulator.amazonses.com'],
          feedbackId: bounce!.feedbackId,
        },
      ],
      malformed: 0,
    });
  });

  it('publishes a delivery, then a complaint, for complaint@', async () => {
    const { mailer, events } = harness();
    const { messageId } = await mailer.send(email('complaint@simulator.amazonses.com'));
    await mailer.settled();
    expect(events.map((e) => e['detail-type'])).toEqual(['Email Delivered', 'Email Complaint Received']);
    expect(events.every((e) => e.detail.mail.messageId === messageId)).toBe(true);
    expect(events[1]!.detail.complaint).toMatchObject({
      complainedRecipients: [{ emailAddress: 'complaint@simulator.amazonses.com' }],
      complaintFeedbackType: 'abuse',
    });
    expect(parseSesEvent(events[1]).feedback).toMatchObject([
      {
        kind: 'complaint',
        recipients: ['complaint@simulator.amazonses.com'],
        feedbackType: 'abuse',
        feedbackId: events[1]!.detail.complaint!.feedbackId,
      },
    ]);
  });

  it('publishes nothing for a message sent without the configuration set, or one the mail service refused', async () => {
    const { mailer, events } = harness();
    const { configurationSet: _, ...plain } = email('bounce@simulator.amazonses.com');
    await mailer.send(plain);
    await mailer.send(email('bounce@simulator.amazonses.com', { configurationSet: 'another-set' }));
    await mailer.settled();
    expect(events).toEqual([]);

    const refused = harness({ failInner: true });
    await expect(refused.mailer.send(email('success@simulator.amazonses.com'))).rejects.toThrow('refused');
    await refused.mailer.settled();
    expect(refused.events).toEqual([]);
  });

  it('never fails a send when the delivery fails: it logs, and goes on with the next event', async () => {
    const { mailer, events, logged } = harness({ failDeliver: 1 });
    await expect(mailer.send(email('complaint@simulator.amazonses.com'))).resolves.toEqual({ messageId: 'msg-1' });
    await mailer.settled();
    expect(events.map((e) => e.detail.eventType)).toEqual(['Complaint']);
    expect(logged.join('\n')).toContain('simulated SES event not delivered');
    // The logs never carry the address.
    expect(logged.join('\n')).not.toContain('simulator.amazonses.com');
  });

  it('settles only once every event has been delivered', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const mailer = withSimulatedEvents(
      { send: async () => ({ messageId: 'm' }) },
      {
        configurationSet: SET,
        deliver: async (event) => {
          await gate;
          events.push(event.detail.eventType);
        },
        log: createLogger({ fn: 'test' }, () => {}),
      },
    );
    await mailer.send(email('complaint@simulator.amazonses.com'));
    let settled = false;
    const waiting = mailer.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(events).toEqual(['Delivery', 'Complaint']);
  });
});
