import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import {
  MessageRejectedError,
  ThrottledError,
  type Clock,
  type KeyValueTable,
  type Mailer,
  type OutgoingEmail,
} from '../../ports.ts';
// Only the splice and the header helpers: neither loads mjml nor Handlebars (see test/dispatch-units.test.ts).
import { unsubscribeHeaders } from '../../render/email/mime.ts';
import { personalize } from '../../render/email/personalize.ts';
import { unsubscribeUrl } from '../../subscribers/tokens.ts';
import { fullJitterMs, withRetries, type BackoffPolicy } from './backoff.ts';
import { TemplateCache, TemplateError, type LoadedTemplate } from './dispatch-template.ts';
import { claimSend, recordFailed, recordSent, releaseClaim } from './send-claim.ts';
import { parseShard, type ShardMessage } from './shard-message.ts';
import type { TokenBucket } from './token-bucket.ts';

/*
 * Exactly once, as far as SES allows.
 *
 * Every send is claimed in the ledger first ('sending', claimedAt, claimId) and recorded 'sent' after SES accepted
 * it, both writes conditional, so duplicate shards (a repeated S3 event, a re-planned dispatch), SQS redelivery and
 * Lambda retries skip what is sent and wait for what another worker holds.
 *
 * One window stays open: a worker that dies (or loses the ledger for longer than its retries) after SES accepted a
 * message and before the ledger says 'sent'. Its claim then looks like that of a worker that died before sending;
 * when the lease runs out the next delivery sends again, and that recipient gets two copies. Closing it would need
 * SES to recognise the second call as the same message: SendEmail has no idempotency key (no client token; the
 * Message-ID is SES's own, assigned on acceptance), and no API answers "was this message already sent to this
 * address?". Resending after the lease is the choice that loses nothing. The window is one SES round trip plus one
 * ledger write wide; a lane claims and sends its next recipient while the previous 'sent' write is still running, so
 * a crash can catch two recipients of a lane in it, not more (the claim a lane took ahead for its next recipient
 * only delays that one until the lease runs out: nothing was sent for it). The lease must stay longer than a live
 * worker can hold one claim (one send with its throttling retries: seconds), or another worker would take over a
 * send still in progress.
 */

export interface WorkerDeps {
  /** The send claims, and the dispatch's template (copied there by the planner). */
  ledger: KeyValueTable;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  rate: TokenBucket;
  config: Config;
  tokenSecret: string;
  configurationSet?: string;
  /** How long a 'sending' claim protects a send before another worker may take it over. Default 10 minutes. */
  leaseMs?: number;
  /** Recipients of one shard sent at the same time (each still takes a token). Default 1. */
  recipientConcurrency?: number;
  /** Retries of one recipient the provider throttled. */
  throttleBackoff?: BackoffPolicy;
  /** Retries of a ledger call that failed (claim, release, 'failed'). */
  ledgerBackoff?: BackoffPolicy;
  /** Retries of the 'sent' write: longer, since giving up on it opens the window described above. */
  recordBackoff?: BackoffPolicy;
  /** Milliseconds left in this invocation (Lambda's getRemainingTimeInMillis): a shard stops in time and comes back. */
  remainingMs?: () => number;
  random?: () => number;
  templates?: TemplateCache;
}

/** An SQS record as the worker needs it. */
export interface ShardRecord {
  messageId: string;
  body: string;
  receiveCount: number;
}

/** The SQS partial batch response: the records to deliver again; all others are deleted. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export const DEFAULT_LEASE_MS = 10 * 60_000;
const THROTTLE_BACKOFF: BackoffPolicy = { attempts: 6, baseMs: 100, capMs: 5_000 };
const LEDGER_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 50, capMs: 1_000 };
const RECORD_BACKOFF: BackoffPolicy = { attempts: 8, baseMs: 50, capMs: 2_000 };
/** A lane goes on to the next recipient while this many 'sent' writes are still running (see the window above). */
const MAX_UNRECORDED = 1;
/** Stop taking recipients when less than this is left of the invocation. */
const TIME_RESERVE_MS = 10_000;

const containerTemplates = new TemplateCache();

type Outcome = 'sent' | 'skipped' | 'rejected' | 'busy' | 'stop';

