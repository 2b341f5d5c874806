import { processPartialResponse, type BatchResponse, type QueueRecord } from '../../batch.ts';
import type { Logger } from '../../log.ts';
import type { Recorded, WorkerDeps } from './deps.ts';
import { TemplateCache, TemplateError, type AnyLoadedTemplate } from './dispatch-template.ts';
import { chooseDigestCopies } from './digest-copies.ts';
import { RecipientSender } from './recipient-sender.ts';
import { SendJournal } from './send-journal.ts';
import type { StopReason } from './send-record.ts';
import { ShardLedger } from './shard-ledger.ts';
import { parseShard, type ShardMessage } from './shard-message.ts';

export { MAX_UNRECORDED } from './send-journal.ts';
export { tagValue } from './recipient-sender.ts';
export type { WorkerDeps } from './deps.ts';
export type { BatchResponse } from '../../batch.ts';

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
 *
 * A withdrawn editorial stops its dispatch: the publish stage writes one stop record for the dispatch id (see
 * dispatch-stop.ts). A worker reads it once it holds a shard, before the first send, and while it sends every
 * stopCheckMs (2 s) and at every lease renewal; a lane that waited for its send-rate token looks again (at what this
 * worker has seen) before it calls SES. Once stopped, the worker sends nothing more, waits for the records of what it
 * sent, marks the shard's lease 'stopped' with the count sent (every delivery's sends) and acknowledges the message;
 * every later delivery of a stopped shard is acknowledged at once, and a shard first taken after the stop sends none.
 */

/** Stop taking recipients when less than this is left of the invocation. */
const TIME_RESERVE_MS = 10_000;

/** Shared by the workers of one container that are given no cache of their own. */
const containerTemplates = new TemplateCache();

type Outcome = 'sent' | 'skipped' | 'rejected' | 'stop' | 'unsubscribed';

/** Sends every shard of the batch, one after the other (they share the send rate); the partial batch response names
 * the shards that must come back. */
export function processShards(deps: WorkerDeps, messages: QueueRecord[]): Promise<BatchResponse> {
  return processPartialResponse(messages, (message) => processShard(deps, message), {
    order: 'sequential',
    onError: (message, err) =>
      deps.log.error('shard failed; it will be delivered again', {
        messageId: message.messageId,
        receiveCount: message.receiveCount,
        error: err,
      }),
  });
}

