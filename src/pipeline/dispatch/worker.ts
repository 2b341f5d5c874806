import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import {
  MessageRejectedError,
  ThrottledError,
  type Clock,
  type ItemKey,
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
import { sendKey, shardLeaseKey, type SendStatus } from './ledger-keys.ts';
import { claimLease, finishLease, releaseLease, renewLease } from './shard-lease.ts';
import { parseShard, type ShardMessage } from './shard-message.ts';
import type { TokenBucket } from './token-bucket.ts';

/*
 * Exactly once, as far as SES allows.
 *
 * A worker takes the shard's lease in the ledger before it sends any of it ('sending', claimedAt, claimId), so
 * duplicate shards (a repeated S3 event, a re-planned dispatch: the planner never puts a subscriber in two shards),
 * SQS redelivery and Lambda retries wait while a live worker holds it and skip the shard once it is done. Each
 * accepted send is recorded as a 'sent' item per (dispatch, subscriber); a worker that takes a shard over reads those
 * first and sends only what is not recorded.
 *
 * Records are written by group commit: one batch write in flight at a time, carrying every send accepted since the
 * previous one began; a short batch waits up to recordLingerMs (50 ms) for company, or until it is full. So the
 * ledger costs a fraction of a call per recipient instead of a round trip (or two) each.
 *
 * One window stays open: a worker that dies (or loses the ledger for longer than its retries) after SES accepted
 * messages and before their records were written. When the lease runs out the next delivery sends those again, and
 * their recipients get two copies. Closing it would need SES to recognise the second call as the same message:
 * SendEmail has no idempotency key (no client token; the Message-ID is SES's own, assigned on acceptance), and no API
 * answers "was this message already sent to this address?". Resending after the lease is the choice that loses
 * nothing. The window holds the sends accepted during one linger and one record write, and never more than
 * MAX_UNRECORDED per worker: lanes wait before sending while that many are under way or unrecorded. The lease is renewed while
 * the worker sends, so a slow shard (a low send rate) is not taken over by a second worker.
 */

export interface WorkerDeps {
  /** The shard leases and send records, and the dispatch's template (copied there by the planner). */
  ledger: KeyValueTable;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  rate: TokenBucket;
  config: Config;
  tokenSecret: string;
  configurationSet?: string;
  /** How long a shard lease protects a shard after its last renewal before another worker may take it over.
   * Default 10 minutes. */
  leaseMs?: number;
  /** Recipients of one shard sent at the same time (each still takes a token). Default 1. */
  recipientConcurrency?: number;
  /** Retries of one recipient the provider throttled. */
  throttleBackoff?: BackoffPolicy;
  /** Retries of a ledger call that failed (lease, reading the records). */
  ledgerBackoff?: BackoffPolicy;
  /** How long a record may wait for others to share its write (fewer ledger calls, a wider window). Default 50. */
  recordLingerMs?: number;
  /** Retries of a record write: longer, since giving up on it opens the window described above. */
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
/** Sends accepted and not yet recorded, at most, per worker (see the window above); also one record write's size. */
export const MAX_UNRECORDED = 25;
export const DEFAULT_RECORD_LINGER_MS = 50;
/** Stop taking recipients when less than this is left of the invocation. */
const TIME_RESERVE_MS = 10_000;

const containerTemplates = new TemplateCache();

type Outcome = 'sent' | 'skipped' | 'rejected' | 'stop';
/** Why a shard stopped before its end; a stopped shard comes back. */
type StopReason = 'throttled' | 'out of time' | 'ledger' | 'send failed' | 'lease lost';

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

  const ledger = new ShardLedger(deps, log, shard);
  const lease = await ledger.claim();
  if (lease === 'done') {
    log.info('shard already sent; repeated delivery skipped', { receiveCount: message.receiveCount });
    return true;
  }
  if (lease !== 'claimed') return false;
  const recorded = await ledger.recorded();
  if (!recorded) {
    await ledger.release('ledger');
    return false;
  }

  const counts: Record<Outcome, number> = { sent: 0, skipped: 0, rejected: 0, stop: 0 };
  const todo = shard.recipients.filter((r) => !recorded.has(r.id));
  counts.skipped = shard.recipients.length - todo.length;
  let stopped: StopReason | undefined;
  const stop = (reason: StopReason) => {
    stopped ??= reason;
    counts.stop += 1;
  };
  const journal = new SendJournal(deps, ledger, log, stop);
  const sender = new RecipientSender(deps, log, shard, template);
  let next = 0;
  const outOfTime = () => deps.remainingMs !== undefined && deps.remainingMs() < TIME_RESERVE_MS;

  const lane = async () => {
    while (!stopped && next < todo.length) {
      await journal.room();
      if (stopped !== undefined || next >= todo.length) {
        journal.giveBack();
        break;
      }
      const recipient = todo[next++]!;
      const cannot = outOfTime() ? 'out of time' : !(await ledger.keep()) ? 'lease lost' : undefined;
      if (cannot !== undefined) {
        journal.giveBack();
        if (cannot === 'out of time') log.warn('invocation nearly out of time; the rest of the shard comes back', { left: todo.length - next + 1 });
        stop(cannot);
        break;
      }
      const result = await sender.send(recipient);
      if (typeof result === 'string') {
        journal.giveBack();
        stop(result);
        break;
      }
      counts[result.status === 'sent' ? 'sent' : 'rejected'] += 1;
      journal.add(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.recipientConcurrency ?? 1) }, lane));
  const allRecorded = await journal.close();

  if (!allRecorded) {
    // What stays unrecorded is sent again once the lease runs out (the window described above): the lease is kept.
  } else if (stopped === undefined) {
    await ledger.finish();
  } else if (stopped !== 'send failed' && stopped !== 'lease lost') {
    await ledger.release(stopped);
  }
  const done = stopped === undefined && allRecorded;
  log[done ? 'info' : 'warn'](done ? 'shard sent' : 'shard unfinished; it will be delivered again', {
    receiveCount: message.receiveCount,
    recipients: shard.recipients.length,
    ...counts,
    ...(stopped !== undefined && { stoppedBecause: stopped }),
  });
  return done;
}