/** Sends every shard of the batch; the partial batch response names the shards that must come back. */
export async function processShards(deps: WorkerDeps, messages: ShardRecord[]): Promise<BatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const message of messages) {
    const ok = await processShard(deps, message).catch((err: unknown) => {
      deps.log.error('shard failed; it will be delivered again', { messageId: message.messageId, receiveCount: message.receiveCount, error: err });
      return false;
    });
    if (!ok) batchItemFailures.push({ itemIdentifier: message.messageId });
  }
  return { batchItemFailures };
}

async function processShard(deps: WorkerDeps, message: ShardRecord): Promise<boolean> {
  let shard: ShardMessage;
  try {
    shard = parseShard(message.body);
  } catch (err) {
    // It can never succeed: failing it every time lets the queue's redrive policy park it in the dead-letter queue.
    deps.log.error('malformed dispatch message', { messageId: message.messageId, receiveCount: message.receiveCount, error: err });
    return false;
  }
  const log = deps.log.child({ dispatchId: shard.dispatchId, shard: shard.shard, messageId: message.messageId });
  let template: LoadedTemplate;
  try {
    template = await (deps.templates ?? containerTemplates).get(deps.ledger, shard.dispatchId);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    log.error('dispatch template missing or unusable; shard fails and will be delivered again', { receiveCount: message.receiveCount, error: err });
    return false;
  }
  const steps = new RecipientSteps(deps, log, shard, template);

  const counts: Record<Outcome, number> = { sent: 0, skipped: 0, rejected: 0, busy: 0, stop: 0 };
  let next = 0;
  let stopped = false;
  const count = (outcome: Outcome) => {
    counts[outcome] += 1;
    if (outcome === 'stop') stopped = true;
  };
  const unrecorded = new Set<Promise<void>>();
  const outOfTime = () => {
    if (!deps.remainingMs || deps.remainingMs() >= TIME_RESERVE_MS) return false;
    if (!stopped) log.warn('invocation nearly out of time; the rest of the shard comes back', { left: shard.recipients.length - next });
    stopped = true;
    counts.stop += 1;
    return true;
  };
  const take = () => {
    if (stopped || next >= shard.recipients.length) return undefined;
    const recipient = shard.recipients[next++]!;
    return { recipient, claim: steps.claim(recipient) };
  };

  // Each lane claims its next recipient while it sends the current one, and records a send while it claims and sends
  // the next: the ledger's round trips overlap the provider's instead of adding to them.
  const lane = async () => {
    let upcoming = take();
    while (upcoming) {
      const current = upcoming;
      const claim = await current.claim;
      if (stopped || outOfTime()) {
        await steps.release(current.recipient, claim);
        break;
      }
      if (typeof claim === 'string') {
        count(claim);
        upcoming = take();
        continue;
      }
      upcoming = take();
      const result = await steps.send(current.recipient, claim);
      if (typeof result === 'string') {
        count(result);
        continue;
      }
      const recording = result.recorded.then(count);
      unrecorded.add(recording);
      void recording.finally(() => unrecorded.delete(recording));
      if (unrecorded.size > MAX_UNRECORDED) await Promise.race(unrecorded);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.recipientConcurrency ?? 1) }, lane));
  while (unrecorded.size > 0) await Promise.all(unrecorded);

  const done = counts.busy === 0 && counts.stop === 0;
  log[done ? 'info' : 'warn'](done ? 'shard sent' : 'shard unfinished; it will be delivered again', {
    receiveCount: message.receiveCount,
    recipients: shard.recipients.length,
    ...counts,
  });
  return done;
}

type Claimed = { claimId: string };

