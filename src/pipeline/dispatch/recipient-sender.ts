import type { Logger } from '../../log.ts';
import { MessageRejectedError, ThrottledError, type OutgoingEmail } from '../../ports.ts';
// Only the splice and the header helpers: neither loads mjml nor Handlebars (see test/integration/dispatch-units.test.ts).
import { bulkHeaders } from '../../render/email/mime.ts';
import { personalize } from '../../render/email/personalize.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import type { Interruption, Recipient, WorkerDeps } from './deps.ts';
import type { AnyLoadedTemplate } from './dispatch-template.ts';
import { assembleDigest } from '../../render/email/digest-assemble.ts';
import { withoutWithdrawn } from './digest-selection.ts';
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
    private readonly template: AnyLoadedTemplate,
    private readonly interrupted: () => Interruption | undefined = () => undefined,
    /** For a digest: the editorials withdrawn since it was planned, as the worker knows them now. */
    private readonly withdrawn: ReadonlySet<string> = new Set(),
  ) {}

  async send(recipient: Recipient): Promise<SendRecord | Interruption | 'throttled' | 'send failed'> {
    const { deps, log } = this;
    const subscriberId = recipient.id;
    const copy = recipient.digest && {
      ...recipient.digest,
      chosen: withoutWithdrawn(recipient.digest.template, recipient.digest.chosen, this.withdrawn),
    };
    // Every item of this reader's digest was withdrawn while it waited: nothing is left to send them.
    if (copy?.chosen.length === 0) return { subscriberId, status: 'skipped', reason: 'nothing new' };
    const email = composeEmail(deps, this.shard, this.template, { ...recipient, ...(copy && { digest: copy }) });
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
  template: AnyLoadedTemplate,
  recipient: Recipient,
): OutgoingEmail {
  // Bound to the subscription the record holds now: a link from an earlier one no longer works.
  const url = deps.unsubscribeUrl(recipient.id, recipient.nonce);
  const copy =
    template.kind === 'digest'
      ? assembleDigest(digestOf(recipient).template, digestOf(recipient).chosen, url)
      : { subject: template.subject, ...personalize(template, { unsubscribeUrl: url }) };
  return {
    from: template.from,
    to: recipient.email,
    ...(template.replyTo !== undefined && { replyTo: template.replyTo }),
    subject: copy.subject,
    html: copy.html,
    text: copy.text,
    headers: bulkHeaders(deps.config, {
      unsubscribeUrl: url,
      dispatchId: tagValue(shard.dispatchId),
      kind: template.kind,
    }),
    ...(deps.configurationSet !== undefined && { configurationSet: deps.configurationSet }),
    tags: { dispatch: tagValue(shard.dispatchId), slug: tagValue(shard.slug) },
  };
}

function digestOf(recipient: Recipient) {
  // chooseDigestCopies gives every recipient of a digest shard its copy before any is sent.
  if (!recipient.digest) throw new Error(`recipient ${recipient.id} of a digest has no copy chosen`);
  return recipient.digest;
}

/** SES message tags allow ASCII letters, digits, `_` and `-` only (a correction's dispatch id has a `~`). */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