/** What the ledger learns of one recipient: the send item it keeps. */
interface SendRecord {
  subscriberId: string;
  status: SendStatus;
  messageId?: string;
  reason?: string;
}

/** The shard's lease and its send records, with retries and logs. */
class ShardLedger {
  private readonly key: ItemKey;
  private readonly claimId = randomUUID();
  private readonly leaseMs: number;
  private renewedAt = 0;
  private renewing: Promise<boolean> | undefined;
  private lost = false;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly log: Logger,
    private readonly shard: ShardMessage,
  ) {
    this.key = shardLeaseKey(shard.dispatchId, shard.shard);
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  call<T>(op: string, call: () => Promise<T>, policy = this.deps.ledgerBackoff ?? LEDGER_BACKOFF): Promise<T> {
    return withRetries(call, policy, this.deps.clock, (err, attempt) => this.log.warn('ledger call failed', { op, attempt, error: err }), this.deps.random);
  }

  /** 'claimed' when this worker now holds the shard; 'done' when it needs nothing more; otherwise it comes back. */
  async claim(): Promise<'claimed' | 'done' | 'busy' | 'unavailable'> {
    try {
      const lease = await this.call('lease', () => claimLease(this.deps.ledger, this.deps.clock, this.leaseMs, this.key, this.claimId));
      if (lease.kind === 'done') return 'done';
      if (lease.kind === 'busy') {
        this.log.warn('another worker holds this shard; it comes back later', { claimedAt: lease.claimedAt });
        return 'busy';
      }
      if (lease.reclaimedFrom) this.log.warn('took over an expired shard lease; sending what is not recorded', { claimedAt: lease.reclaimedFrom });
      this.renewedAt = Date.parse(lease.claimedAt);
      return 'claimed';
    } catch {
      this.log.error('ledger unavailable; the shard comes back later');
      return 'unavailable';
    }
  }

  /** The subscribers of this shard the ledger already has a record for (sent, or failed for good). */
  async recorded(): Promise<Set<string> | undefined> {
    const keys = this.shard.recipients.map((r) => sendKey(this.shard.dispatchId, r.id));
    try {
      const items = await this.call('read records', () => this.deps.ledger.getMany(keys));
      return new Set(items.filter((item) => item.status === 'sent' || item.status === 'failed').map((item) => String(item.sk)));
    } catch {
      this.log.error('ledger unavailable; the shard comes back later');
      return undefined;
    }
  }

  /** Writes records as one batch; throws once its retries are spent. */
  write(records: SendRecord[]): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const items = records.map((r) => ({
      ...sendKey(this.shard.dispatchId, r.subscriberId),
      status: r.status,
      shard: this.shard.shard,
      ...(r.status === 'sent' ? { sentAt: at, messageId: r.messageId } : { failedAt: at, reason: r.reason }),
    }));
    return this.call('record', () => this.deps.ledger.putMany(items), this.deps.recordBackoff ?? RECORD_BACKOFF);
  }

  /** Renews the lease once a third of it has passed; false when it was taken over (stop sending). */
  keep(): Promise<boolean> {
    if (this.lost) return Promise.resolve(false);
    if (this.deps.clock.now().getTime() - this.renewedAt < this.leaseMs / 3) return Promise.resolve(true);
    this.renewing ??= this.call('renew', () => renewLease(this.deps.ledger, this.deps.clock, this.key, this.claimId))
      .then(
        (item) => {
          if (item) this.renewedAt = this.deps.clock.now().getTime();
          else this.log.error('the shard lease was taken over; this worker stops sending');
          return item !== undefined;
        },
        () => true, // Not renewed this time; the lease still has two thirds to run, the next send tries again.
      )
      .then((ok) => {
        this.renewing = undefined;
        this.lost ||= !ok;
        return ok;
      });
    return this.renewing;
  }

  async finish(): Promise<void> {
    await this.call('finish', () => finishLease(this.deps.ledger, this.deps.clock, this.key, this.claimId)).catch(() =>
      this.log.warn('could not mark the shard done; a later delivery finds every record and sends nothing'),
    );
  }

  /** Gives the lease back after every send is recorded, so the next delivery takes the shard at once. */
  async release(because: StopReason): Promise<void> {
    await this.call('release', () => releaseLease(this.deps.ledger, this.key, this.claimId, because)).catch(() =>
      this.log.warn('could not release the shard lease; it frees itself when the lease runs out'),
    );
  }
}

