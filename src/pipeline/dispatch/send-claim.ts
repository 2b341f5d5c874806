import { randomUUID } from 'node:crypto';
import type { Clock, Item, KeyValueTable } from '../../ports.ts';
import { sendKey } from './ledger-keys.ts';

export type Claim =
  | { kind: 'claimed'; claimId: string; claimedAt: string; reclaimedFrom?: string }
  /** The ledger already says 'sent' or 'failed': nothing to do. */
  | { kind: 'done'; status: string }
  /** Another worker holds a live claim. */
  | { kind: 'busy'; claimedAt: string };

/** Far enough in the past that any lease has run out: a released claim is free to reclaim at once. */
export const RELEASED_AT = new Date(0).toISOString();

/**
 * Claims one send in the ledger before it goes out. A claim is a 'sending' item with `claimedAt` and a random
 * `claimId` (the fence for every later write of this worker). A 'sending' item older than the lease belongs to a
 * worker that died (or gave up): it is taken over with a write conditional on the `claimedAt` seen, so of two
 * workers reclaiming at once only one wins.
 *
 * Safe to call again after a failed call: finding its own claimId, the caller knows the earlier write landed.
 */
export async function claimSend(
  ledger: KeyValueTable,
  clock: Clock,
  leaseMs: number,
  dispatchId: string,
  subscriberId: string,
  claimId: string = randomUUID(),
): Promise<Claim> {
  const key = sendKey(dispatchId, subscriberId);
  const claimedAt = clock.now().toISOString();
  if (await ledger.putIfAbsent({ ...key, status: 'sending', claimedAt, claimId, attempts: 1 })) {
    return { kind: 'claimed', claimId, claimedAt };
  }
  const existing: Item | undefined = await ledger.get(key);
  if (!existing) return { kind: 'busy', claimedAt: RELEASED_AT };
  if (existing.status !== 'sending') return { kind: 'done', status: String(existing.status) };
  const heldSince = typeof existing.claimedAt === 'string' ? existing.claimedAt : RELEASED_AT;
  if (existing.claimId === claimId) return { kind: 'claimed', claimId, claimedAt: heldSince };
  const age = clock.now().getTime() - Date.parse(heldSince);
  if (!(age >= leaseMs)) return { kind: 'busy', claimedAt: heldSince };
  const taken = await ledger.update(key, {
    set: { claimedAt, claimId },
    increment: { attempts: 1 },
    expected: { status: 'sending', claimedAt: existing.claimedAt },
  });
  return taken ? { kind: 'claimed', claimId, claimedAt, reclaimedFrom: heldSince } : { kind: 'busy', claimedAt: heldSince };
}

/** 'sent' with the provider's message id; undefined when the claim was lost (the lease ran out and was taken over). */
export function recordSent(ledger: KeyValueTable, clock: Clock, dispatchId: string, subscriberId: string, claimId: string, messageId: string) {
  return ledger.update(sendKey(dispatchId, subscriberId), {
    set: { status: 'sent', sentAt: clock.now().toISOString(), messageId },
    expected: { status: 'sending', claimId },
  });
}

/** 'failed' for good: the provider refused this message, so it is never tried again. */
export function recordFailed(ledger: KeyValueTable, clock: Clock, dispatchId: string, subscriberId: string, claimId: string, reason: string) {
  return ledger.update(sendKey(dispatchId, subscriberId), {
    set: { status: 'failed', failedAt: clock.now().toISOString(), reason: reason.slice(0, 500) },
    expected: { status: 'sending', claimId },
  });
}

/** Gives the claim up when the send surely did not go out (throttled every time), so the next delivery takes it at once. */
export function releaseClaim(ledger: KeyValueTable, dispatchId: string, subscriberId: string, claimId: string) {
  return ledger.update(sendKey(dispatchId, subscriberId), {
    set: { claimedAt: RELEASED_AT, releasedBecause: 'throttled' },
    expected: { status: 'sending', claimId },
  });
}
