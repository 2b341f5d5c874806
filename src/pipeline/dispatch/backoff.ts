import type { Clock } from '../../ports.ts';

export interface BackoffPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^retry)). */
export function fullJitterMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry);
}

/**
 * Runs `call` until it succeeds or `policy.attempts` calls have failed; `onFailure` sees each failure (for logs).
 * The last failure is thrown.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: BackoffPolicy,
  clock: Clock,
  onFailure: (err: unknown, attempt: number) => void,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      onFailure(err, attempt);
      if (attempt >= policy.attempts) throw err;
      await clock.sleep(fullJitterMs(attempt - 1, policy, random));
    }
  }
}
