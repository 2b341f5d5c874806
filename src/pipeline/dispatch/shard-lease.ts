import { randomUUID } from 'node:crypto';
import type { Clock, Item, ItemKey, KeyValueTable } from '../../ports.ts';
import { retainedUntil } from './ledger-keys.ts';

export type Lease =
  /** `first`: this claim created the lease, so nothing of the shard was sent before it. */
  | { kind: 'claimed'; claimId: string; claimedAt: string; reclaimedFrom?: string; first?: true }
  /** The shard is done: every recipient was sent, or failed for good. */
  | { kind: 'done' }
  /** The dispatch was stopped while (or before) this shard was sent: the rest of it is never sent. */
  | { kind: 'stopped' }
  /** Another worker holds a live lease. */
  | { kind: 'busy'; claimedAt: string };

/** Far enough in the past that any lease has run out: a released lease is free to take at once. Written out, as
 * `new Date(0).toISOString()` gives it, since building a date at module load costs a cold worker about a
 * millisecond. */
export const RELEASED_AT = '1970-01-01T00:00:00.000Z';

/**
 * Takes the lease on one shard before any of it is sent. A lease is a 'sending' item with `claimedAt` and a random
 * `claimId` (the fence for every later write of this worker). A 'sending' item older than the lease belongs to a
 * worker that died (or gave up): it is taken over with a write conditional on the `claimedAt` seen, so of two workers
 * reclaiming at once only one wins.
 *
 * Safe to call again after a failed call: finding its own claimId, the caller knows the earlier write landed.
 */
export async function claimLease(
  ledger: KeyValueTable,
  clock: Clock,
  leaseMs: number,
  key: ItemKey,
  claimId: string = randomUUID(),
): Promise<Lease> {
  const claimedAt = clock.now().toISOString();
  if (
    await ledger.putIfAbsent({
      ...key,
      status: 'sending',
      claimedAt,
      claimId,
      attempts: 1,
      expiresAt: retainedUntil(clock.now()),
    })
  ) {
    return { kind: 'claimed', claimId, claimedAt, first: true };
  }
  const existing: Item | undefined = await ledger.get(key);
  if (!existing) return { kind: 'busy', claimedAt: RELEASED_AT };
  if (existing.status === 'stopped') return { kind: 'stopped' };
  if (existing.status !== 'sending') return { kind: 'done' };
  const heldSince = typeof existing.claimedAt === 'string' ? existing.claimedAt : RELEASED_AT;
  if (existing.claimId === claimId) {
    // An earlier try of this very call created the lease (its answer was lost), or this worker claimed it before.
    return { kind: 'claimed', claimId, claimedAt: heldSince, ...(existing.attempts === 1 && { first: true as const }) };
  }
  const age = clock.now().getTime() - Date.parse(heldSince);
  if (!(age >= leaseMs)) return { kind: 'busy', claimedAt: heldSince };
  const taken = await ledger.update(key, {
    set: { claimedAt, claimId },
    increment: { attempts: 1 },
    expected: { status: 'sending', claimedAt: existing.claimedAt },
  });
  return taken
    ? { kind: 'claimed', claimId, claimedAt, reclaimedFrom: heldSince }
    : { kind: 'busy', claimedAt: heldSince };
}

/** Extends a lease still held; undefined when it was taken over (the holder must stop sending). */
export function renewLease(ledger: KeyValueTable, clock: Clock, key: ItemKey, claimId: string) {
  return ledger.update(key, {
    set: { claimedAt: clock.now().toISOString() },
    expected: { status: 'sending', claimId },
  });
}

/** The shard is finished: later deliveries of it skip it at once. `sent`: how many of it SES accepted, all tries. */
export function finishLease(ledger: KeyValueTable, clock: Clock, key: ItemKey, claimId: string, sent?: number) {
  return ledger.update(key, {
    set: { status: 'done', doneAt: clock.now().toISOString(), ...(sent !== undefined && { sent }) },
    expected: { status: 'sending', claimId },
  });
}

/** The dispatch was stopped: the shard ends here with `sent` of it sent (all tries) and `unsent` never to be. */
export function stopLease(
  ledger: KeyValueTable,
  clock: Clock,
  key: ItemKey,
  claimId: string,
  counts: { sent: number; unsent: number },
) {
  return ledger.update(key, {
    set: { status: 'stopped', stoppedAt: clock.now().toISOString(), sent: counts.sent, unsent: counts.unsent },
    expected: { status: 'sending', claimId },
  });
}

/** Gives the lease up when every send of this worker is recorded, so the next delivery takes the shard at once. */
export function releaseLease(ledger: KeyValueTable, key: ItemKey, claimId: string, because: string) {
  return ledger.update(key, {
    set: { claimedAt: RELEASED_AT, releasedBecause: because },
    expected: { status: 'sending', claimId },
  });
}
