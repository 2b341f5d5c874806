import { OutboundRefusedError, outboundUrlProblem } from '../../address-policy.ts';
import { processPartialResponse, type BatchResponse, type QueueRecord } from '../../batch.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import {
  EVENT_ID_HEADER,
  isWebhookMessage,
  SIGNATURE_HEADER,
  webhookKey,
  webhookSignature,
} from '../../partners/webhooks.ts';
import { webhookOutcome, webhookRecordItem, type WebhookRecord } from '../../partners/webhook-records.ts';
import type { Clock, HttpPoster, KeyValueTable } from '../../ports.ts';

export interface WebhookDeps {
  config: Config;
  /** The key each partner's signing key is derived from: the stack's webhook secret (a local run: the partner secret). */
  webhookSecret: string;
  poster: HttpPoster;
  clock: Clock;
  log: Logger;
  /** Where each attempt's outcome is recorded for the pickup report (the send ledger); none: not recorded. */
  records?: KeyValueTable;
  /** The webhook queue's receives before a message is parked: the attempt that is dead-lettered. Default 5. */
  maxReceiveCount?: number;
}

/** As the stack's webhook queue has it (infra/constructs/partner-webhook-stage.ts). */
export const WEBHOOK_MAX_RECEIVE_COUNT = 5;

/**
 * Delivers each queued webhook: a signed POST of the ninjs item to the partner's webhook. A non-2xx answer or no
 * answer names the message in `batchItemFailures`, so SQS delivers it again after its visibility timeout, and
 * parks it in the dead-letter queue after the redrive policy's receives. A message for a partner that no longer
 * has a webhook is dropped. The URL is checked again before every POST (the configuration or the partner registry
 * may have changed since it was checked): one that is not https to a public host is not posted to, and comes back
 * (it ends in the dead-letter queue unless fixed). The poster checks it too, with the addresses its name resolves to.
 */
export function deliverWebhooks(deps: WebhookDeps, records: QueueRecord[]): Promise<BatchResponse> {
  // Each delivery stands alone (its own partner, its own POST): all of the batch at once.
  return processPartialResponse(records, (record) => deliverWebhook(deps, record), {
    order: 'parallel',
    // deliverWebhook catches what it expects; anything else still sends the message back, and says so.
    onError: (record, err) =>
      deps.log.error('webhook delivery failed; it comes back', { messageId: record.messageId, error: err }),
  });
}

/** One queued webhook: false when it must come back (already logged), true when delivered or dropped. */
async function deliverWebhook(deps: WebhookDeps, record: QueueRecord): Promise<boolean> {
  let message: unknown;
  try {
    message = JSON.parse(record.body);
  } catch {
    message = undefined;
  }
  if (!isWebhookMessage(message)) {
    deps.log.error('not a webhook message; dropped', { messageId: record.messageId });
    return true;
  }
  // The publish stage names the webhook (its partners may come from the partner registry, which this never reads).
  const webhook = message.webhook ?? deps.config.partners.find((p) => p.id === message.partner)?.webhook;
  if (!webhook) {
    deps.log.warn('the partner has no webhook now; dropped', { partner: message.partner, eventId: message.eventId });
    return true;
  }
  const configured = deps.config.partners.find((p) => p.id === message.partner);
  const partner = { id: message.partner, webhook, rotation: message.rotation ?? configured?.rotation ?? 0 };
  const attempt = record.receiveCount;
  const outcome = (delivered: boolean, answer: { status?: number; error?: string }) =>
    recordOutcome(deps, {
      partner: partner.id,
      eventId: message.eventId,
      at: deps.clock.now(),
      outcome: webhookOutcome(delivered, attempt, deps.maxReceiveCount ?? WEBHOOK_MAX_RECEIVE_COUNT),
      attempt,
      ...answer,
    });
  // Plain http to this machine passes here (a local run); the poster refuses it unless it was built for one.
  const problem = outboundUrlProblem(webhook, { allowLocal: true });
  if (problem) {
    deps.log.error('webhook URL refused; not posted, it comes back', {
      partner: partner.id,
      eventId: message.eventId,
      problem: `the webhook URL ${problem}`,
    });
    await outcome(false, { error: `the webhook URL ${problem}` });
    return false;
  }
  const headers = {
    'Content-Type': 'application/json',
    [SIGNATURE_HEADER]: webhookSignature(
      webhookKey(deps.webhookSecret, partner.id, partner.rotation),
      message,
      deps.clock.now(),
    ),
    [EVENT_ID_HEADER]: message.eventId,
  };
  try {
    const { status } = await deps.poster.post(partner.webhook, message.body, headers);
    if (status >= 200 && status < 300) {
      deps.log.info('webhook delivered', { partner: partner.id, eventId: message.eventId, status, attempt });
      await outcome(true, { status });
      return true;
    }
    deps.log.warn('webhook refused; it comes back', { partner: partner.id, eventId: message.eventId, status, attempt });
    await outcome(false, { status });
  } catch (err) {
    await outcome(false, { error: err instanceof Error ? err.message : String(err) });
    if (err instanceof OutboundRefusedError)
      deps.log.error('webhook URL refused; not posted, it comes back', {
        partner: partner.id,
        eventId: message.eventId,
        attempt,
        error: err,
      });
    else
      deps.log.warn('webhook not answered; it comes back', {
        partner: partner.id,
        eventId: message.eventId,
        attempt,
        error: err,
      });
  }
  return false;
}

/** Records one attempt's outcome. A record that cannot be written is logged and changes nothing of the delivery: the
 * report then lacks that attempt, and the receiver's answer still decides whether the message comes back. */
async function recordOutcome(deps: WebhookDeps, record: WebhookRecord): Promise<void> {
  if (!deps.records) return;
  try {
    await deps.records.put(webhookRecordItem(record));
  } catch (err) {
    deps.log.warn('webhook outcome not recorded', { partner: record.partner, eventId: record.eventId, error: err });
  }
}
