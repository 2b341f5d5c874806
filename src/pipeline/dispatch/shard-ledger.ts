import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import type { ItemKey } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import type { Interruption, Recipient, Recorded, WorkerDeps } from './deps.ts';
import { readerProfile } from './audience.ts';
import { readDispatchRecords, type DispatchControl } from './dispatch-control.ts';
import type { DispatchStop } from './dispatch-stop.ts';
import { addFigures, dispatchTag } from './figures.ts';
import { retainedUntil, sendKey, shardLeaseKey } from './ledger-keys.ts';
import type { SendRecord, StopReason } from './send-record.ts';
import { claimLease, finishLease, releaseLease, renewLease, stopLease } from './shard-lease.ts';
import type { ShardMessage } from './shard-message.ts';

export const DEFAULT_LEASE_MS = 10 * 60_000;
/** How often a sending worker reads its dispatch's stop record (it also does at every lease renewal). */
export const DEFAULT_STOP_CHECK_MS = 2_000;
const LEDGER_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 50, capMs: 1_000 };
const RECORD_BACKOFF: BackoffPolicy = { attempts: 8, baseMs: 50, capMs: 2_000 };

/** The shard's lease, its send records and its dispatch's stop record, with retries and logs. */
export class ShardLedger {
  private readonly key: ItemKey;
  private readonly claimId = randomUUID();
  private readonly leaseMs: number;
  private readonly stopCheckMs: number;
  private renewedAt = 0;
  private checkedAt = 0;
  private keeping: Promise<void> | undefined;
  private lost = false;
  private first = false;
  /** The dispatch's stop record, once this worker has seen it. */
  stop: DispatchStop | undefined;
  /** The dispatch's pause, once this worker has seen it: this delivery sends nothing more (a resume queues it again). */
  pause: DispatchControl | undefined;
  /** For a digest: the editorials withdrawn since it was planned, as far as this worker has seen; left out of copies. */
  readonly withdrawn = new Set<string>();

  constructor(
    private readonly deps: WorkerDeps,
    private readonly log: Logger,
    private readonly shard: ShardMessage,
  ) {
    this.key = shardLeaseKey(shard.dispatchId, shard.shard);
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    this.stopCheckMs = deps.stopCheckMs ?? DEFAULT_STOP_CHECK_MS;
  }

  call<T>(op: string, call: () => Promise<T>, policy = this.deps.ledgerBackoff ?? LEDGER_BACKOFF): Promise<T> {
    return retry(this.deps.clock, policy, call, {
      onFailure: (attempt, err) => this.log.warn('ledger call failed', { op, attempt, error: err }),
      ...(this.deps.random && { random: this.deps.random }),
    });
  }

  /** 'claimed' when this worker now holds the shard; 'done' or 'stopped' when it needs nothing more; otherwise it
   * comes back. */
  async claim(): Promise<'claimed' | 'done' | 'stopped' | 'busy' | 'unavailable'> {
    try {
      const lease = await this.call('lease', () =>
        claimLease(this.deps.ledger, this.deps.clock, this.leaseMs, this.key, this.claimId),
      );
      if (lease.kind === 'done' || lease.kind === 'stopped') return lease.kind;
      if (lease.kind === 'busy') {
        this.log.warn('another worker holds this shard; it comes back later', { claimedAt: lease.claimedAt });
        return 'busy';
      }
      if (lease.reclaimedFrom)
        this.log.warn('took over an expired shard lease; sending what is not recorded', {
          claimedAt: lease.reclaimedFrom,
        });
      this.renewedAt = Date.parse(lease.claimedAt);
      this.first = lease.first === true;
      return 'claimed';
    } catch (err) {
      this.log.error('ledger unavailable; the shard comes back later', { error: err });
      return 'unavailable';
    }
  }

  /** The subscribers of this shard the ledger already has a record for (sent, or failed for good). A lease this
   * worker created has none: nothing is read then. */
  async recorded(): Promise<Recorded | undefined> {
    if (this.first) return { ids: new Set(), sent: 0 };
    const keys = this.shard.recipients.map((r) => sendKey(this.shard.dispatchId, r.id));
    try {
      const items = await this.call('read records', () => this.deps.ledger.getMany(keys));
      const done = items.filter(
        (item) => item.status === 'sent' || item.status === 'failed' || item.status === 'skipped',
      );
      return {
        ids: new Set(done.map((item) => String(item.sk))),
        sent: done.filter((item) => item.status === 'sent').length,
      };
    } catch (err) {
      this.log.error('ledger unavailable; the shard comes back later', { error: err });
      return undefined;
    }
  }

  /**
   * The shard's recipients as the subscribers table has them now: the address (and link nonce, which their unsubscribe
   * link is bound to) of each who is still confirmed, and
   * a 'skipped' record for each who is not (unsubscribed, suppressed or erased since planning). Undefined when the
   * table could not be read: the shard comes back.
   */
  async resolve(ids: readonly string[]): Promise<{ send: Recipient[]; skipped: SendRecord[] } | undefined> {
    try {
      const items = await this.call('read subscribers', () => this.deps.subscribers.getMany(ids.map((id) => ({ id }))));
      const byId = new Map(items.map((item) => [String(item.id), item]));
      const send: Recipient[] = [];
      const skipped: SendRecord[] = [];
      for (const id of ids) {
        const item = byId.get(id);
        const email = item?.email;
        const nonce = typeof item?.linkNonce === 'string' && item.linkNonce !== '' ? { nonce: item.linkNonce } : {};
        if (item?.status === 'confirmed' && typeof email === 'string' && email.includes('@'))
          send.push({ id, email, ...nonce, profile: readerProfile(item) });
        else
          skipped.push({
            subscriberId: id,
            status: 'skipped',
            reason: item === undefined ? 'erased' : String(item.status ?? 'unknown'),
          });
      }
      return { send, skipped };
    } catch (err) {
      this.log.error('subscribers table unavailable; the shard comes back later', { error: err });
      return undefined;
    }
  }

