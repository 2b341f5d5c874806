import type { Logger } from '../../log.ts';
import type { WorkerDeps } from './deps.ts';
import type { SendRecord, StopReason } from './send-record.ts';
import type { ShardLedger } from './shard-ledger.ts';

/** Sends accepted and not yet recorded, at most, per worker (the window in worker.ts); also one record write's size. */
export const MAX_UNRECORDED = 25;
export const DEFAULT_RECORD_LINGER_MS = 50;

/**
 * Group commit of send records: one write in flight at a time, carrying every record added since the last one began,
 * up to MAX_UNRECORDED; room() holds senders back while that many are unrecorded.
 */
export class SendJournal {
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
      } catch (err) {
        this.failed = true;
        for (const r of [...batch, ...this.pending]) {
          this.log.error('sent but not recorded: a delivery after the lease would send again', {
            subscriberId: r.subscriberId,
            messageId: r.messageId,
            error: err,
          });
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