/** The steps of one recipient: claim, send, record. */
class RecipientSteps {
  private readonly random: () => number;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly log: Logger,
    private readonly shard: ShardMessage,
    private readonly template: LoadedTemplate,
  ) {
    this.random = deps.random ?? Math.random;
  }

  private ledgerCall<T>(op: string, subscriberId: string, call: () => Promise<T>, policy = this.deps.ledgerBackoff ?? LEDGER_BACKOFF) {
    return withRetries(call, policy, this.deps.clock, (err, attempt) => this.log.warn('ledger call failed', { op, attempt, subscriberId, error: err }), this.random);
  }

  /** The claim, or why there is nothing to send: 'skipped' (done before), 'busy' (another worker has it), 'stop'. */
  async claim(recipient: { id: string }): Promise<Claimed | 'skipped' | 'busy' | 'stop'> {
    const { deps, shard } = this;
    const claimId = randomUUID();
    try {
      const claim = await this.ledgerCall('claim', recipient.id, () =>
        claimSend(deps.ledger, deps.clock, deps.leaseMs ?? DEFAULT_LEASE_MS, shard.dispatchId, recipient.id, claimId),
      );
      if (claim.kind === 'done') return 'skipped';
      if (claim.kind === 'busy') return 'busy';
      if (claim.reclaimedFrom) this.log.warn('took over an expired claim; sending', { subscriberId: recipient.id, claimedAt: claim.reclaimedFrom });
      return { claimId };
    } catch {
      this.log.error('ledger unavailable; shard stops here', { subscriberId: recipient.id });
      return 'stop';
    }
  }

  /** Gives back a claim taken ahead that will not be sent now (the shard stopped): nothing went out for it. */
  async release(recipient: { id: string }, claim: Claimed | string): Promise<void> {
    if (typeof claim === 'string') return;
    await this.ledgerCall('release', recipient.id, () => releaseClaim(this.deps.ledger, this.shard.dispatchId, recipient.id, claim.claimId)).catch(() =>
      this.log.warn('could not release the claim; it frees itself when the lease runs out', { subscriberId: recipient.id }),
    );
  }

  /** Sends under the claim; the 'sent' write is returned still running. */
  async send(recipient: { id: string; email: string }, claim: Claimed): Promise<Outcome | { recorded: Promise<Outcome> }> {
    const { deps, shard, log } = this;
    const subscriberId = recipient.id;
    const email = composeEmail(deps, shard, this.template, recipient);
    const throttle = deps.throttleBackoff ?? THROTTLE_BACKOFF;
    let messageId: string;
    for (let attempt = 1; ; attempt++) {
      await deps.rate.take();
      try {
        ({ messageId } = await deps.mailer.send(email));
        break;
      } catch (err) {
        if (err instanceof ThrottledError) {
          log.warn('send throttled; backing off', { subscriberId, attempt });
          if (attempt < throttle.attempts) {
            await deps.clock.sleep(fullJitterMs(attempt - 1, throttle, this.random));
            continue;
          }
          // SES refused every call, so nothing went out: free the claim for the next delivery of this shard.
          await this.release(recipient, claim);
          log.error('still throttled after retries; shard stops here', { subscriberId, attempts: attempt });
          return 'stop';
        }
        if (err instanceof MessageRejectedError) {
          log.warn('message rejected for this recipient; not retried', { subscriberId, error: err });
          try {
            await this.ledgerCall('failed', subscriberId, () => recordFailed(deps.ledger, deps.clock, shard.dispatchId, subscriberId, claim.claimId, err.message));
            return 'rejected';
          } catch {
            return 'stop';
          }
        }
        // Unknown outcome (a timeout may hide an accepted send): the claim stays until its lease runs out.
        log.error('send failed; the claim is left to expire', { subscriberId, error: err });
        return 'stop';
      }
    }

    const recorded = this.ledgerCall(
      'sent',
      subscriberId,
      () => recordSent(deps.ledger, deps.clock, shard.dispatchId, subscriberId, claim.claimId, messageId),
      deps.recordBackoff ?? RECORD_BACKOFF,
    ).then(
      (item): Outcome => {
        if (!item) log.warn('claim was taken over before the send was recorded', { subscriberId, messageId });
        return 'sent';
      },
      (): Outcome => {
        log.error('sent but not recorded: a redelivery after the lease would send again', { subscriberId, messageId });
        return 'stop';
      },
    );
    return { recorded };
  }
}

function composeEmail(
  deps: WorkerDeps,
  shard: ShardMessage,
  template: LoadedTemplate,
  recipient: { id: string; email: string },
): OutgoingEmail {
  const url = unsubscribeUrl(deps.config, deps.tokenSecret, recipient.id);
  const copy = personalize(template, { unsubscribeUrl: url });
  return {
    from: template.from,
    to: recipient.email,
    ...(template.replyTo !== undefined && { replyTo: template.replyTo }),
    subject: template.subject,
    html: copy.html,
    text: copy.text,
    headers: unsubscribeHeaders(deps.config, url),
    ...(deps.configurationSet !== undefined && { configurationSet: deps.configurationSet }),
    tags: { dispatch: tagValue(shard.dispatchId), slug: tagValue(shard.slug) },
  };
}

/** SES message tags allow ASCII letters, digits, `_` and `-` only (a correction's dispatch id has a `~`). */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