async function processShard(deps: WorkerDeps, message: QueueRecord): Promise<boolean> {
  let shard: ShardMessage;
  try {
    shard = parseShard(message.body);
  } catch (err) {
    // It can never succeed: failing it every time lets the queue's redrive policy park it in the dead-letter queue.
    deps.log.error('malformed dispatch message', {
      messageId: message.messageId,
      receiveCount: message.receiveCount,
      error: err,
    });
    return false;
  }
  const log = deps.log.child({ dispatchId: shard.dispatchId, shard: shard.shard, messageId: message.messageId });
  let template: AnyLoadedTemplate;
  try {
    template = await (deps.templates ?? containerTemplates).get(deps.ledger, shard.dispatchId);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    log.error('dispatch template missing or unusable; shard fails and will be delivered again', {
      receiveCount: message.receiveCount,
      error: err,
    });
    return false;
  }

  const ledger = new ShardLedger(deps, log, shard);
  const lease = await ledger.claim();
  if (lease === 'done') {
    log.info('shard already sent; repeated delivery skipped', { receiveCount: message.receiveCount });
    return true;
  }
  if (lease === 'stopped') {
    log.info('shard stopped with its dispatch; repeated delivery acknowledged, nothing sent', {
      receiveCount: message.receiveCount,
    });
    return true;
  }
  if (lease !== 'claimed') return false;
  const [recorded, stopSeen] = await Promise.all([ledger.recorded(), ledger.checkStop()]);
  if (!recorded) {
    await ledger.release('ledger');
    return false;
  }
  if (stopSeen === 'dispatch stopped')
    return endStopped(ledger, log, message, recorded, { sent: 0, unsent: shard.recipients.length - recorded.ids.size });
  if (stopSeen === 'dispatch paused') return endPaused(ledger, log, message, 0);

  const counts: Record<Outcome, number> = { sent: 0, skipped: 0, rejected: 0, stop: 0, unsubscribed: 0 };
  const unrecorded = shard.recipients.filter((r) => !recorded.ids.has(r.id)).map((r) => r.id);
  counts.skipped = shard.recipients.length - unrecorded.length;
  // Who is still confirmed, read now: a reader who left or was erased after planning is skipped, and recorded so.
  const read = unrecorded.length > 0 ? await ledger.resolve(unrecorded) : { send: [], skipped: [] };
  // A digest's reader with nothing in it (other topics, another cadence for the period) is recorded as skipped.
  const resolved =
    read && template.kind === 'digest' ? await chooseDigestCopies(template, read, log, ledger.withdrawn) : read;
  if (!resolved) {
    await ledger.release('ledger');
    return false;
  }
  if (resolved.skipped.length > 0) {
    const written = await ledger.write(resolved.skipped).then(
      () => true,
      () => false,
    );
    if (!written) {
      await ledger.release('ledger');
      return false;
    }
    counts.unsubscribed = resolved.skipped.length;
  }
  const todo = resolved.send;
  let stopped: StopReason | undefined;
  const stop = (reason: StopReason) => {
    stopped ??= reason;
    counts.stop += 1;
  };
  const journal = new SendJournal(deps, ledger, log, stop);
  const sender = new RecipientSender(deps, log, shard, template, () => ledger.interrupted(), ledger.withdrawn);
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
      const cannot = outOfTime() ? 'out of time' : await ledger.keep();
      if (cannot !== undefined) {
        journal.giveBack();
        if (cannot === 'out of time')
          log.warn('invocation nearly out of time; the rest of the shard comes back', { left: todo.length - next + 1 });
        stop(cannot);
        break;
      }
      const result = await sender.send(recipient);
      if (typeof result === 'string') {
        journal.giveBack();
        stop(result);
        break;
      }
      counts[result.status === 'sent' ? 'sent' : result.status === 'skipped' ? 'skipped' : 'rejected'] += 1;
      journal.add(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.recipientConcurrency ?? 1) }, lane));
  const allRecorded = await journal.close();
  if (stopped === 'dispatch stopped') {
    // Nothing more is sent, by this worker or any later one: what is unrecorded stays so (logged by the journal).
    return endStopped(ledger, log, message, recorded, {
      sent: counts.sent,
      unsent: todo.length - counts.sent - counts.rejected,
    });
  }

  if (stopped === 'dispatch paused' && allRecorded) return endPaused(ledger, log, message, counts.sent);
  if (!allRecorded) {
    // What stays unrecorded is sent again once the lease runs out (the window described above): the lease is kept.
  } else if (stopped === undefined) {
    await ledger.finish(recorded.sent + counts.sent);
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

/**
 * Puts a shard of a paused dispatch down: every send of this delivery is recorded, so the lease is given back and the
 * message acknowledged (it would otherwise come back until the dead-letter queue took it). A resume queues the shard
 * again, and whoever takes it sends only to those without a record.
 */
async function endPaused(
  ledger: ShardLedger,
  log: Logger,
  message: QueueRecord,
  sentThisDelivery: number,
): Promise<boolean> {
  await ledger.release('dispatch paused');
  log.warn('dispatch paused: this shard waits for a resume', {
    receiveCount: message.receiveCount,
    sentThisDelivery,
    reason: ledger.pause?.reason,
    pausedBy: ledger.pause?.by,
  });
  return true;
}

/**
 * Ends a shard of a stopped dispatch: its lease says 'stopped' with how many of it were sent (earlier deliveries
 * included) and how many never will be. Acknowledged once the lease says so; otherwise it comes back and ends then.
 */
async function endStopped(
  ledger: ShardLedger,
  log: Logger,
  message: QueueRecord,
  recorded: Recorded,
  now: { sent: number; unsent: number },
): Promise<boolean> {
  const sent = recorded.sent + now.sent;
  const marked = await ledger.stopped({ sent, unsent: now.unsent });
  log.warn('dispatch stopped: the rest of this shard is never sent', {
    receiveCount: message.receiveCount,
    sent,
    sentThisDelivery: now.sent,
    unsent: now.unsent,
    reason: ledger.stop?.reason,
    stoppedAt: ledger.stop?.stoppedAt,
    ...(!marked && { acknowledged: false }),
  });
  return marked;
}
