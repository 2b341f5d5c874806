import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import type { ItemKey } from '../../ports.ts';
import { retry, type BackoffPolicy } from '../../retry.ts';
import { sendKey, shardLeaseKey } from './ledger-keys.ts';
import type { SendRecord, StopReason } from './send-record.ts';
import { claimLease, finishLease, releaseLease, renewLease } from './shard-lease.ts';
import type { ShardMessage } from './shard-message.ts';
import type { WorkerDeps } from './worker.ts';

export const DEFAULT_LEASE_MS = 10 * 60_000;
const LEDGER_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 50, capMs: 1_000 };
const RECORD_BACKOFF: BackoffPolicy = { attempts: 8, baseMs: 50, capMs: 2_000 };

/** The shard's lease and its send records, with retries and logs. */
export class ShardLedger {
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
    return retry(this.deps.clock, policy, call, {
      onFailure: (attempt, err) => this.log.warn('ledger call failed', { op, attempt, error: err }),
      ...(this.deps.random && { random: this.deps.random }),
    });
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