  /** Writes records as one batch; throws once its retries are spent. */
  write(records: SendRecord[]): Promise<void> {
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const expiresAt = retainedUntil(now);
    const items = records.map((r) => ({
      ...sendKey(this.shard.dispatchId, r.subscriberId),
      expiresAt,
      status: r.status,
      shard: this.shard.shard,
      ...(r.status === 'sent'
        ? { sentAt: at, messageId: r.messageId }
        : r.status === 'skipped'
          ? { skippedAt: at, reason: r.reason }
          : { failedAt: at, reason: r.reason }),
    }));
    return this.call('record', () => this.deps.ledger.putMany(items), this.deps.recordBackoff ?? RECORD_BACKOFF).then(
      () => this.count(records, at),
    );
  }

  /**
   * Adds the recorded sends to the dispatch's counters (one of its counter items, by shard number). Counted after
   * the records, so a counter never runs ahead of them; a counter write that fails is logged, and the records stay
   * the truth.
   */
  private async count(records: SendRecord[], at: string): Promise<void> {
    const of = (status: SendRecord['status']) => records.filter((r) => r.status === status).length;
    const counts = { sent: of('sent'), failed: of('failed'), skipped: of('skipped') };
    await this.call('count', () =>
      addFigures(this.deps.ledger, dispatchTag(this.shard.dispatchId), counts, at, this.shard.shard),
    ).catch((err: unknown) =>
      this.log.warn('could not add the sends to the dispatch figures; the send records are kept', {
        ...counts,
        error: err,
      }),
    );
  }

  /**
   * Whether this worker may go on sending: renews the lease once a third of it has passed, and reads the dispatch's
   * stop record every stopCheckMs and at every renewal. Undefined: go on; otherwise stop sending at once.
   */
  async keep(): Promise<Interruption | undefined> {
    const now = this.deps.clock.now().getTime();
    if (!this.interrupted()) {
      const renew = now - this.renewedAt >= this.leaseMs / 3;
      if (renew || now - this.checkedAt >= this.stopCheckMs) {
        this.keeping ??= Promise.all([renew ? this.renew() : undefined, this.checkStop()]).then(() => {
          this.keeping = undefined;
        });
        await this.keeping;
      }
    }
    return this.interrupted();
  }

  /** Why sending must stop, from what this worker has seen so far (no ledger call). */
  interrupted(): Interruption | undefined {
    return this.lost ? 'lease lost' : this.stop ? 'dispatch stopped' : this.pause ? 'dispatch paused' : undefined;
  }

  /**
   * Reads the dispatch's stop record and pause now, in one query of the dispatch's own partition; a read that fails
   * counts as neither this time (the next check reads again). Either, once seen, holds for this delivery.
   */
  async checkStop(): Promise<Interruption | undefined> {
    this.checkedAt = this.deps.clock.now().getTime();
    const records = await this.call('read stop', () =>
      readDispatchRecords(this.deps.ledger, this.shard.dispatchId),
    ).catch((err: unknown) => {
      this.log.warn('could not read the dispatch stop record and pause; sending goes on and reads them again', {
        error: err,
      });
      return undefined;
    });
    this.stop ??= records?.stop;
    if (records?.control?.paused) this.pause ??= records.control;
    for (const slug of records?.withdrawn ?? []) this.withdrawn.add(slug);
    return this.stop ? 'dispatch stopped' : this.pause ? 'dispatch paused' : undefined;
  }

  private async renew(): Promise<void> {
    const ok = await this.call('renew', () =>
      renewLease(this.deps.ledger, this.deps.clock, this.key, this.claimId),
    ).then(
      (item) => {
        if (item) this.renewedAt = this.deps.clock.now().getTime();
        else this.log.error('the shard lease was taken over; this worker stops sending');
        return item !== undefined;
      },
      () => true, // Not renewed this time; the lease still has two thirds to run, the next send tries again.
    );
    this.lost ||= !ok;
  }

  async finish(sent: number): Promise<void> {
    await this.call('finish', () => finishLease(this.deps.ledger, this.deps.clock, this.key, this.claimId, sent)).catch(
      (err: unknown) =>
        this.log.warn('could not mark the shard done; a later delivery finds every record and sends nothing', {
          error: err,
        }),
    );
  }

  /** Ends the shard of a stopped dispatch: true once the lease says 'stopped' (later deliveries skip it). */
  async stopped(counts: { sent: number; unsent: number }): Promise<boolean> {
    const item = await this.call('stop', () =>
      stopLease(this.deps.ledger, this.deps.clock, this.key, this.claimId, counts),
    ).catch((err: unknown) => {
      this.log.warn('could not mark the shard stopped; a later delivery sees the stop and marks it', { error: err });
      return undefined;
    });
    return item !== undefined;
  }

  /** Gives the lease back after every send is recorded, so the next delivery takes the shard at once. */
  async release(because: StopReason): Promise<void> {
    await this.call('release', () => releaseLease(this.deps.ledger, this.key, this.claimId, because)).catch(
      (err: unknown) =>
        this.log.warn('could not release the shard lease; it frees itself when the lease runs out', { error: err }),
    );
  }
}