/**
 * Group commit of send records: one write in flight at a time, carrying every record added since the last one began,
 * up to MAX_UNRECORDED; room() holds senders back while that many are unrecorded.
 */
class SendJournal {
  private pending: SendRecord[] = [];
  private inFlight = 0;
  /** Senders that were given room and have not yet added a record (or given the room back). */
  private sending = 0;
  private writing: Promise<void> | undefined;
  private failed = false;
  private waiters: (() => void)[] = [];
  private full: (() => void) | undefined;
  private closing = false;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly ledger: ShardLedger,
    private readonly log: Logger,
    private readonly onFailure: (reason: StopReason) => void,
  ) {}

  /** Adds the record of a send that room() made room for. */
  add(record: SendRecord): void {
    this.sending -= 1;
    this.pending.push(record);
    if (this.pending.length >= MAX_UNRECORDED) this.full?.();
    this.writing ??= this.drain();
  }

  /** Resolves when a sender may send one message: fewer than MAX_UNRECORDED sends are under way or await their
   * record. The room is the caller's until it calls add() or giveBack(). */
  async room(): Promise<void> {
    while (!this.failed && this.sending + this.pending.length + this.inFlight >= MAX_UNRECORDED) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.sending += 1;
  }

  /** Room taken by a sender that sent nothing after all. */
  giveBack(): void {
    this.sending -= 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits for every record; false when some could not be written. */
  async close(): Promise<boolean> {
    this.closing = true;
    this.full?.();
    while (this.writing) await this.writing;
    return !this.failed;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.failed) {
      await this.linger();
      const batch = this.pending.splice(0, MAX_UNRECORDED);
      this.inFlight = batch.length;
      try {
        await this.ledger.write(batch);
      } catch {
        this.failed = true;
        for (const r of [...batch, ...this.pending]) {
          this.log.error('sent but not recorded: a delivery after the lease would send again', { subscriberId: r.subscriberId, messageId: r.messageId });
        }
        this.onFailure('ledger');
      }
      this.inFlight = 0;
      for (const wake of this.waiters.splice(0)) wake();
    }
    this.writing = undefined;
  }

  /** Lets a short batch wait for more, unless it is full or the shard is closing. */
  private async linger(): Promise<void> {
    const lingerMs = this.deps.recordLingerMs ?? DEFAULT_RECORD_LINGER_MS;
    if (lingerMs <= 0 || this.closing || this.pending.length >= MAX_UNRECORDED) return;
    await Promise.race([this.deps.clock.sleep(lingerMs), new Promise<void>((resolve) => (this.full = resolve))]);
    this.full = undefined;
  }
}

/** Sends one recipient, with the throttling retries; a record to keep, or why the shard must stop. */
class RecipientSender {
  private readonly random: () => number;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly log: Logger,
    private readonly shard: ShardMessage,
    private readonly template: LoadedTemplate,
  ) {
    this.random = deps.random ?? Math.random;
  }

  async send(recipient: { id: string; email: string }): Promise<SendRecord | 'throttled' | 'send failed'> {
    const { deps, log } = this;
    const subscriberId = recipient.id;
    const email = composeEmail(deps, this.shard, this.template, recipient);
    const throttle = deps.throttleBackoff ?? THROTTLE_BACKOFF;
    for (let attempt = 1; ; attempt++) {
      await deps.rate.take();
      try {
        const { messageId } = await deps.mailer.send(email);
        return { subscriberId, status: 'sent', messageId };
      } catch (err) {
        if (err instanceof ThrottledError) {
          log.warn('send throttled; backing off', { subscriberId, attempt });
          if (attempt < throttle.attempts) {
            await deps.clock.sleep(fullJitterMs(attempt - 1, throttle, this.random));
            continue;
          }
          // SES refused every call, so nothing went out: the shard is given back once the rest is recorded.
          log.error('still throttled after retries; shard stops here', { subscriberId, attempts: attempt });
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
