import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { EVENT_ID_HEADER, isWebhookMessage, SIGNATURE_HEADER, webhookKey, webhookSignature } from '../../partners/webhooks.ts';
import type { Clock, HttpPoster } from '../../ports.ts';
import type { SqsEvent } from '../dispatch/sqs-event.ts';
import type { BatchResponse } from '../dispatch/worker.ts';

export interface WebhookDeps {
  config: Config;
  /** The partner secret each partner's signing key is derived from. */
  partnerSecret: string;
  poster: HttpPoster;
  clock: Clock;
  log: Logger;
}

/**
 * Delivers each queued webhook: a signed POST of the ninjs item to the partner's webhook. A non-2xx answer or no
 * answer names the message in `batchItemFailures`, so SQS delivers it again after its visibility timeout, and
 * parks it in the dead-letter queue after the redrive policy's receives. A message for a partner that no longer
 * has a webhook is dropped.
 */
export async function deliverWebhooks(deps: WebhookDeps, event: SqsEvent): Promise<BatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      let message: unknown;
      try {
        message = JSON.parse(record.body);
      } catch {
        message = undefined;
      }
      if (!isWebhookMessage(message)) {
        deps.log.error('not a webhook message; dropped', { messageId: record.messageId });
        return;
      }
      // The publish stage names the webhook (its partners may come from the partner registry, which this never reads).
      const webhook = message.webhook ?? deps.config.partners.find((p) => p.id === message.partner)?.webhook;
      if (!webhook) {
        deps.log.warn('the partner has no webhook now; dropped', { partner: message.partner, eventId: message.eventId });
        return;
      }
      const partner = { id: message.partner, webhook };
      const headers = {
        'Content-Type': 'application/json',
        [SIGNATURE_HEADER]: webhookSignature(webhookKey(deps.partnerSecret, partner.id), message.body, deps.clock.now()),
        [EVENT_ID_HEADER]: message.eventId,
      };
      const attempt = Number(record.attributes.ApproximateReceiveCount);
      try {
        const { status } = await deps.poster.post(partner.webhook, message.body, headers);
        if (status >= 200 && status < 300) {
          deps.log.info('webhook delivered', { partner: partner.id, eventId: message.eventId, status, attempt });
          return;
        }
        deps.log.warn('webhook refused; it comes back', { partner: partner.id, eventId: message.eventId, status, attempt });
      } catch (err) {
        deps.log.warn('webhook not answered; it comes back', { partner: partner.id, eventId: message.eventId, attempt, error: err });
      }
      failures.push({ itemIdentifier: record.messageId });
    }),
  );
  return { batchItemFailures: failures };
}
