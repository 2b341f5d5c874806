/**
 * Bounce and complaint notifications from SES, in every shape they reach this project: a configuration set's
 * event destination through SNS (`eventType`) or EventBridge (`detail`), and identity notifications through SNS
 * (`notificationType`).
 */

import type { BounceType, SesMessageEvent } from '../pipeline/dispatch/ses-message-event.ts';

export type { BounceType, SesMessageEvent };

export type SesFeedback = (
  | { kind: 'bounce'; bounceType: BounceType; bounceSubType?: string; recipients: string[]; feedbackId?: string }
  | { kind: 'complaint'; recipients: string[]; feedbackType?: string; feedbackId?: string }
  | { kind: 'other'; eventType: string }
) & {
  /** The `dispatch` tag of the message (a dispatch's SES tag), when it was sent by a dispatch. */
  dispatchTag?: string;
};

export interface ParsedSesEvent {
  feedback: SesFeedback[];
  /** Every event with a message id, for the dispatch figures. */
  events: SesMessageEvent[];
  /** Messages that were not JSON or not an SES notification. */
  malformed: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function parseSesEvent(event: unknown): ParsedSesEvent {
  const out: ParsedSesEvent = { feedback: [], events: [], malformed: 0 };
  collect(event, out, 0);
  return out;
}

function collect(value: unknown, out: ParsedSesEvent, depth: number): void {
  if (depth > 4) {
    out.malformed++;
    return;
  }
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      out.malformed++;
      return;
    }
    collect(parsed, out, depth + 1);
    return;
  }
  if (!isObject(value)) {
    out.malformed++;
    return;
  }
  // A Lambda SNS or SQS event, one SNS record, one SQS record (its body an EventBridge event), or an SNS HTTP notification.
  if (Array.isArray(value.Records)) {
    for (const record of value.Records) collect(record, out, depth + 1);
    return;
  }
  if (value.eventSource === 'aws:sqs' && typeof value.body === 'string') {
    collect(value.body, out, depth + 1);
    return;
  }
  if (isObject(value.Sns)) {
    collect(value.Sns.Message, out, depth + 1);
    return;
  }
  if (value.Type === 'Notification' && 'Message' in value) {
    collect(value.Message, out, depth + 1);
    return;
  }
  // An EventBridge event from SES.
  if (isObject(value.detail) && (value.source === 'aws.ses' || 'detail-type' in value)) {
    collect(value.detail, out, depth + 1);
    return;
  }
  const eventType = text(value.eventType) ?? text(value.notificationType);
  if (eventType === undefined) {
    out.malformed++;
    return;
  }
  const feedback = feedbackOf(eventType, value);
  const mail = isObject(value.mail) ? value.mail : {};
  const dispatchTag = firstTag(mail.tags, 'dispatch');
  out.feedback.push(dispatchTag === undefined ? feedback : { ...feedback, dispatchTag });
  const messageId = text(mail.messageId);
  if (messageId !== undefined) {
    out.events.push({
      eventType,
      messageId,
      ...(dispatchTag !== undefined && { dispatchTag }),
      ...(feedback.kind === 'bounce' && {
        bounceType: feedback.bounceType,
        ...(feedback.bounceSubType !== undefined && { bounceSubType: feedback.bounceSubType }),
      }),
      ...(machineMade(value) && { machine: true }),
    });
  }
}

/** SES gives tags as `{ name: [value] }`. */
function firstTag(tags: unknown, name: string): string | undefined {
  if (!isObject(tags)) return undefined;
  const values = tags[name];
  return Array.isArray(values) ? text(values[0]) : text(values);
}

/**
 * Whether SES says an open or click was machine-generated (security scanners, link prefetchers). SES marks these in
 * the event's `open` or `click` object; the flag's spellings seen in its notifications are all accepted.
 */
function machineMade(value: Json): boolean {
  const detail = isObject(value.open) ? value.open : isObject(value.click) ? value.click : undefined;
  if (!detail) return false;
  return ['machineGenerated', 'isMachineGenerated', 'automated', 'isAutomated'].some(
    (flag) => detail[flag] === true || detail[flag] === 'true',
  );
}

function feedbackOf(eventType: string, value: Json): SesFeedback {
  if (eventType === 'Bounce' && isObject(value.bounce)) {
    const bounce = value.bounce;
    const type = text(bounce.bounceType);
    return {
      kind: 'bounce',
      bounceType: type === 'Permanent' || type === 'Transient' ? type : 'Undetermined',
      ...(text(bounce.bounceSubType) !== undefined && { bounceSubType: text(bounce.bounceSubType) }),
      recipients: recipients(bounce.bouncedRecipients),
      ...(text(bounce.feedbackId) !== undefined && { feedbackId: text(bounce.feedbackId) }),
    };
  }
  if (eventType === 'Complaint' && isObject(value.complaint)) {
    const complaint = value.complaint;
    return {
      kind: 'complaint',
      recipients: recipients(complaint.complainedRecipients),
      ...(text(complaint.complaintFeedbackType) !== undefined && {
        feedbackType: text(complaint.complaintFeedbackType),
      }),
      ...(text(complaint.feedbackId) !== undefined && { feedbackId: text(complaint.feedbackId) }),
    };
  }
  return { kind: 'other', eventType };
}

/** Recipient addresses; SES sometimes gives `"Name" <address>`. */
function recipients(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((r) => (isObject(r) ? text(r.emailAddress) : undefined))
    .filter((a): a is string => a !== undefined)
    .map((a) => /<([^<>]+)>\s*$/.exec(a)?.[1] ?? a);
}
