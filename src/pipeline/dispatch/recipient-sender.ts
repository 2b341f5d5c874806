import type { Logger } from '../../log.ts';
import { MessageRejectedError, ThrottledError, type OutgoingEmail } from '../../ports.ts';
// Only the splice and the header helpers: neither loads mjml nor Handlebars (see test/integration/dispatch-units.test.ts).
import { bulkHeaders } from '../../render/email/mime.ts';
import { personalize } from '../../render/email/personalize.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import type { Interruption, Recipient, WorkerDeps } from './deps.ts';
import type { LoadedTemplate } from './dispatch-template.ts';
import type { SendRecord } from './send-record.ts';
import type { ShardMessage } from './shard-message.ts';

const THROTTLE_BACKOFF: BackoffPolicy = { attempts: 6, baseMs: 100, capMs: 5_000 };

/** Sends one recipient, with the throttling retries; a record to keep, or why the shard must stop. */
export class RecipientSender {
  /**
   * `interrupted`: why the shard must stop now, as the worker knows it; asked again after each wait for a token, so
   * a send that waited while the dispatch was stopped never reaches the provider.
   */
  constructor(
    private readonly deps: WorkerDeps,
    private readonly log: Logger,
    private readonly shard: ShardMessage,
    private readonly template: LoadedTemplate,
    private readonly interrupted: () => Interruption | undefined = () => undefined,
  ) {}

  async send(recipient: Recipient): Promise<SendRecord | Interruption | 'throttled' | 'send failed'> {
    const { deps, log } = this;
    const subscriberId = recipient.id;
    const email = composeEmail(deps, this.shard, this.template, recipient);
    const throttle = deps.throttleBackoff ?? THROTTLE_BACKOFF;
    let attempts = 0;
    try {
      const sent = await retry(
        deps.clock,
        throttle,
        async (attempt) => {
          attempts = attempt;
          // Every call takes a token, retries too: a throttled account needs fewer calls, not more.
          await deps.rate.take();
          return this.interrupted() ?? deps.mailer.send(email);
        },
        {
          retryable: (err) => err instanceof ThrottledError,
          onFailure: (attempt) => log.warn('send throttled; backing off', { subscriberId, attempt }),
          ...(deps.random && { random: deps.random }),
        },
      );
      if (typeof sent === 'string') return sent;
      return { subscriberId, status: 'sent', messageId: sent.messageId };
    } catch (err) {
      if (err instanceof ThrottledError) {
        // SES refused every call, so nothing went out: the shard is given back once the rest is recorded.
        log.error('still throttled after retries; shard stops here', { subscriberId, attempts });
        return 'throttled';
      }
      if (err instanceof MessageRejectedError) {
        log.warn('message rejected for this recipient; not retried', { subscriberId, error: err });
        return { subscriberId, status: 'failed', reason: err.message.slice(0, 500) };
      }
      // Unknown outcome (a timeout may hide an accepted send): the lease is kept until it runs out.
      log.error('send failed; the shard lease is left to expire', { subscriberId, error: err });
      return 'send failed';
    }
  }
}

function composeEmail(
  deps: WorkerDeps,
  shard: ShardMessage,
  template: LoadedTemplate,
  recipient: Recipient,
): OutgoingEmail {
  // Bound to the subscription the record holds now: a link from an earlier one no longer works.
  const url = deps.unsubscribeUrl(recipient.id, recipient.nonce);
  const copy = personalize(template, { unsubscribeUrl: url });
  return {
    from: template.from,
    to: recipient.email,
    ...(template.replyTo !== undefined && { replyTo: template.replyTo }),
    subject: template.subject,
    html: copy.html,
    text: copy.text,
    headers: bulkHeaders(deps.config, {
      unsubscribeUrl: url,
      dispatchId: tagValue(shard.dispatchId),
      kind: 'editorial',
    }),
    ...(deps.configurationSet !== undefined && { configurationSet: deps.configurationSet }),
    tags: { dispatch: tagValue(shard.dispatchId), slug: tagValue(shard.slug) },
  };
}

/** SES message tags allow ASCII letters, digits, `_` and `-` only (a correction's dispatch id has a `~`). */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
