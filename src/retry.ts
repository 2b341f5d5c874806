import { BroadsheetError } from './errors.ts';
import type { Clock } from './ports.ts';

/*
 * The one retry loop. Every call that may be tried again (a ledger write, a throttled send, an optimistic
 * read-decide-write on S3, a batch DynamoDB left partly unprocessed) goes through `retry`, so backoff, jitter and
 * the give-up rule are the same everywhere and a test's clock controls every wait.
 */

export interface BackoffPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^retry)), so writers that
 * collided once spread out instead of colliding again in step. */
export function fullJitterMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry);
}

/** Returned by an attempt that did not fail but must be tried again (lost a race, work left over). */
export const AGAIN: unique symbol = Symbol('again');

export interface RetryOptions {
  /** Thrown errors worth another attempt; the others are thrown at once. Default: every error. */
  retryable?: (err: unknown) => boolean;
  /** Sees each retryable failure, the last included (for logs): the error, or undefined when the attempt said AGAIN. */
  onFailure?: (attempt: number, err: unknown) => void;
  /** The error once every attempt said AGAIN. Default: a RetriesExhaustedError. */
  exhausted?: (attempts: number) => Error;
  random?: () => number;
}

export class RetriesExhaustedError extends BroadsheetError {
  override name = 'RetriesExhaustedError';
}

/**
 * Calls `attempt` (numbered from 1) until it returns a value, waiting with full jitter between calls. A thrown
 * retryable error or AGAIN leads to another call while `policy.attempts` allows; then the last error is thrown,
 * or `exhausted` when the last attempt said AGAIN.
 */
export async function retry<T>(
  clock: Clock,
  policy: BackoffPolicy,
  attempt: (n: number) => Promise<T | typeof AGAIN>,
  options: RetryOptions = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    let outcome: { value: T } | { again: true } | { error: unknown };
    try {
      const result = await attempt(n);
      outcome = result === AGAIN ? { again: true } : { value: result };
    } catch (err) {
      if (options.retryable && !options.retryable(err)) throw err;
      outcome = { error: err };
    }
    if ('value' in outcome) return outcome.value;
    const error = 'error' in outcome ? outcome.error : undefined;
    options.onFailure?.(n, error);
    if (n >= policy.attempts) {
      if ('error' in outcome) throw error;
      throw options.exhausted?.(n) ?? new RetriesExhaustedError(`gave up after ${n} attempts`);
    }
    await clock.sleep(fullJitterMs(n - 1, policy, options.random));
  }
}
